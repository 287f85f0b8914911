package ris

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
)

// ImportFormat is RIS as an import format.
func ImportFormat() recordio.Format {
	return recordio.Format{Name: "ris", MediaTypes: []string{"application/x-research-info-systems"},
		Extensions: []string{".ris"}, Read: Read, Stream: Stream}
}

// kinds maps RIS types to record kinds.
var kinds = map[string]catalog.Kind{
	"JOUR": catalog.KindArticle, "EJOUR": catalog.KindArticle, "MGZN": catalog.KindArticle, "NEWS": catalog.KindArticle,
	"BOOK": catalog.KindBook, "EBOOK": catalog.KindBook, "EDBOOK": catalog.KindBook, "CHAP": catalog.KindChapter,
	"ECHAP": catalog.KindChapter, "CONF": catalog.KindPresentation, "CPAPER": catalog.KindPresentation,
	"SOUND": catalog.KindSpeech, "RPRT": catalog.KindReport, "DATA": catalog.KindDataset, "DBASE": catalog.KindDataset,
}

// tagLine reads a tag line, "TY  - JOUR": a capital and a capital or a
// digit, two spaces, a dash, and a space before the value (none when the
// value is empty). It returns the tag and the value; ok is false for any
// other line. (A regular expression did this at a third of the parse's
// time.)
func tagLine(line string) (tag, value string, ok bool) {
	if len(line) < 5 || line[0] < 'A' || line[0] > 'Z' || !(line[1] >= 'A' && line[1] <= 'Z' || line[1] >= '0' && line[1] <= '9') ||
		line[2] != ' ' || line[3] != ' ' || line[4] != '-' {
		return "", "", false
	}
	rest := line[5:]
	switch {
	case rest == "":
		return line[:2], "", true
	case rest[0] != ' ':
		return "", "", false
	}
	return line[:2], rest[1:], true
}

// risEntry is one reference's tags in order.
type risEntry struct {
	line int
	tags [][2]string
}

func (e *risEntry) all(tag string) []string {
	var out []string
	for _, t := range e.tags {
		if sameTag(t[0], tag) && t[1] != "" {
			out = append(out, t[1])
		}
	}
	return out
}

func (e *risEntry) first(tags ...string) string {
	for _, tag := range tags {
		for _, t := range e.tags { // without all's slice: first is called for every field
			if sameTag(t[0], tag) && t[1] != "" {
				return t[1]
			}
		}
	}
	return ""
}

// sameTag compares two tags, which are two characters long (tagLine), byte
// by byte: called for every tag of a reference for each field looked up.
func sameTag(a, b string) bool {
	return len(a) == 2 && len(b) == 2 && a[0] == b[0] && a[1] == b[1]
}

func malformed(line int, format string, args ...any) error {
	return &catalog.Error{Code: catalog.EMALFORMED, Message: fmt.Sprintf("Line %d: %s.", line, fmt.Sprintf(format, args...))}
}

