package tagged

import (
	"regexp"
	"strings"

	"github.com/annals/annals/catalog"
)

// EndNote's tagged export: "%0 Book", "%A Family, Given"...
var endnote = syntax{tag: regexp.MustCompile(`^(%.) ?(.*)$`), continues: func(string) bool { return true }}

var endnoteKinds = map[string]catalog.Kind{"Book": catalog.KindBook, "Book Section": catalog.KindChapter,
	"Journal Article": catalog.KindArticle, "Magazine Article": catalog.KindArticle, "Newspaper Article": catalog.KindArticle,
	"Report": catalog.KindReport, "Conference Paper": catalog.KindPresentation, "Conference Proceedings": catalog.KindBook,
	"Edited Book": catalog.KindBook, "Dataset": catalog.KindDataset, "Thesis": catalog.KindOther}

// ReadEndNote reads EndNote's tagged export (.enw).
func ReadEndNote(data []byte) ([]catalog.ImportItem, error) {
	entries, err := parse(data, endnote, "EndNote tagged")
	if err != nil {
		return nil, err
	}
	return items(entries, func(e *entry) fields {
		sn := e.first("%@")
		f := fields{kind: endnoteKinds[e.first("%0")], title: e.first("%T"), date: e.first("%D"), abstract: e.first("%X"),
			authors: e.all("%A"), editors: e.all("%E"), publisher: e.first("%I"), place: e.first("%C"), pages: e.first("%P"),
			language: e.first("%G"), doi: e.first("%R"), url: e.first("%U"), keywords: e.all("%K"),
			source: e.first("%J", "%B"), volume: e.first("%V"), issue: e.first("%N"), note: strings.Join(e.all("%Z"), "\n")}
		if catalog.ValidISBN(sn) {
			f.isbn = sn
		} else {
			f.issn = sn
		}
		f.edition = e.first("%7")
		return f
	}), nil
}

// Web of Science's tagged export: two-letter tags, values continued on
// lines indented by three spaces; authors one a line.
var wos = syntax{tag: regexp.MustCompile(`^([A-Z][A-Z0-9]) ?(.*)$`), continues: func(l string) bool { return strings.HasPrefix(l, "   ") },
	newValue: map[string]bool{"AU": true, "AF": true, "ED": true, "CA": true}, end: "ER", skip: map[string]bool{"FN": true, "VR": true, "EF": true}}

var wosKinds = map[string]catalog.Kind{"J": catalog.KindArticle, "B": catalog.KindBook, "S": catalog.KindBook, "P": catalog.KindOther}

// ReadWoS reads Web of Science's tagged export (.ciw, .isi).
func ReadWoS(data []byte) ([]catalog.ImportItem, error) {
	entries, err := parse(data, wos, "Web of Science")
	if err != nil {
		return nil, err
	}
	return items(entries, func(e *entry) fields {
		authors := e.all("AF") // full names; AU has initials
		if len(authors) == 0 {
			authors = e.all("AU")
		}
		f := fields{kind: wosKinds[e.first("PT")], title: e.first("TI"), date: e.first("PY"), abstract: e.first("AB"),
			authors: authors, editors: e.all("ED"), publisher: e.first("PU"), place: e.first("PI"), language: e.first("LA"),
			doi: e.first("DI"), isbn: e.first("BN"), issn: strings.Join(append(e.all("SN"), e.all("EI")...), "; "),
			source: e.first("SO"), volume: e.first("VL"), issue: e.first("IS"), number: e.first("AR"),
			numberOfPages: e.first("PG"), eventName: e.first("CT"), series: e.first("SE"), pmid: e.first("PM")}
		if e.first("DT") == "Proceedings Paper" {
			f.kind = catalog.KindPresentation
		}
		if bp, ep := e.first("BP"), e.first("EP"); bp != "" {
			f.pages = bp
			if ep != "" {
				f.pages += "-" + ep
			}
		}
		f.keywords = append(splitOn(e.first("DE"), ";"), splitOn(e.first("ID"), ";")...)
		if ut := e.first("UT"); ut != "" {
			f.note = "Web of Science: " + ut
		}
		return f
	}), nil
}

// PubMed's MEDLINE format: four-character tags and "- ", values
// continued on lines indented by six spaces.
var medline = syntax{tag: regexp.MustCompile(`^([A-Z]{2,4}) *- ?(.*)$`), continues: func(l string) bool { return strings.HasPrefix(l, "      ") }}

// ReadMEDLINE reads PubMed's MEDLINE export (.nbib).
func ReadMEDLINE(data []byte) ([]catalog.ImportItem, error) {
	entries, err := parse(data, medline, "MEDLINE")
	if err != nil {
		return nil, err
	}
	return items(entries, func(e *entry) fields {
		authors := e.all("FAU")
		if len(authors) == 0 {
			authors = e.all("AU")
		}
		f := fields{kind: catalog.KindArticle, title: e.first("TI"), abstract: e.first("AB"), authors: authors,
			pages: e.first("PG"), language: e.first("LA"), source: e.first("JT", "TA"), volume: e.first("VI"), issue: e.first("IP"),
			keywords: append(e.all("OT"), e.all("MH")...)}
		if dp := e.first("DP"); len(dp) >= 4 {
			f.date = dp[:4]
		}
		for _, id := range append(e.all("LID"), e.all("AID")...) {
			if v, ok := strings.CutSuffix(id, " [doi]"); ok && f.doi == "" {
				f.doi = v
			}
		}
		for _, is := range e.all("IS") {
			if f.issn == "" {
				f.issn = strings.Fields(is)[0]
			}
		}
		f.pmid, f.pmcid = e.first("PMID"), e.first("PMC")
		if b := e.first("BTI"); b != "" {
			f.kind = catalog.KindBook
		}
		return f
	}), nil
}

// CNKI's NoteExpress export: "{Field}: value", several values separated
// by ";;" (or ";" for names), entries by blank lines.
var noteexpress = syntax{tag: regexp.MustCompile(`^\{([^}]+)\}: ?(.*)$`), continues: func(string) bool { return true }}

var noteexpressKinds = map[string]catalog.Kind{"Journal Article": catalog.KindArticle, "Book": catalog.KindBook,
	"Book Section": catalog.KindChapter, "Conference Proceedings": catalog.KindPresentation, "Report": catalog.KindReport,
	"Thesis": catalog.KindOther, "Newspaper Article": catalog.KindArticle}

// ReadNoteExpress reads CNKI's NoteExpress export (.net).
func ReadNoteExpress(data []byte) ([]catalog.ImportItem, error) {
	entries, err := parse(data, noteexpress, "NoteExpress")
	if err != nil {
		return nil, err
	}
	return items(entries, func(e *entry) fields {
		f := fields{kind: noteexpressKinds[e.first("Reference Type")], title: e.first("Title"), date: e.first("Year"),
			abstract: strings.ReplaceAll(e.first("Abstract"), "(#br)", "\n"), authors: splitOn(e.first("Author"), ";;", ";"),
			publisher: e.first("Publisher"), place: e.first("Place Published"), pages: e.first("Pages"),
			language: e.first("Language"), doi: e.first("DOI"), url: e.first("URL"), keywords: splitOn(e.first("Keywords"), ";;", ";"),
			source: e.first("Journal", "Secondary Title"), volume: e.first("Volume"), issue: e.first("Issue")}
		f.abstract = strings.TrimPrefix(f.abstract, "Abstract\n")
		if sn := e.first("ISBN/ISSN"); catalog.ValidISBN(sn) {
			f.isbn = sn
		} else {
			f.issn = sn
		}
		return f
	}), nil
}
