package web

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/i18n"
)

// The librarian's forms write lists one item per line: contributors as
// "Family, Given; role; affiliation; country", translated titles as
// "lang: title", sessions as "key; title". Fields a form does not show
// (ORCIDs, name translations, translated abstracts) are kept from the
// record being edited.

// recordForm is a record as its form shows it.
type recordForm struct {
	ID, Kind, Status, Title, Language, Translations, Abstract, Date string
	Event, Session, Contributors, Keywords, DOI, URL, Publisher     string
	Place, Note                                                     string
	// where it was published
	ContainerTitle, Volume, Issue, Pages, Series, Number, Edition, ISBN, ISSN string
	Topics                                                                    map[string]bool
	Version                                                                   int
}

// formFromRecord fills the form from a record, roles named in the page's
// language.
func formFromRecord(r *catalog.Record, say i18n.Lang) recordForm {
	f := recordForm{ID: r.ID, Kind: string(r.Kind), Status: string(r.Status), Title: r.Title, Language: r.Language,
		Abstract: r.Abstract, Date: r.Date, Event: r.Event, Session: r.Session, Keywords: strings.Join(r.Keywords, ", "),
		DOI: r.Identifiers.DOI, URL: r.Identifiers.URL, Publisher: r.Publisher, Place: r.Place, Note: r.Note,
		ContainerTitle: r.ContainerTitle, Volume: r.Volume, Issue: r.Issue, Pages: r.Pages, Series: r.Series, Number: r.Number,
		Edition: r.Edition, ISBN: r.Identifiers.ISBN, ISSN: r.Identifiers.ISSN,
		Topics: map[string]bool{}, Version: r.Version}
	var lines []string
	for _, t := range r.Translations {
		lines = append(lines, t.Language+": "+t.Title)
	}
	f.Translations = strings.Join(lines, "\n")
	lines = nil
	for _, c := range r.Contributors {
		name := c.Literal
		if name == "" {
			name = strings.TrimSuffix(c.Family+", "+c.Given, ", ")
		}
		role := c.Role
		if role != "" {
			role = say.Role(role)
		}
		lines = append(lines, strings.TrimRight(strings.Join([]string{name, role, c.Affiliation, c.Country}, "; "), "; "))
	}
	f.Contributors = strings.Join(lines, "\n")
	for _, t := range r.Topics {
		f.Topics[t] = true
	}
	return f
}

func formFromValues(v url.Values) recordForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := recordForm{ID: g("id"), Kind: g("kind"), Status: g("status"), Title: g("title"), Language: g("language"),
		Translations: g("translations"), Abstract: g("abstract"), Date: g("date"), Event: g("event"), Session: g("session"),
		Contributors: g("contributors"), Keywords: g("keywords"), DOI: g("doi"), URL: g("url"), Publisher: g("publisher"),
		Place: g("place"), Note: g("note"), ContainerTitle: g("container_title"), Volume: g("volume"), Issue: g("issue"),
		Pages: g("pages"), Series: g("series"), Number: g("number"), Edition: g("edition"), ISBN: g("isbn"), ISSN: g("issn"),
		Topics: map[string]bool{}}
	fmt.Sscan(v.Get("version"), &f.Version)
	for _, t := range v["topics"] {
		f.Topics[t] = true
	}
	return f
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// record builds the record the form describes, keeping from old (the
// record edited, or nil) what the form does not show; roleCode reads a
// role as typed (a code or its name in any interface language).
func (f recordForm) record(old *catalog.Record, roleCode func(string) string) catalog.Record {
	r := catalog.Record{ID: f.ID, Kind: catalog.Kind(f.Kind), Status: catalog.Status(f.Status), Title: f.Title,
		Language: f.Language, Abstract: f.Abstract, Date: f.Date, Event: f.Event, Session: f.Session,
		Publisher: f.Publisher, Place: f.Place, Note: f.Note, Series: f.Series, Number: f.Number, Pages: f.Pages}
	if old != nil { // what the form does not show
		r.License, r.Source, r.Identifiers = old.License, old.Source, old.Identifiers
	}
	r.ContainerTitle, r.Volume, r.Issue, r.Edition = f.ContainerTitle, f.Volume, f.Issue, f.Edition
	r.Identifiers.DOI, r.Identifiers.URL, r.Identifiers.ISBN, r.Identifiers.ISSN = f.DOI, f.URL, f.ISBN, f.ISSN
	for _, k := range strings.Split(f.Keywords, ",") {
		if k = strings.TrimSpace(k); k != "" {
			r.Keywords = append(r.Keywords, k)
		}
	}
	for _, t := range catalog.Topics() {
		if f.Topics[t.Key] {
			r.Topics = append(r.Topics, t.Key)
		}
	}
	for _, l := range lines(f.Translations) {
		lang, title, _ := strings.Cut(l, ":")
		t := catalog.Translation{Language: strings.TrimSpace(lang), Title: strings.TrimSpace(title)}
		if old != nil {
			for _, o := range old.Translations {
				if o.Language == t.Language {
					t.Abstract = o.Abstract
				}
			}
		}
		r.Translations = append(r.Translations, t)
	}
	for _, l := range lines(f.Contributors) {
		parts := strings.Split(l, ";")
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		name := strings.TrimSpace(parts[0])
		c := catalog.Contributor{Role: roleCode(parts[1]), Affiliation: strings.TrimSpace(parts[2]),
			Country: strings.ToUpper(strings.TrimSpace(parts[3]))}
		if family, given, ok := strings.Cut(name, ","); ok {
			c.Family, c.Given = strings.TrimSpace(family), strings.TrimSpace(given)
		} else {
			c.Family = name
		}
		if old != nil { // keep the ORCID and other spellings of the same person
			for _, o := range old.Contributors {
				if o.Family == c.Family && o.Given == c.Given || o.Literal != "" && o.Literal == name {
					c.ORCID, c.Translations = o.ORCID, o.Translations
					if o.Literal != "" {
						c.Family, c.Given, c.Literal = "", "", o.Literal
					}
				}
			}
		}
		r.Contributors = append(r.Contributors, c)
	}
	return r
}

