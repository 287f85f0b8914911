package tagged

import (
	"bytes"
	"encoding/xml"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
)

// styled is an EndNote XML text: plain, or in <style> runs.
type styled struct {
	Text   string   `xml:",chardata"`
	Styles []string `xml:"style"`
}

func (s styled) String() string {
	t := s.Text + strings.Join(s.Styles, "")
	return strings.Join(strings.Fields(t), " ")
}

type endnoteRecord struct {
	RefType struct {
		Name string `xml:"name,attr"`
	} `xml:"ref-type"`
	Authors      []styled `xml:"contributors>authors>author"`
	Editors      []styled `xml:"contributors>secondary-authors>author"`
	Title        styled   `xml:"titles>title"`
	Secondary    styled   `xml:"titles>secondary-title"`
	Periodical   styled   `xml:"periodical>full-title"`
	Pages        styled   `xml:"pages"`
	Volume       styled   `xml:"volume"`
	Number       styled   `xml:"number"`
	Year         styled   `xml:"dates>year"`
	Keywords     []styled `xml:"keywords>keyword"`
	Abstract     styled   `xml:"abstract"`
	Publisher    styled   `xml:"publisher"`
	Place        styled   `xml:"pub-location"`
	ISBN         styled   `xml:"isbn"`
	DOI          styled   `xml:"electronic-resource-num"`
	URLs         []styled `xml:"urls>related-urls>url"`
	Language     styled   `xml:"language"`
	Notes        styled   `xml:"notes"`
	Label        styled   `xml:"label"`
	Edition      styled   `xml:"edition"`
	AccessionNum styled   `xml:"accession-num"`
}

// ReadEndNoteXML reads EndNote's XML export (also written by Bookends and
// JabRef): <xml><records><record>…, texts plain or in <style> runs.
func ReadEndNoteXML(data []byte) ([]catalog.ImportItem, error) {
	if err := recordio.CheckUTF8(data); err != nil {
		return nil, err
	}
	var doc struct {
		Records []endnoteRecord `xml:"records>record"`
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	if err := d.Decode(&doc); err != nil {
		return nil, &catalog.Error{Code: catalog.EMALFORMED, Message: "The file is not EndNote XML: " + err.Error()}
	}
	if len(doc.Records) == 0 {
		return nil, &catalog.Error{Code: catalog.EMALFORMED, Message: "The file has no EndNote XML records (<xml><records><record>)."}
	}
	out := make([]catalog.ImportItem, len(doc.Records))
	for i, r := range doc.Records {
		f := fields{kind: endnoteKinds[r.RefType.Name], title: r.Title.String(), date: r.Year.String(), abstract: r.Abstract.String(),
			publisher: r.Publisher.String(), place: r.Place.String(), pages: r.Pages.String(), language: r.Language.String(),
			doi: r.DOI.String(), volume: r.Volume.String(), issue: r.Number.String()}
		for _, a := range r.Authors {
			f.authors = append(f.authors, a.String())
		}
		for _, a := range r.Editors {
			f.editors = append(f.editors, a.String())
		}
		for _, k := range r.Keywords {
			f.keywords = append(f.keywords, k.String())
		}
		if len(r.URLs) > 0 {
			f.url = r.URLs[0].String()
		}
		f.source = r.Periodical.String()
		if f.source == "" {
			f.source = r.Secondary.String()
		}
		if sn := r.ISBN.String(); catalog.ValidISBN(sn) {
			f.isbn = sn
		} else {
			f.issn = sn
		}
		f.edition = r.Edition.String()
		accession := r.AccessionNum.String()
		if isPMID(accession) && strings.Contains(f.url, "pubmed") { // a record EndNote took from PubMed
			f.pmid, accession = accession, ""
		}
		var notes []string
		for _, n := range []struct{ label, v string }{{"", r.Notes.String()}, {"Label: ", r.Label.String()},
			{"Accession number: ", accession}} {
			if n.v != "" {
				notes = append(notes, n.label+n.v)
			}
		}
		f.note = strings.Join(notes, "\n")
		out[i] = catalog.ImportItem{Index: i, Record: f.record()}
	}
	return out, nil
}

// isPMID reports whether s is all digits, as a PubMed id is.
func isPMID(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != "" && len(s) <= 9
}
