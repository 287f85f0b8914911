package bibtex

import (
	"bytes"
	"fmt"
	"golang.org/x/text/encoding/charmap"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
)

// ImportFormat is BibTeX as an import format.
func ImportFormat() recordio.Format {
	return recordio.Format{Name: "bibtex", MediaTypes: []string{"application/x-bibtex", "text/x-bibtex"},
		Extensions: []string{".bib", ".bibtex"}, Read: Read, Stream: Stream}
}

// kinds maps entry types to record kinds.
var kinds = map[string]catalog.Kind{
	"article": catalog.KindArticle, "book": catalog.KindBook, "mvbook": catalog.KindBook, "collection": catalog.KindBook,
	"proceedings": catalog.KindBook, "incollection": catalog.KindChapter, "inbook": catalog.KindChapter,
	"inproceedings": catalog.KindPresentation, "conference": catalog.KindPresentation, "report": catalog.KindReport,
	"techreport": catalog.KindReport, "dataset": catalog.KindDataset,
}

// readFields are the fields a record is made of (the rest of an entry is
// not imported): a second, different value of one of them is said.
var readFields = map[string]bool{"journaltitle": true, "journal": true, "booktitle": true, "volume": true, "issue": true, "title": true, "abstract": true, "address": true, "location": true, "date": true,
	"year": true, "month": true, "doi": true, "isbn": true, "issn": true, "url": true, "langid": true, "language": true,
	"eventtitle": true, "venue": true, "note": true, "number": true, "pages": true, "series": true, "publisher": true,
	"institution": true, "organization": true, "school": true, "edition": true, "chapter": true, "pagetotal": true,
	"origdate": true, "type": true, "howpublished": true, "eid": true, "eprint": true, "eprinttype": true,
	"archiveprefix": true, "pmid": true, "pmcid": true, "handle": true}

