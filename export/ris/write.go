// Package ris writes and reads RIS, the tagged format of reference
// managers (EndNote, Zotero, Mendeley). Text is UTF-8.
package ris

import (
	"fmt"
	"io"
	"strings"

	"github.com/annals/annals/export/csljson"
)

// risTypes maps CSL types to RIS reference types.
var risTypes = map[string]string{
	// RIS has no speech: a conference contribution is the nearest type,
	// and the one whose event tags reference managers read.
	"speech": "CONF", "report": "RPRT", "treaty": "GEN", "book": "BOOK", "chapter": "CHAP",
	"article-journal": "JOUR", "dataset": "DATA", "paper-conference": "CPAPER", "document": "GEN",
}

// TypeOf returns the RIS type of a CSL type.
func TypeOf(cslType string) string {
	if t, ok := risTypes[cslType]; ok {
		return t
	}
	return "GEN"
}

// oneLine keeps a value on its line: RIS has one value per line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func name(n csljson.Name) string {
	switch {
	case n.Literal != "":
		return n.Literal
	case n.Given != "":
		return n.Family + ", " + n.Given
	}
	return n.Family
}

func risDate(d *csljson.Date) (year, full string) {
	if d == nil || len(d.DateParts) == 0 || len(d.DateParts[0]) == 0 {
		return "", ""
	}
	p := d.DateParts[0]
	year = fmt.Sprint(p[0])
	full = year + "/"
	for i := 1; i < 3; i++ {
		if i < len(p) {
			full += fmt.Sprintf("%02d", p[i])
		}
		full += "/"
	}
	return year, full
}

// Record writes one item as a RIS record.
func Record(it csljson.Item) string {
	var b strings.Builder
	tag := func(t, v string) {
		if v = oneLine(v); v != "" {
			fmt.Fprintf(&b, "%s  - %s\n", t, v)
		}
	}
	ty := TypeOf(it.Type)
	tag("TY", ty)
	tag("ID", bibKey(it))
	tag("TI", it.Title)
	for _, n := range it.Author {
		tag("AU", name(n))
	}
	for _, n := range it.Editor {
		tag("ED", name(n))
	}
	for _, n := range it.Translator {
		tag("A4", name(n))
	}
	year, full := risDate(it.Issued)
	tag("PY", year)
	tag("DA", full)
	if ty == "CONF" || ty == "CPAPER" { // for conference types CY is the event's place, T2 the event, C3 the proceedings
		tag("T2", it.EventTitle)
		tag("C3", it.ContainerTitle)
		tag("CY", it.EventPlace)
		tag("C1", it.PublisherPlace)
	} else if ty == "BOOK" || ty == "RPRT" { // a book's T2 is read as its series (Zotero's)
		tag("BT", it.ContainerTitle)
		tag("CY", it.PublisherPlace)
	} else {
		tag("T2", it.ContainerTitle)
		tag("CY", it.PublisherPlace)
	}
	tag("PB", it.Publisher)
	tag("T3", it.CollectionTitle)
	tag("VL", it.Volume)
	tag("IS", it.Issue)
	tag("M1", it.Number)
	tag("ET", it.Edition)
	tag("SE", it.ChapterNumber)
	if start, end, ok := strings.Cut(it.Page, "-"); ok {
		tag("SP", start)
		tag("EP", end)
	} else {
		tag("SP", it.Page)
	}
	if it.Page == "" && ty == "BOOK" { // a book's SP is how many pages it has
		tag("SP", it.NumberOfPages)
	} else if it.NumberOfPages != "" { // RIS has no tag for it: a variable line, as Zotero's Extra
		tag("M2", "number-of-pages: "+it.NumberOfPages)
	}
	if ty != "CONF" && ty != "CPAPER" && it.EventTitle != "" {
		tag("M2", "event-title: "+it.EventTitle)
	}
	_, orig := risDate(it.OriginalDate)
	tag("OP", orig)
	tag("M3", it.Genre)
	tag("C5", it.Medium)
	tag("DO", it.DOI)
	for _, sn := range append(append([]string{it.ISBN}, it.OtherISBNs...), append([]string{it.ISSN}, it.OtherISSNs...)...) {
		tag("SN", sn)
	}
	tag("AN", it.PMID) // as PubMed's own RIS and EndNote write it
	tag("C2", it.PMCID)
	tag("UR", it.URL)
	if it.ArXiv != "" {
		tag("UR", "https://arxiv.org/abs/"+it.ArXiv)
	}
	if it.Handle != "" {
		tag("UR", "https://hdl.handle.net/"+it.Handle)
	}
	tag("LK", it.Custom["annals"]) // the record in the catalogue
	for _, f := range it.Files {
		tag("L1", f.URL)
	}
	tag("LA", it.Language)
	keywords := it.Keywords // one a line: a keyword may hold a comma
	if len(keywords) == 0 {
		keywords = csljson.SplitKeywords(it.Keyword)
	}
	for _, k := range keywords {
		tag("KW", k)
	}
	tag("AB", it.Abstract)
	b.WriteString("ER  - \n")
	return b.String()
}

// bibKey is the key an item is written with: its citation key (the one it
// was imported with), or else its id.
func bibKey(it csljson.Item) string {
	if it.CitationKey != "" {
		return it.CitationKey
	}
	return it.ID
}

// Write writes items as a RIS file.
func Write(w io.Writer, items []csljson.Item) error {
	for _, it := range items {
		if _, err := io.WriteString(w, Record(it)+"\n"); err != nil {
			return err
		}
	}
	return nil
}