// Read parses a RIS file into import items, one per TY ... ER reference.
// Lines that are not tags continue the previous tag's value (as long
// abstracts are wrapped). A file that cannot be read is EMALFORMED with
// the line of the problem.
func Read(data []byte) ([]catalog.ImportItem, error) {
	// room for the references counted (an item is 900 bytes: at most one
	// for each 256 bytes of the file, however many "ER" lines it has)
	items := make([]catalog.ImportItem, 0, min(bytes.Count(data, []byte("\nER  -"))+1, len(data)/256+1))
	// (read through a reader, the copying of the file into strings overlaps
	// the parse: faster than making it one string first)
	err := Stream(bytes.NewReader(data), func(it catalog.ImportItem) error {
		items = append(items, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// Stream reads a RIS file from r as Read does, a line at a time, handing
// over each reference's item when its ER is read: memory holds the
// reference being read, not the file. It stops at yield's first error.
func Stream(r io.Reader, yield func(catalog.ImportItem) error) error {
	return stream(recordio.NewStringLines(r), yield)
}

// stream is Stream over lines however read.
func stream(lines *recordio.StringLines, yield func(catalog.ImportItem) error) error {
	defer lines.Close()
	n := 0
	// a reference's tag list is used again once its record is made (the
	// record keeps the values, not the list): less garbage in a large import
	entries := &sync.Pool{New: func() any { return &risEntry{tags: make([][2]string, 0, 24)} }}
	// the references are read in a goroutine of their own, ahead of making
	// records of them
	err := recordio.ReadAhead(func(emit func(*risEntry) error) error { return readEntries(lines, entries, emit) }, func(e *risEntry) error {
		n++
		it := catalog.ImportItem{Index: n - 1, Line: e.line, Record: record(e), Files: entryFiles(e)}
		entries.Put(e)
		return yield(it)
	})
	if err == nil && n == 0 {
		return &catalog.Error{Code: catalog.EMALFORMED, Message: "The file has no RIS references (they start with \"TY  - \")."}
	}
	return err
}

// readEntries reads the references of a RIS file from its lines, one at a
// time, in tag lists taken from entries, handing each to emit as its ER
// line ends it.
func readEntries(lines *recordio.StringLines, entries *sync.Pool, emit func(*risEntry) error) error {
	var cur *risEntry
	prev := "" // the line before: a short one ends with a line break, a long one was wrapped
	for {
		line, no, err := lines.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		tag, value, isTag := tagLine(strings.TrimRight(line, " \t"))
		if !isTag {
			tag, value, isTag = tagLine(line)
		}
		switch {
		case isTag && tag == "TY":
			if cur != nil {
				return malformed(no, "a new reference starts (TY) before the one from line %d ends with ER", cur.line)
			}
			cur = entries.Get().(*risEntry)
			cur.line, cur.tags = no, append(cur.tags[:0], [2]string{"TY", strings.TrimSpace(value)})
		case isTag && tag == "ER":
			if cur == nil {
				return malformed(no, "ER ends a reference that was not started with TY")
			}
			if err := emit(cur); err != nil {
				return err
			}
			cur = nil
		case isTag:
			if cur == nil {
				return malformed(no, "the tag %s is outside a reference (references start with TY  - )", tag)
			}
			cur.tags = append(cur.tags, [2]string{tag, strings.TrimSpace(value)})
		case strings.TrimSpace(line) == "":
		case cur != nil && len(cur.tags) > 0: // a value over several lines
			last := &cur.tags[len(cur.tags)-1]
			switch {
			case last[0] == "KW": // AGRIS and others: a keyword a line
				cur.tags = append(cur.tags, [2]string{"KW", strings.TrimSpace(line)})
			case shorterThanWrap(prev) && !strings.HasPrefix(line, " "): // after a short line: a line break
				last[1] += "\n" + strings.TrimSpace(line)
			default: // a long value wrapped
				last[1] += continuation(last[1], line)
			}
		default:
			return malformed(no, "%q is not a RIS tag line (\"XX  - value\")", truncate(line, 40))
		}
		prev = line
	}
	if cur != nil {
		return malformed(cur.line, "the reference started here does not end with ER")
	}
	return nil
}

// wrapWidth: a line of this many characters or more was wrapped by its
// writer (RIS writers wrap at 70 to 80); a shorter one ended where its
// author ended it.
const wrapWidth = 66

// shorterThanWrap reports whether a line (without its trailing spaces)
// has fewer than wrapWidth characters, counting them only when its length
// in bytes leaves it in doubt.
func shorterThanWrap(line string) bool {
	line = strings.TrimRight(line, " \t")
	switch {
	case len(line) < wrapWidth:
		return true
	case len(line) >= utf8.UTFMax*wrapWidth:
		return false
	}
	return utf8.RuneCountInString(line) < wrapWidth
}

// continuation joins a wrapped line to its value: directly when the value
// was cut inside a word (as RIS writers that wrap at 70 characters do),
// with a space otherwise.
func continuation(prev, line string) string {
	if strings.HasPrefix(line, " ") || strings.HasSuffix(prev, " ") {
		return " " + strings.TrimSpace(line)
	}
	return line
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// record maps one reference to a record.
func record(e *risEntry) catalog.Record {
	r := catalog.Record{Kind: catalog.KindOther, Title: e.first("TI", "T1", "CT", "BT"), Abstract: e.first("AB", "N2")}
	if k, ok := kinds[e.first("TY")]; ok {
		r.Kind = k
	}
	r.ID = catalog.IDFromKey(e.first("ID"))
	// the names, tag by tag (all AU, then A1...), into a list made once
	people := 0
	for _, t := range e.tags {
		if t[1] != "" && (t[0][0] == 'A' && t[0][1] >= '1' && t[0][1] <= '4' || t[0] == "AU" || t[0] == "ED") {
			people++
		}
	}
	r.Contributors = make([]catalog.Contributor, 0, people)
	add := func(role string, tags ...string) {
		for _, tag := range tags {
			for _, t := range e.tags {
				if !sameTag(t[0], tag) || t[1] == "" {
					continue
				}
				v := t[1]
				family, given, _ := strings.Cut(v, ",")
				c := catalog.Contributor{Family: strings.TrimSpace(family), Given: strings.TrimSpace(given), Role: role}
				// an organisation, with or without a comma in its name
				// ("Institute for Art and Architecture, Academy of Fine Arts Vienna")
				if strings.ContainsAny(c.Family, " ") && looksLikeOrganisation(v) {
					c.Literal, c.Family, c.Given = strings.TrimSpace(v), "", ""
				}
				r.Contributors = append(r.Contributors, c)
			}
		}
	}
	add(catalog.RoleAuthor, "AU", "A1", "A3")
	add(catalog.RoleEditor, "ED", "A2")
	add(catalog.RoleTranslator, "A4")
	if len(r.Contributors) == 0 {
		r.Contributors = nil // as before: no names, no list
	}
	r.Date = risDateToISO(e.first("DA", "Y1"), e.first("PY"))
	r.Publisher = e.first("PB")
	r.Place = e.first("C1", "CY")
	if kinds[e.first("TY")] != catalog.KindPresentation {
		r.Place = e.first("CY", "C1")
	}
	r.Series = e.first("T3")
	r.Source = source(e, &r)
	if sp, ep := e.first("SP"), e.first("EP"); ep != "" && sp != "" {
		r.Pages = sp + "-" + ep
	} else {
		r.Pages = sp
	}
	if r.NumberOfPages != "" && r.Pages == r.NumberOfPages { // a book's SP
		r.Pages = ""
	}
	r.Identifiers = identifiers(e, &r)
	r.CitationKey = e.first("ID")                        // kept as written, to be exported back
	r.Language = catalog.LanguageFromName(e.first("LA")) // "English", "eng", "en"
	r.Keywords = e.all("KW")
	r.Note = strings.Join(e.all("N1"), "\n")
	return r
}

// source reads where a reference was published: for a conference paper
// T2 is the conference and C3 the proceedings (as Zotero writes them), for
// a book or a report T2 is its series, for anything else T2 (or JO, JF,
// BT) is the journal or book it is in.
func source(e *risEntry, r *catalog.Record) catalog.Source {
	ty := e.first("TY")
	// OP as written: the import reads the date at its front
	s := catalog.Source{Volume: e.first("VL"), Issue: e.first("IS"), Edition: e.first("ET"), OriginalDate: e.first("OP"),
		Medium: e.first("C5")}
	if d := risDateToISO(s.OriginalDate, ""); d != "" {
		s.OriginalDate = d
	}
	r.Number = e.first("M1")
	switch {
	case ty == "CONF" || ty == "CPAPER":
		s.EventName, s.ContainerTitle = e.first("T2", "JO"), e.first("C3", "BT")
	case r.Kind == catalog.KindBook || r.Kind == catalog.KindReport:
		// Zotero writes a book's series in T2; Annals writes the work a
		// book is part of in BT (the title is in TI)
		if t2 := e.first("T2"); t2 != "" && r.Series == "" {
			r.Series = t2
		}
		if bt := e.first("BT"); bt != r.Title {
			s.ContainerTitle = bt
		}
		if r.Kind == catalog.KindReport && r.Number == "" { // a report's number
			r.Number, s.Issue = s.Issue, ""
		}
	default:
		s.ContainerTitle = e.first("T2", "JO", "JF", "JA", "BT")
	}
	s.Chapter = e.first("SE") // the chapter (Zotero writes a newspaper's section here too)
	if g := e.first("M3"); g != "" && !strings.HasPrefix(g, "10.") && !databaseDocumentTypes[g] {
		s.Genre = g // the type of a report or thesis, as its publisher names it
	}
	readExtra(e.all("M2"), &s)
	if r.Kind == catalog.KindBook && s.NumberOfPages == "" && e.first("EP") == "" && isDigits(e.first("SP")) {
		s.NumberOfPages = e.first("SP") // a book's SP is its number of pages
	}
	return s
}

// databaseDocumentTypes are what Scopus and Web of Science write in M3: the
// database's classification, which the kind already says, not a genre.
var databaseDocumentTypes = map[string]bool{"Article": true, "Review": true, "Letter": true, "Editorial": true,
	"Editorial Material": true, "Note": true, "Conference Paper": true, "Proceedings Paper": true, "Book Chapter": true,
	"Book": true, "Article in Press": true, "Meeting Abstract": true, "Erratum": true}

// readExtra reads the "variable: value" lines Annals writes in M2 (as
// Zotero's Extra holds CSL variables) for what RIS has no tag for.
func readExtra(lines []string, s *catalog.Source) {
	for _, l := range lines {
		for _, l := range strings.Split(l, "\n") {
			k, v, ok := strings.Cut(l, ":")
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(strings.ToLower(k)) {
			case "number-of-pages":
				if ok && s.NumberOfPages == "" {
					s.NumberOfPages = v
				}
			case "event-title":
				if ok && s.EventName == "" {
					s.EventName = v
				}
			}
		}
	}
}

// identifiers reads a reference's identifiers: every SN (ISBNs, ISSNs, a
// report's number), PubMed's ids (AN, C2) and the ids that links name
// (arxiv.org, hdl.handle.net, doi.org).
func identifiers(e *risEntry, r *catalog.Record) catalog.Identifiers {
	var ids catalog.Identifiers
	ids.DOI = e.first("DO")
	if m3 := e.first("M3"); ids.DOI == "" && strings.HasPrefix(m3, "10.") {
		ids.DOI = m3
	}
	var isbns, issns []string
	for _, sn := range e.all("SN") {
		switch {
		case catalog.ValidISBN(sn):
			isbns = append(isbns, sn)
		case r.Kind == catalog.KindReport && r.Number == "" && !issnLike.MatchString(sn):
			r.Number = sn // Zotero writes a report's number in SN
		default:
			issns = append(issns, sn)
		}
	}
	if len(isbns) > 0 {
		ids.ISBN, ids.OtherISBNs = isbns[0], rest(isbns)
	}
	if len(issns) > 0 {
		ids.ISSN, ids.OtherISSNs = issns[0], rest(issns)
	}
	if an := e.first("AN"); isDigits(an) && len(an) <= 9 {
		ids.PMID = an
	}
	if c2 := e.first("C2"); strings.HasPrefix(strings.ToUpper(c2), "PMC") {
		ids.PMCID = c2
	}
	for _, u := range append(e.all("UR"), e.all("L2")...) {
		switch {
		case strings.Contains(u, "arxiv.org/abs/") && ids.ArXiv == "":
			_, ids.ArXiv, _ = strings.Cut(u, "arxiv.org/abs/")
		case strings.Contains(u, "hdl.handle.net/") && ids.Handle == "":
			_, ids.Handle, _ = strings.Cut(u, "hdl.handle.net/")
		case strings.Contains(u, "doi.org/10.") && ids.DOI == "":
			_, ids.DOI, _ = strings.Cut(u, "doi.org/")
		case ids.URL == "":
			ids.URL = u
		}
	}
	return ids
}

// issnLike is an ISSN however it is written (SN holds ISBNs, ISSNs and,
// for a report, its number).
var issnLike = regexp.MustCompile(`\d{4}[-\s]?\d{3}[\dXx]`)

// rest is all of list but its first, nil when there is nothing more.
func rest(list []string) []string {
	if len(list) < 2 {
		return nil
	}
	return list[1:]
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// looksLikeOrganisation tells a one-part name of several words that is an
// organisation ("Russian Academy of Sciences") from a family name.
func looksLikeOrganisation(s string) bool {
	for _, w := range []string{"academy", "university", "institute", "society", "council", "committee", "association",
		"академия", "университет", "институт", "общество", "совет", "комитет", "大学", "科学院", "研究所"} {
		if strings.Contains(strings.ToLower(s), w) {
			return true
		}
	}
	return false
}

// risDateToISO reads RIS dates ("2025/06/04/", "2025/06//", "2025") and
// returns YYYY, YYYY-MM or YYYY-MM-DD.
func risDateToISO(da, py string) string {
	if da == "" && py == "" {
		return ""
	}
	parts := strings.Split(strings.TrimSpace(da), "/")
	if len(parts) == 0 || len(parts[0]) != 4 {
		parts = strings.Split(strings.TrimSpace(py), "/")
	}
	if len(parts) == 0 || len(parts[0]) != 4 {
		return ""
	}
	out := parts[0]
	for _, p := range parts[1:min(3, len(parts))] {
		if p == "" {
			break
		}
		if len(p) == 1 {
			p = "0" + p
		}
		out += "-" + p
	}
	return out
}