// linePathRe matches the path of a list the forms write one item a line
// (contributors[1].role) and gives the list and the index.
var linePathRe = regexp.MustCompile(`^(contributors|translations|sessions)\[(\d+)\]`)

// fieldOfPath maps a validation error's field path to the form field that
// shows it: contributors[1].family -> contributors, identifiers.doi -> doi.
var fieldPathRe = regexp.MustCompile(`^([a-z_]+)(?:\[\d+\])?(?:\.([a-z_]+))?`)

func fieldOfPath(path string) string {
	m := fieldPathRe.FindStringSubmatch(path)
	if m == nil {
		return ""
	}
	if m[1] == "identifiers" && m[2] != "" {
		return m[2]
	}
	return m[1]
}

// fieldErrors groups a validation error's messages by form field, said in
// the page's language; the messages that fit no field go under "".
func fieldErrors(err error, say i18n.Lang) map[string][]string {
	out := map[string][]string{}
	ce, ok := err.(*catalog.Error)
	if !ok {
		out[""] = append(out[""], err.Error())
		return out
	}
	if len(ce.Fields) == 0 {
		out[""] = append(out[""], ce.Message)
	}
	for _, fe := range ce.Fields {
		f := fieldOfPath(fe.Field)
		msg := say.FieldMessage(fe)
		if m := linePathRe.FindStringSubmatch(fe.Field); m != nil { // which line of a list a form writes a line each
			n, _ := strconv.Atoi(m[2])
			msg = say.T("form.line", n+1, msg)
		} else if strings.Contains(fe.Field, "[") {
			msg = fe.Field + ": " + msg
		}
		out[f] = append(out[f], msg)
	}
	return out
}

// eventForm is an event as its form shows it.
type eventForm struct {
	ID, Name, Translations, Place, Start, End, Organizers, Sessions, Description string
	Version                                                                      int
}

func formFromEvent(e *catalog.Event) eventForm {
	f := eventForm{ID: e.ID, Name: e.Name, Place: e.Place, Start: e.Start, End: e.End, Description: e.Description,
		Organizers: strings.Join(e.Organizers, "\n"), Version: e.Version}
	var ls []string
	for _, t := range e.Translations {
		ls = append(ls, t.Language+": "+t.Name)
	}
	f.Translations = strings.Join(ls, "\n")
	ls = nil
	for _, s := range e.Sessions {
		ls = append(ls, s.Key+"; "+s.Title)
	}
	f.Sessions = strings.Join(ls, "\n")
	return f
}

func eventFormFromValues(v url.Values) eventForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := eventForm{ID: g("id"), Name: g("name"), Translations: g("translations"), Place: g("place"), Start: g("start"),
		End: g("end"), Organizers: g("organizers"), Sessions: g("sessions"), Description: g("description")}
	fmt.Sscan(v.Get("version"), &f.Version)
	return f
}

// event builds the event the form describes, keeping the session details
// (order, date, translations) of old.
func (f eventForm) event(old *catalog.Event) catalog.Event {
	e := catalog.Event{ID: f.ID, Name: f.Name, Place: f.Place, Start: f.Start, End: f.End, Description: f.Description,
		Organizers: lines(f.Organizers)}
	for _, l := range lines(f.Translations) {
		lang, name, _ := strings.Cut(l, ":")
		e.Translations = append(e.Translations, catalog.EventTranslation{Language: strings.TrimSpace(lang), Name: strings.TrimSpace(name)})
	}
	for i, l := range lines(f.Sessions) {
		key, title, _ := strings.Cut(l, ";")
		s := catalog.Session{Key: strings.TrimSpace(key), Title: strings.TrimSpace(title), Order: i + 1}
		if old != nil {
			if o, ok := old.FindSession(s.Key); ok {
				s.Date, s.Translations = o.Date, o.Translations
			}
		}
		e.Sessions = append(e.Sessions, s)
	}
	return e
}
