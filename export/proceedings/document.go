// Package proceedings renders a PDF of a conference's outputs with
// gofpdf: a cover, the programme, contents with page numbers and links,
// one chapter per session with every entry on its own page and a "Cite
// as" line, running heads, bookmarks and an index of contributors. Every
// name is printed in its own script, switching fonts by script run.
package proceedings

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/i18n"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/typeset"
)

// Document is what the proceedings hold.
type Document struct {
	// Title is the proceedings' title ("Proceedings of ..."); the event's
	// name when empty.
	Title string
	// Event is the conference; nil for a selection from a search.
	Event *catalog.Event
	// Sections are the chapters, in order.
	Sections []Section
	// Style formats the "Cite as" line of each entry; none without it.
	Style *csl.Processor
	// Generated is printed on the cover and set as the creation date.
	Generated time.Time
	// Session is the title of the one session the proceedings hold, if
	// so; without a Title, the proceedings are titled after it.
	Session string
	// OnePerPage starts every entry on a page of its own (the layout of
	// offprints); by default entries flow, several to a page, as in a book
	// of abstracts.
	OnePerPage bool
	// Papers are the records whose full paper follows their entry, with
	// its number of pages (by record ID): the book's folios, contents and
	// index count them, but the PDF leaves them out, for the paper's own
	// pages to be put in at Stats.PaperPages (export/stamp does).
	Papers map[string]int
	// Language is the language of the PDF's own words (headings, labels,
	// dates), a BCP 47 tag; English when empty or not one Annals speaks.
	// Build sets it to the citations' locale.
	Language string
}

// named returns d with the section of outputs outside any session (key
// and title empty) named in the PDF's language; d is not changed.
func (d *Document) named(say i18n.Lang) *Document {
	out := *d
	if out.Title == "" && out.Session != "" {
		out.Title = say.T("pdf.session", out.Session)
	}
	out.Sections = slices.Clone(d.Sections)
	for i := range out.Sections {
		if out.Sections[i].Key == "" && out.Sections[i].Title == "" {
			out.Sections[i].Title = say.T("pdf.other")
		}
	}
	return &out
}

// Section is one chapter: a session of the event, or the outputs outside
// any session (Key empty; with Title empty, named in the PDF's language).
type Section struct {
	Key          string
	Title        string
	Translations []catalog.SessionTranslation // the title in other languages
	Date         string
	Records      []catalog.Record
}

// TitleIn is the section's title in a language ("ru", "zh-CN"), as its
// session's (catalog.Session.TitleIn).
func (s Section) TitleIn(lang string) string {
	return catalog.Session{Title: s.Title, Translations: s.Translations}.TitleIn(lang)
}

// Entries counts the records of the document.
func (d *Document) Entries() int {
	n := 0
	for _, s := range d.Sections {
		n += len(s.Records)
	}
	return n
}

// Arrange puts records into chapters: the event's sessions in programme
// order (by their order, then as listed), the records of each by date and
// ID, and the records of no known session last under otherTitle. Sessions
// without records are left out.
func Arrange(ev *catalog.Event, records []catalog.Record, otherTitle string) []Section {
	bySession := map[string][]catalog.Record{}
	for _, r := range records {
		bySession[r.Session] = append(bySession[r.Session], r)
	}
	var sections []Section
	if ev != nil {
		sessions := slices.Clone(ev.Sessions)
		slices.SortStableFunc(sessions, func(a, b catalog.Session) int { return cmp.Compare(a.Order, b.Order) })
		for _, s := range sessions {
			recs := bySession[s.Key]
			if len(recs) == 0 {
				continue
			}
			delete(bySession, s.Key)
			sec := Section{Key: s.Key, Title: s.Title, Date: s.Date, Records: recs}
			for _, t := range s.Translations {
				if t.Title != "" && t.Title != s.Title {
					sec.Translations = append(sec.Translations, t)
				}
			}
			sections = append(sections, sec)
		}
	}
	var rest []catalog.Record
	for _, recs := range bySession {
		rest = append(rest, recs...)
	}
	if len(rest) > 0 {
		sections = append(sections, Section{Key: "", Title: otherTitle, Records: rest})
	}
	for i := range sections {
		slices.SortStableFunc(sections[i].Records, func(a, b catalog.Record) int {
			return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.ID, b.ID))
		})
	}
	return sections
}

// UnprintableError names a record with a character no embedded font has.
type UnprintableError struct {
	Record string // the record's ID, or "" for the document's own text
	Field  string
	Err    *typeset.MissingGlyphError
}

func (e *UnprintableError) Error() string {
	where := "the document"
	if e.Record != "" {
		where = "record " + e.Record
	}
	return fmt.Sprintf("%s, %s: %v", where, e.Field, e.Err)
}

func (e *UnprintableError) Unwrap() error { return e.Err }

// check finds the first string of the document that no font can draw,
// before anything is rendered.
func (d *Document) check(fonts *typeset.Set) error {
	try := func(record, field, text string) error {
		if err := fonts.Check(text); err != nil {
			missing, _ := err.(*typeset.MissingGlyphError)
			return &UnprintableError{Record: record, Field: field, Err: missing}
		}
		return nil
	}
	texts := []string{d.Title}
	if d.Event != nil {
		texts = append(texts, d.Event.Name, d.Event.Place, d.Event.Description)
		texts = append(texts, d.Event.Organizers...)
		for _, t := range d.Event.Translations {
			texts = append(texts, t.Name)
		}
	}
	for _, s := range d.Sections {
		texts = append(texts, s.Title)
		for _, t := range s.Translations {
			texts = append(texts, t.Title)
		}
	}
	for _, t := range texts {
		if err := try("", "title", t); err != nil {
			return err
		}
	}
	for _, s := range d.Sections {
		for i := range s.Records {
			r := &s.Records[i]
			fields := map[string]string{"title": r.Title, "abstract": r.Abstract, "keywords": strings.Join(r.Keywords, ", "),
				"publisher": r.Publisher, "place": r.Place, "series": r.Series, "note": r.Note}
			for j, t := range r.Translations {
				fields[fmt.Sprintf("translations[%d].title", j)] = t.Title
				fields[fmt.Sprintf("translations[%d].abstract", j)] = t.Abstract
			}
			for j, c := range r.Contributors {
				fields[fmt.Sprintf("contributors[%d]", j)] = strings.Join([]string{c.Family, c.Given, c.Literal, c.Affiliation}, " ")
				for _, t := range c.Translations {
					fields[fmt.Sprintf("contributors[%d].translations", j)] += " " + t.Family + " " + t.Given
				}
			}
			for _, field := range slices.Sorted(maps.Keys(fields)) {
				if err := try(r.ID, field, fields[field]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
