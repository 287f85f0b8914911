package dc

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

func TestDublinCoreValidates(t *testing.T) {
	r := &catalog.Record{ID: "a", Kind: catalog.KindSpeech, Title: "Приветственное слово <&>", Language: "ru",
		Translations: []catalog.Translation{{Language: "zh", Title: "开幕致辞"}},
		Contributors: []catalog.Contributor{{Family: "Алдошин", Given: "Сергей"}, {Literal: "РАН", Role: "organizer"}},
		Topics:       []string{"science-policy"}, Keywords: []string{"академии"}, Date: "2025-06-04",
		Identifiers: catalog.Identifiers{DOI: "10.1234/x"}}
	ev := &catalog.Event{Name: "Conference", Place: "Jinan"}
	var buf bytes.Buffer
	if err := Write(&buf, FromRecord(r, ev, "https://annals.example/records/a")); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`<dc:title xml:lang="ru">Приветственное слово &lt;&amp;&gt;</dc:title>`,
		`<dc:title xml:lang="zh">开幕致辞</dc:title>`, `<dc:creator>Алдошин, Сергей</dc:creator>`,
		`<dc:contributor>РАН</dc:contributor>`, `<dc:type>Event</dc:type>`, `<dc:identifier>https://doi.org/10.1234/x</dc:identifier>`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in\n%s", want, out)
		}
	}
	xmllint := catalogtest.RequireTool(t, "xmllint", "apt install libxml2-utils")
	oai, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "oai"))
	if err != nil {
		t.Fatal(err)
	}
	schema := filepath.Join(oai, "schemas", "oai_dc.xsd")
	if _, err := os.Stat(schema); err != nil {
		t.Skipf("no oai_dc schema at %s", schema)
	}
	file := filepath.Join(t.TempDir(), "dc.xml")
	os.WriteFile(file, buf.Bytes(), 0o644)
	cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", schema, file)
	// The schemas import each other by URL; the catalog maps them to the local copies.
	cmd.Env = append(os.Environ(), "XML_CATALOG_FILES="+filepath.Join(oai, "catalog.xml"))
	if res, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s\n%s", err, res, out)
	}
}

// TestDublinCoreSaysWhereItWasPublished: an article's journal, volume,
// issue and pages are its dc:source; every identifier is a URI.
func TestDublinCoreSaysWhereItWasPublished(t *testing.T) {
	r := &catalog.Record{ID: "b", Kind: catalog.KindArticle, Title: "Водородная энергетика", Pages: "10-20",
		Source: catalog.Source{ContainerTitle: "Вестник РАН", Volume: "95", Issue: "3", Genre: "Review", EventName: "Hydrogen Forum"},
		Identifiers: catalog.Identifiers{ISSN: "0869-5873", OtherISSNs: []string{"1607-3509"}, PMID: "31452104",
			PMCID: "PMC6711212", ArXiv: "2101.00001", Handle: "10568/12345"}}
	var buf bytes.Buffer
	if err := Write(&buf, FromRecord(r, nil, "")); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`<dc:source>Вестник РАН, vol. 95, no. 3, pp. 10-20</dc:source>`,
		`<dc:identifier>urn:issn:0869-5873</dc:identifier>`, `<dc:identifier>urn:issn:1607-3509</dc:identifier>`,
		`<dc:identifier>info:pmid/31452104</dc:identifier>`, `<dc:identifier>https://arxiv.org/abs/2101.00001</dc:identifier>`,
		`<dc:identifier>https://hdl.handle.net/10568/12345</dc:identifier>`, `<dc:type>Review</dc:type>`,
		`<dc:relation>Hydrogen Forum</dc:relation>`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in\n%s", want, out)
		}
	}
}