// Read parses a BibTeX (or BibLaTeX) file into import items, one per entry.
// A file that cannot be read is EMALFORMED with the line of the problem.
func Read(data []byte) ([]catalog.ImportItem, error) {
	// room for the entries (those that start a line), up to 16,384 at first
	items := make([]catalog.ImportItem, 0, min(bytes.Count(data, []byte("\n@"))+1, 1<<14))
	err := Stream(bytes.NewReader(data), func(it catalog.ImportItem) error {
		items = append(items, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// entryItem is the import item of the entry read i-th (0-based).
func entryItem(i int, e parsedEntry) catalog.ImportItem {
	item := catalog.ImportItem{Index: i, Line: e.Line, Record: record(e), Files: entryFiles(e)}
	for _, w := range e.Warnings {
		item.Warnings = append(item.Warnings, catalog.FieldError{Field: "bibtex", Message: w})
	}
	for _, r := range e.Repeated {
		if readFields[r[0]] {
			item.Warnings = append(item.Warnings, catalog.FieldError{Field: "bibtex",
				Message: fmt.Sprintf("%s is given twice: the first kept (%q), the second left out (%q)", r[0], r[1], r[2])})
		}
	}
	return item
}

// record maps one entry to a record. Fields Annals has no place for are
// left out; the entry's key becomes the id when it is a valid one.
func record(e parsedEntry) catalog.Record {
	f := func(name string) string { return decodeLaTeX(e.Fields[name]) }
	rich := func(name string) string { return decodeRich(e.Fields[name]) } // titles keep \textit{} as <i>
	r := catalog.Record{Kind: catalog.KindOther, Title: rich("title"), Abstract: f("abstract")}
	if k, ok := kinds[e.Type]; ok {
		r.Kind = k
	}
	r.ID = catalog.IDFromKey(e.Key) // the same id for the same key, in a dry run and the import
	for _, role := range []struct{ field, role string }{{"author", catalog.RoleAuthor}, {"editor", catalog.RoleEditor}, {"translator", catalog.RoleTranslator}} {
		for _, raw := range splitNames(e.Fields[role.field]) {
			family, given, literal := parseName(raw)
			if family == "" && literal == "" {
				continue
			}
			r.Contributors = append(r.Contributors, catalog.Contributor{Family: family, Given: given, Literal: literal, Role: role.role})
		}
	}
	r.Date = entryDate(e)
	for _, name := range []string{"publisher", "institution", "organization", "school"} {
		if v := f(name); v != "" && r.Publisher == "" {
			r.Publisher = v
		}
	}
	r.Place = firstOf(f("location"), f("address"), f("venue"))
	r.Series = rich("series")
	r.Pages = strings.ReplaceAll(f("pages"), "–", "-")
	r.Source = entrySource(e, f, rich)
	if r.Kind == catalog.KindArticle { // an article's number is its issue; eid its article number
		r.Issue, r.Number = firstOf(f("number"), f("issue")), f("eid")
	} else {
		r.Number = f("number")
	}
	r.CitationKey = e.Key // kept as written, to be exported back
	r.Identifiers = entryIdentifiers(e, f)
	if r.Identifiers.URL == "" && looksLikeURL(r.Medium) { // howpublished = {\url{…}}
		r.Identifiers.URL, r.Medium = strings.TrimSpace(r.Medium), ""
	}
	// at commas and semicolons outside braces: our exports brace a keyword
	// that holds one
	for _, k := range splitOutsideBraces(e.Fields["keywords"], ",;") {
		if k = strings.TrimSpace(decodeLaTeX(k)); k != "" {
			r.Keywords = append(r.Keywords, k)
		}
	}
	lang := strings.ToLower(f("langid"))
	if lang == "" {
		lang = strings.ToLower(f("language"))
	}
	r.Language = catalog.LanguageFromName(lang)
	r.Note = f("note")
	return r
}

// entrySource reads where an entry was published and the details beside
// its title.
func entrySource(e parsedEntry, f, rich func(string) string) catalog.Source {
	return catalog.Source{ContainerTitle: firstOf(rich("journaltitle"), rich("journal"), rich("booktitle")),
		Volume: f("volume"), Issue: f("issue"), Edition: f("edition"), Chapter: f("chapter"),
		NumberOfPages: f("pagetotal"), OriginalDate: f("origdate"), Genre: f("type"), Medium: f("howpublished"),
		EventName: f("eventtitle")}
}

// entryIdentifiers reads the identifiers of an entry: BibLaTeX's eprint
// with its type (arXiv, Handle, PubMed) and the fields JabRef and BibDesk
// write (pmid, pmcid). Lists of ISBNs and ISSNs are split when the import
// mends them.
func entryIdentifiers(e parsedEntry, f func(string) string) catalog.Identifiers {
	ids := catalog.Identifiers{DOI: f("doi"), URL: strings.TrimSpace(e.Fields["url"]),
		PMID: f("pmid"), PMCID: f("pmcid"), Handle: firstOf(f("handle"), f("hdl"))}
	ids.ISBN, ids.OtherISBNs = firstAndRest(f("isbn"))
	ids.ISSN, ids.OtherISSNs = firstAndRest(f("issn"))
	if eprint := f("eprint"); eprint != "" {
		switch strings.ToLower(firstOf(f("eprinttype"), f("archiveprefix"))) {
		case "arxiv":
			ids.ArXiv = eprint
		case "hdl", "handle":
			ids.Handle = firstOf(ids.Handle, eprint)
		case "pubmed":
			ids.PMID = firstOf(ids.PMID, eprint)
		}
	}
	return ids
}

// firstAndRest splits a list written "a, b; c" into its first and the rest.
func firstAndRest(s string) (string, []string) {
	var all []string
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if v = strings.TrimSpace(v); v != "" {
			all = append(all, v)
		}
	}
	switch len(all) {
	case 0:
		return "", nil
	case 1:
		return all[0], nil
	}
	return all[0], all[1:]
}

func looksLikeURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// firstOf is the first of vs that is not empty.
func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// entryDate reads date = {2025-06-04}, or year and month.
func entryDate(e parsedEntry) string {
	if d := strings.TrimSpace(decodeLaTeX(e.Fields["date"])); d != "" {
		d, _, _ = strings.Cut(d, "/") // a range: its start
		return d
	}
	year := strings.TrimSpace(decodeLaTeX(e.Fields["year"]))
	if year == "" {
		return ""
	}
	month := strings.ToLower(strings.TrimSpace(decodeLaTeX(e.Fields["month"])))
	if m, ok := months[month[:min(3, len(month))]]; ok && len(month) >= 3 {
		month = m
	}
	if n, err := strconv.Atoi(month); err == nil && n >= 1 && n <= 12 {
		return fmt.Sprintf("%s-%02d", year, n)
	}
	return year
}

// splitOutsideBraces splits s at any of seps that is not inside braces.
func splitOutsideBraces(s, seps string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '{':
			depth++
		case r == '}':
			depth--
		case depth == 0 && strings.ContainsRune(seps, r):
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// jabrefEncoding is the header JabRef writes: "% Encoding: windows-1252".
var jabrefEncoding = regexp.MustCompile(`(?i)^\s*%\s*Encoding:\s*([A-Za-z0-9_-]+)`)

// fromDeclaredEncoding decodes a file that is not UTF-8 but says, in
// JabRef's header, that it is Windows-1252 or ISO 8859-1; any other file
// is returned as it is (and refused if it is not UTF-8).
func fromDeclaredEncoding(data []byte) []byte {
	if utf8.Valid(data) {
		return data
	}
	m := jabrefEncoding.FindSubmatch(data)
	if m == nil {
		return data
	}
	var cm *charmap.Charmap
	switch strings.ToLower(strings.ReplaceAll(string(m[1]), "_", "-")) {
	case "windows-1252", "cp1252":
		cm = charmap.Windows1252
	case "iso-8859-1", "iso8859-1", "latin1":
		cm = charmap.ISO8859_1
	case "windows-1251", "cp1251":
		cm = charmap.Windows1251
	default:
		return data
	}
	out, err := cm.NewDecoder().Bytes(data)
	if err != nil {
		return data
	}
	return out
}

// inheritCrossrefs gives each entry with a crossref the fields it lacks
// from the entry it names (among entries, else among earlier, by lower-case
// key), as biber does: the parent's title becomes the child's booktitle (a
// paper's proceedings), every other field is taken as it is. A crossref to
// an entry that is not in the file is left alone, with a warning.
func inheritCrossrefs(entries []parsedEntry, earlier map[string]parsedEntry) {
	byKey := map[string]*parsedEntry{}
	for k, e := range earlier {
		byKey[k] = &e
	}
	for i := range entries {
		byKey[strings.ToLower(entries[i].Key)] = &entries[i]
	}
	for i := range entries {
		child := &entries[i]
		ref := strings.ToLower(strings.TrimSpace(child.Fields["crossref"]))
		parent := byKey[ref]
		if ref != "" && parent == nil {
			child.Warnings = append(child.Warnings, fmt.Sprintf("crossref = {%s} names no entry found in the file: its fields were not taken", strings.TrimSpace(child.Fields["crossref"])))
		}
		if ref == "" || parent == nil || parent == child {
			continue
		}
		for name, v := range parent.Fields {
			target := name
			switch name {
			case "title":
				target = "booktitle"
			case "crossref", "ids", "entryset":
				continue
			}
			if _, has := child.Fields[target]; !has {
				child.Fields[target] = v
				child.Order = append(child.Order, target)
			}
		}
	}
}
