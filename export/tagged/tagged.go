// Package tagged reads the line-tagged formats librarians get from their
// databases: EndNote's tagged export (.enw, "%A name"), Web of Science's
// (.ciw/.isi, "AU name" with indented continuation lines), PubMed's
// MEDLINE (.nbib, "AU  - name") and CNKI's NoteExpress (.net, "{Author}:
// a;;b"). Each becomes import items like RIS and BibTeX do.
package tagged

import (
	"regexp"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
)

// entry is one reference: its tags and values in order, and its line.
type entry struct {
	line int
	tags [][2]string
}

func (e *entry) all(tag string) []string {
	var out []string
	for _, t := range e.tags {
		if t[0] == tag && strings.TrimSpace(t[1]) != "" {
			out = append(out, strings.TrimSpace(t[1]))
		}
	}
	return out
}

func (e *entry) first(tags ...string) string {
	for _, tag := range tags {
		if v := e.all(tag); len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// syntax is how a format writes its lines.
type syntax struct {
	tag *regexp.Regexp // a tag line: tag in group 1, value in group 2
	// continues reports whether a line that is not a tag line continues
	// the value before (indented) rather than being text to refuse.
	continues func(line string) bool
	// separator joins a continued value: a space, or a new value of the
	// same tag for names.
	newValue map[string]bool
	// end is the tag that ends an entry (ER), if any; otherwise a blank
	// line does.
	end string
	// skip are tags outside entries (file headers)
	skip map[string]bool
}

// parse splits data into entries.
func parse(data []byte, s syntax, what string) ([]entry, error) {
	if err := recordio.CheckUTF8(data); err != nil {
		return nil, err
	}
	text := strings.TrimPrefix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\ufeff")
	var out []entry
	var cur *entry
	flush := func() {
		if cur != nil && len(cur.tags) > 0 {
			out = append(out, *cur)
		}
		cur = nil
	}
	for n, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimRight(line, " \t")
		if m := s.tag.FindStringSubmatch(trimmed); m != nil {
			tag := strings.TrimSpace(m[1])
			if s.skip[tag] {
				continue
			}
			if s.end != "" && tag == s.end {
				flush()
				continue
			}
			if cur == nil {
				cur = &entry{line: n + 1}
			}
			cur.tags = append(cur.tags, [2]string{tag, strings.TrimSpace(m[2])})
			continue
		}
		switch {
		case strings.TrimSpace(trimmed) == "":
			if s.end == "" {
				flush()
			}
		case cur != nil && len(cur.tags) > 0 && s.continues(line):
			last := &cur.tags[len(cur.tags)-1]
			if s.newValue[last[0]] {
				cur.tags = append(cur.tags, [2]string{last[0], strings.TrimSpace(line)})
			} else {
				last[1] += " " + strings.TrimSpace(line)
			}
		default:
			return nil, &catalog.Error{Code: catalog.EMALFORMED,
				Message: "Line " + itoa(n+1) + ": " + quote(trimmed) + " is not a line of a " + what + " file."}
		}
	}
	flush()
	if len(out) == 0 {
		return nil, &catalog.Error{Code: catalog.EMALFORMED, Message: "The file has no " + what + " references."}
	}
	return out, nil
}

// fields are what a format's entry says, in Annals' terms.
type fields struct {
	kind                              catalog.Kind
	title, date, abstract             string
	authors, editors                  []string // "Family, Given" or one name
	publisher, place, pages, language string
	doi, isbn, issn, url              string
	keywords                          []string
	source, volume, issue, note       string
	edition, numberOfPages, eventName string
	series, number, pmid, pmcid       string
}

// record makes the record of an entry's fields.
func (f fields) record() catalog.Record {
	r := catalog.Record{Kind: f.kind, Title: f.title, Date: f.date, Abstract: f.abstract, Publisher: f.publisher,
		Place: f.place, Pages: f.pages, Keywords: f.keywords, Language: catalog.LanguageFromName(f.language),
		Series: f.series, Number: f.number, Note: f.note,
		Source: catalog.Source{ContainerTitle: f.source, Volume: f.volume, Issue: f.issue, Edition: f.edition,
			NumberOfPages: f.numberOfPages, EventName: f.eventName},
		Identifiers: catalog.Identifiers{DOI: f.doi, ISBN: f.isbn, ISSN: f.issn, URL: f.url, PMID: f.pmid, PMCID: f.pmcid}}
	if r.Kind == "" {
		r.Kind = catalog.KindOther
	}
	for _, g := range []struct {
		names []string
		role  string
	}{{f.authors, catalog.RoleAuthor}, {f.editors, catalog.RoleEditor}} {
		for _, n := range g.names {
			if c, ok := person(n, g.role); ok {
				r.Contributors = append(r.Contributors, c)
			}
		}
	}
	return r
}

// person reads "Family, Given", a Chinese name, or one name.
func person(name, role string) (catalog.Contributor, bool) {
	name = strings.TrimSpace(strings.Trim(name, ",;"))
	if name == "" {
		return catalog.Contributor{}, false
	}
	if family, given, ok := strings.Cut(name, ","); ok && strings.TrimSpace(given) != "" {
		return catalog.Contributor{Family: strings.TrimSpace(family), Given: strings.TrimSpace(given), Role: role}, true
	}
	return catalog.Contributor{Literal: name, Role: role}, true
}

// items makes import items of entries.
func items(entries []entry, read func(*entry) fields) []catalog.ImportItem {
	out := make([]catalog.ImportItem, len(entries))
	for i := range entries {
		out[i] = catalog.ImportItem{Index: i, Line: entries[i].line, Record: read(&entries[i]).record()}
	}
	return out
}

func splitOn(s string, seps ...string) []string {
	for _, sep := range seps {
		if strings.Contains(s, sep) {
			var out []string
			for _, v := range strings.Split(s, sep) {
				if v = strings.TrimSpace(v); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}
	if s = strings.TrimSpace(s); s != "" {
		return []string{s}
	}
	return nil
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

func quote(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return `"` + s + `"`
}

// Formats are the tagged formats, for the import registry.
func Formats() []recordio.Format {
	return []recordio.Format{
		{Name: "enw", MediaTypes: []string{"application/x-endnote-refer"}, Extensions: []string{".enw"}, Read: ReadEndNote},
		{Name: "wos", MediaTypes: []string{"application/x-isi-export-format"}, Extensions: []string{".ciw", ".isi"}, Read: ReadWoS},
		{Name: "medline", MediaTypes: []string{"application/nbib"}, Extensions: []string{".nbib", ".medline"}, Read: ReadMEDLINE},
		{Name: "noteexpress", MediaTypes: []string{"application/x-noteexpress"}, Extensions: []string{".net"}, Read: ReadNoteExpress},
		{Name: "endnote-xml", MediaTypes: []string{"application/x-endnote-xml"}, Extensions: []string{".xml"}, Read: ReadEndNoteXML},
	}
}
