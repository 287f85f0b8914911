// Package dc writes records as Dublin Core (the oai_dc format of OAI-PMH):
// simple, repeatable elements that every harvester and library system
// reads. Titles and abstracts carry their language in xml:lang.
package dc

import (
	"encoding/xml"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/markup"
)

// Namespaces of the oai_dc container and its elements.
const (
	NamespaceOAIDC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
	NamespaceDC    = "http://purl.org/dc/elements/1.1/"
	schemaLocation = NamespaceOAIDC + " http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
)

// element is one Dublin Core element.
type element struct {
	XMLName xml.Name
	Lang    string `xml:"xml:lang,attr,omitempty"`
	Value   string `xml:",chardata"`
}

// Document is an oai_dc:dc element.
type Document struct {
	XMLName        xml.Name  `xml:"oai_dc:dc"`
	NSOAIDC        string    `xml:"xmlns:oai_dc,attr"`
	NSDC           string    `xml:"xmlns:dc,attr"`
	NSXSI          string    `xml:"xmlns:xsi,attr"`
	SchemaLocation string    `xml:"xsi:schemaLocation,attr"`
	Elements       []element `xml:",any"`
}

// dcTypes maps record kinds to DCMI Type vocabulary terms.
var dcTypes = map[catalog.Kind]string{
	catalog.KindPresentation: "Event", catalog.KindSpeech: "Event", catalog.KindDataset: "Dataset",
}

// FromRecord builds the Dublin Core of a record. ev is its event, if any;
// recordURL, if not empty, is given as an identifier.
func FromRecord(rec *catalog.Record, ev *catalog.Event, recordURL string) Document {
	plain := rec.WithPlainTitles() // Dublin Core is plain text
	r := &plain
	d := Document{NSOAIDC: NamespaceOAIDC, NSDC: NamespaceDC, NSXSI: "http://www.w3.org/2001/XMLSchema-instance",
		SchemaLocation: schemaLocation}
	add := func(name, lang, value string) {
		if value != "" {
			d.Elements = append(d.Elements, element{XMLName: xml.Name{Local: "dc:" + name}, Lang: lang, Value: value})
		}
	}
	add("title", r.Language, r.Title)
	for _, t := range r.Translations {
		add("title", t.Language, t.Title)
	}
	for _, c := range r.Contributors {
		switch c.Role {
		case catalog.RoleEditor, catalog.RoleTranslator, catalog.RoleChair, catalog.RoleOrganizer, catalog.RoleContributor:
			add("contributor", "", c.DisplayName())
		default:
			add("creator", "", c.DisplayName())
		}
	}
	for _, key := range r.Topics {
		if t, ok := catalog.FindTopic(key); ok {
			add("subject", "en", t.Labels["en"])
		}
	}
	for _, k := range r.Keywords {
		add("subject", "", k)
	}
	add("description", r.Language, r.Abstract)
	for _, t := range r.Translations {
		add("description", t.Language, t.Abstract)
	}
	add("publisher", "", r.Publisher)
	add("date", "", r.Date)
	typ := dcTypes[r.Kind]
	if typ == "" {
		typ = "Text"
	}
	add("type", "", typ)
	add("type", "", string(r.Kind))
	add("type", "", r.Genre)
	for _, id := range identifiers(r.Identifiers) {
		add("identifier", "", id)
	}
	add("identifier", "", recordURL)
	if recordURL != "" { // the open files, for harvesters that fetch full texts
		today := time.Now().UTC().Format(time.DateOnly)
		for i := range r.Files {
			if f := &r.Files[i]; catalog.FileOpen(f, today) {
				add("identifier", "", recordURL+"/files/"+url.PathEscape(f.Name))
				if base, _, _ := strings.Cut(f.MediaType, ";"); base != "" {
					add("format", "", base)
				}
			}
		}
	}
	add("format", "", r.Medium)
	add("language", "", r.Language)
	add("source", "", Source(r))
	if ev != nil {
		add("relation", "", ev.Name)
		add("coverage", "", ev.Place)
	}
	add("relation", "", r.EventName)
	add("rights", "", r.License)
	return d
}

// identifiers are a record's identifiers as URIs, the forms harvesters
// resolve.
func identifiers(ids catalog.Identifiers) []string {
	var out []string
	add := func(prefix, v string) {
		if v != "" {
			out = append(out, prefix+v)
		}
	}
	add("https://doi.org/", ids.DOI)
	for _, v := range append([]string{ids.ISBN}, ids.OtherISBNs...) {
		add("urn:isbn:", v)
	}
	for _, v := range append([]string{ids.ISSN}, ids.OtherISSNs...) {
		add("urn:issn:", v)
	}
	add("info:pmid/", ids.PMID)
	add("https://www.ncbi.nlm.nih.gov/pmc/articles/", ids.PMCID)
	add("https://arxiv.org/abs/", ids.ArXiv)
	add("https://hdl.handle.net/", ids.Handle)
	add("", ids.URL)
	return out
}

// Source is where a record was published, as one line for dc:source:
// "Journal of X, vol. 6, no. 1, pp. 10-20" ("" when it is not part of
// something else).
func Source(r *catalog.Record) string {
	if r.ContainerTitle == "" {
		return ""
	}
	parts := []string{markup.Plain(r.ContainerTitle)}
	for _, p := range []struct{ label, v string }{{"vol. ", r.Volume}, {"no. ", r.Issue}, {"pp. ", r.Pages}} {
		if p.v != "" {
			parts = append(parts, p.label+p.v)
		}
	}
	return strings.Join(parts, ", ")
}

// Write writes the Dublin Core of a record as an XML document.
func Write(w io.Writer, d Document) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(d); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
