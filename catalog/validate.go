package catalog

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Length limits on text fields, in characters.
const (
	maxTitle    = 2000
	maxAbstract = 100000
	maxNote     = 10000
	maxShort    = 500
	maxList     = 100
)

// EventFinder looks up an event by id for validation; ok is false when there
// is no such (live) event.
type EventFinder func(id string) (ev *Event, ok bool)

// NormalizeRecord tidies what people type without changing its meaning:
// surrounding spaces, the case of codes, resolver prefixes on identifiers,
// duplicate keywords, and the default status and roles.
func NormalizeRecord(r *Record) {
	r.ID = strings.TrimSpace(r.ID)
	r.Kind = Kind(strings.TrimSpace(string(r.Kind)))
	r.Status = Status(strings.TrimSpace(string(r.Status)))
	if r.Status == "" {
		r.Status = StatusDraft
	}
	r.Title = line(r.Title)
	r.Language = canonicalLanguage(r.Language)
	r.Abstract = strings.TrimSpace(r.Abstract)
	for i := range r.Translations {
		t := &r.Translations[i]
		t.Language = canonicalLanguage(t.Language)
		t.Title = line(t.Title)
		t.Abstract = strings.TrimSpace(t.Abstract)
	}
	for i := range r.Contributors {
		c := &r.Contributors[i]
		c.Family, c.Given, c.Literal = line(c.Family), line(c.Given), line(c.Literal)
		c.Role = strings.TrimSpace(c.Role)
		if c.Role == "" {
			c.Role = DefaultRole(r.Kind)
		}
		c.Affiliation = line(c.Affiliation)
		c.Country = strings.ToUpper(strings.TrimSpace(c.Country))
		c.ORCID = normalizeORCID(c.ORCID)
		for j := range c.Translations {
			n := &c.Translations[j]
			n.Language = canonicalLanguage(n.Language)
			n.Family, n.Given, n.Literal = line(n.Family), line(n.Given), line(n.Literal)
		}
	}
	r.Event, r.Session = strings.TrimSpace(r.Event), strings.TrimSpace(r.Session)
	r.Date = strings.TrimSpace(r.Date)
	r.Topics = tidyList(r.Topics, strings.ToLower)
	r.Keywords = tidyList(r.Keywords, line)
	r.Publisher, r.Place = line(r.Publisher), line(r.Place)
	r.Series, r.Number, r.Pages = line(r.Series), line(r.Number), line(r.Pages)
	normalizeSource(&r.Source)
	normalizeIdentifiers(&r.Identifiers)
	r.License = strings.TrimSpace(r.License)
	r.Note = strings.TrimSpace(r.Note)
}

// line tidies a single-line field: line breaks and tabs (pasted from a PDF
// or a spreadsheet cell) become spaces, runs of spaces become one, and the
// ends are trimmed. Only ASCII white space is touched: an ideographic or
// no-break space is the writer's choice.
func line(s string) string {
	if strings.ContainsAny(s, "\r\n\t") {
		s = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\t", " ").Replace(s)
	}
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return strings.Trim(s, " ")
}

// tidyList trims entries, drops empty ones and exact duplicates (after fold,
// when given), keeping the first spelling.
func tidyList(in []string, fold func(string) string) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if fold != nil {
			s = fold(s)
		}
		key := strings.ToLower(s)
		if s == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, s)
	}
	return out
}

// canonicalLanguage writes a BCP 47 tag in its conventional case: language
// lower, script title, region upper ("zh-hans-cn" -> "zh-Hans-CN").
func canonicalLanguage(tag string) string {
	tag = strings.TrimSpace(strings.ReplaceAll(tag, "_", "-"))
	if tag == "" {
		return ""
	}
	parts := strings.Split(strings.ToLower(tag), "-")
	for i := 1; i < len(parts); i++ {
		p := parts[i]
		if len(parts[i-1]) == 1 { // after a singleton everything stays lower
			break
		}
		switch {
		case len(p) == 4 && isAlpha(p):
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		case len(p) == 2 && isAlpha(p):
			parts[i] = strings.ToUpper(p)
		}
	}
	return strings.Join(parts, "-")
}

// fieldErrors collects invalid fields in the order they are found.
type fieldErrors []FieldError

func (fe *fieldErrors) add(field, format string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args})
}

// text checks a free-text field: valid UTF-8, length in characters, and no
// control characters (newlines and tabs are allowed where multiline is
// true). It scans bytes, not runes, because it runs over every abstract of
// every import: in UTF-8 a control character is either an ASCII byte below
// 0x20, DEL, or a C1 control (0xC2 followed by 0x80-0x9F).
func (fe *fieldErrors) text(field, s string, max int, multiline bool) {
	if !utf8.ValidString(s) {
		fe.add(field, "is not valid UTF-8")
		return
	}
	if len(s) > max { // only then can it have more than max characters
		if n := utf8.RuneCountInString(s); n > max {
			fe.add(field, "is %d characters long; at most %d are allowed", n, max)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		var r rune
		switch {
		case c < 0x20 || c == 0x7f:
			if multiline && (c == '\n' || c == '\t' || c == '\r') {
				continue
			}
			r = rune(c)
		case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f:
			r = rune(s[i+1])
		default:
			continue
		}
		fe.add(field, "contains the control character U+%04X", r)
		return
	}
}

// translationLanguage checks the language of one translation: present, a
// BCP 47 tag, and (when seen is not nil) not used by an earlier one.
func (fe *fieldErrors) translationLanguage(field, tag string, seen map[string]bool) {
	if tag == "" {
		fe.add(field, "is required")
		return
	}
	fe.language(field, tag)
	if seen == nil {
		return
	}
	if seen[tag] {
		fe.add(field, "%q is given twice; one translation per language", tag)
	}
	seen[tag] = true
}

func (fe *fieldErrors) language(field, tag string) {
	if tag != "" && !ValidLanguage(tag) {
		fe.add(field, "%q is not a BCP 47 language tag such as en, ru, zh-Hans or sr-Latn", tag)
	}
}

// ValidateRecord checks a normalised record and returns an EINVALID *Error
// naming every invalid field, or nil. findEvent resolves the record's event.
func ValidateRecord(r *Record, findEvent EventFinder) error {
	var fe fieldErrors
	if r.ID != "" && !ValidID(r.ID) {
		fe.add("id", "must be 1-128 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit")
	}
	switch {
	case r.Kind == "":
		fe.add("kind", "is required; one of %s", joinKinds())
	case !r.Kind.Valid():
		fe.add("kind", "%q is not a kind; use one of %s", r.Kind, joinKinds())
	}
	if !r.Status.Valid() {
		fe.add("status", "%q is not a status; use draft, published or withdrawn", r.Status)
	}
	if r.Title == "" {
		fe.add("title", "is required")
	}
	fe.text("title", r.Title, maxTitle, false)
	fe.language("language", r.Language)
	fe.text("abstract", r.Abstract, maxAbstract, true)
	validateTranslations(&fe, r.Translations)
	validateFiles(&fe, r.Files)
	validateContributors(&fe, r)
	validateEventRef(&fe, r, findEvent)
	if r.Date != "" && !ValidDate(r.Date) {
		fe.add("date", "%q must be YYYY, YYYY-MM or YYYY-MM-DD and a real calendar date", r.Date)
	}
	if len(r.Topics) > maxList {
		fe.add("topics", "has %d entries; at most %d are allowed", len(r.Topics), maxList)
	}
	for i, t := range r.Topics {
		if _, ok := FindTopic(t); !ok {
			fe.add(fmt.Sprintf("topics[%d]", i), "%q is not in the topic vocabulary (GET /api/v1/vocabularies lists it)", t)
		}
	}
	if len(r.Keywords) > maxList {
		fe.add("keywords", "has %d entries; at most %d are allowed", len(r.Keywords), maxList)
	}
	for i, k := range r.Keywords {
		fe.text(fmt.Sprintf("keywords[%d]", i), k, maxShort, false)
	}
	for _, f := range []struct{ name, value string }{{"publisher", r.Publisher}, {"place", r.Place},
		{"series", r.Series}, {"number", r.Number}, {"pages", r.Pages}, {"license", r.License}} {
		fe.text(f.name, f.value, maxShort, false)
	}
	validateSource(&fe, r)
	validateIdentifiers(&fe, r.Identifiers)
	fe.text("note", r.Note, maxNote, true)
	return InvalidFields(fe)
}

func joinKinds() string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func validateTranslations(fe *fieldErrors, ts []Translation) {
	seen := map[string]bool{}
	for i, t := range ts {
		p := fmt.Sprintf("translations[%d]", i)
		fe.translationLanguage(p+".language", t.Language, seen)
		if t.Title == "" {
			fe.add(p+".title", "is required")
		}
		fe.text(p+".title", t.Title, maxTitle, false)
		fe.text(p+".abstract", t.Abstract, maxAbstract, true)
	}
}

func validateContributors(fe *fieldErrors, r *Record) {
	// a presentation, a speech or an agreement is someone's; a book, a
	// report or an article may have no author (a constitution, a
	// committee's report printed anonymously)
	if len(r.Contributors) == 0 && (r.Kind == KindPresentation || r.Kind == KindSpeech || r.Kind == KindAgreement) {
		fe.add("contributors", "at least one contributor is required for a %s", r.Kind)
	}
	if len(r.Contributors) > 1000 {
		fe.add("contributors", "has %d entries; at most 1000 are allowed", len(r.Contributors))
	}
	for i, c := range r.Contributors {
		p := fmt.Sprintf("contributors[%d]", i)
		switch {
		case c.Literal != "" && (c.Family != "" || c.Given != ""):
			fe.add(p, "is either a person (family, given) or an organisation (literal), not both")
		case c.Literal == "" && c.Family == "" && c.Given != "":
			fe.add(p+".family", "is required when given is set (for a single name, put it in family)")
		case c.Literal == "" && c.Family == "":
			fe.add(p, "needs a family name or, for an organisation, a literal name")
		}
		fe.text(p+".family", c.Family, maxShort, false)
		fe.text(p+".given", c.Given, maxShort, false)
		fe.text(p+".literal", c.Literal, maxShort, false)
		fe.text(p+".affiliation", c.Affiliation, maxShort, false)
		if !ValidRole(c.Role) {
			fe.add(p+".role", "%q is not a role; use one of %s", c.Role, strings.Join(roles, ", "))
		}
		if c.Country != "" && !ValidCountry(c.Country) {
			fe.add(p+".country", "%q is not an ISO 3166-1 alpha-2 country code such as CN, RU or BY", c.Country)
		}
		if c.ORCID != "" && !ValidORCID(c.ORCID) {
			if orcidShape.MatchString(c.ORCID) {
				fe.add(p+".orcid", "%q has a wrong check digit", c.ORCID)
			} else {
				fe.add(p+".orcid", "%q must look like 0000-0002-1825-0097", c.ORCID)
			}
		}
		for j, n := range c.Translations {
			q := fmt.Sprintf("%s.translations[%d]", p, j)
			// One language may hold several spellings of a name
			// (Gusakov, Gusekov), so repeats are allowed here.
			fe.translationLanguage(q+".language", n.Language, nil)
			if n.Family == "" && n.Literal == "" {
				fe.add(q, "needs a family or literal name")
			}
			fe.text(q+".family", n.Family, maxShort, false)
			fe.text(q+".given", n.Given, maxShort, false)
			fe.text(q+".literal", n.Literal, maxShort, false)
		}
	}
}

func validateEventRef(fe *fieldErrors, r *Record, findEvent EventFinder) {
	if r.Event == "" {
		if r.Session != "" {
			fe.add("session", "needs an event")
		}
		return
	}
	ev, ok := findEvent(r.Event)
	if !ok {
		fe.add("event", "%q is not an event in the catalogue", r.Event)
		return
	}
	if r.Session != "" {
		if _, ok := ev.FindSession(r.Session); !ok {
			keys := make([]string, len(ev.Sessions))
			for i, s := range ev.Sessions {
				keys[i] = s.Key
			}
			fe.add("session", "%q is not a session of %s; its sessions are %s", r.Session, ev.ID, strings.Join(keys, ", "))
		}
	}
}

// NormalizeEvent tidies an event as NormalizeRecord does a record.
func NormalizeEvent(e *Event) {
	e.ID = strings.TrimSpace(e.ID)
	e.Name = line(e.Name)
	e.Description = strings.TrimSpace(e.Description)
	e.Place = line(e.Place)
	e.Start, e.End = strings.TrimSpace(e.Start), strings.TrimSpace(e.End)
	for i := range e.Translations {
		e.Translations[i].Language = canonicalLanguage(e.Translations[i].Language)
		e.Translations[i].Name = line(e.Translations[i].Name)
	}
	e.Organizers = tidyList(e.Organizers, line)
	for i := range e.Sessions {
		s := &e.Sessions[i]
		s.Key, s.Title, s.Date = strings.TrimSpace(s.Key), line(s.Title), strings.TrimSpace(s.Date)
		if s.Order == 0 {
			s.Order = i + 1
		}
		for j := range s.Translations {
			s.Translations[j].Language = canonicalLanguage(s.Translations[j].Language)
			s.Translations[j].Title = line(s.Translations[j].Title)
		}
	}
}

// ValidateEvent checks a normalised event and returns an EINVALID *Error
// naming every invalid field, or nil.
func ValidateEvent(e *Event) error {
	var fe fieldErrors
	if e.ID != "" && !ValidID(e.ID) {
		fe.add("id", "must be 1-128 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit")
	}
	if e.Name == "" {
		fe.add("name", "is required")
	}
	fe.text("name", e.Name, maxTitle, false)
	fe.text("description", e.Description, maxAbstract, true)
	fe.text("place", e.Place, maxShort, false)
	for _, d := range []struct{ name, value string }{{"start", e.Start}, {"end", e.End}} {
		if d.value != "" && !ValidDate(d.value) {
			fe.add(d.name, "%q must be YYYY, YYYY-MM or YYYY-MM-DD and a real calendar date", d.value)
		}
	}
	if len(e.Start) == 10 && len(e.End) == 10 && ValidDate(e.Start) && ValidDate(e.End) && e.End < e.Start {
		fe.add("end", "%s is before the start %s", e.End, e.Start)
	}
	seenLang := map[string]bool{}
	for i, t := range e.Translations {
		p := fmt.Sprintf("translations[%d]", i)
		fe.translationLanguage(p+".language", t.Language, seenLang)
		if t.Name == "" {
			fe.add(p+".name", "is required")
		}
		fe.text(p+".name", t.Name, maxTitle, false)
	}
	for i, o := range e.Organizers {
		fe.text(fmt.Sprintf("organizers[%d]", i), o, maxShort, false)
	}
	seenKey := map[string]bool{}
	for i, s := range e.Sessions {
		p := fmt.Sprintf("sessions[%d]", i)
		if !keyPattern.MatchString(s.Key) {
			fe.add(p+".key", "%q must be 1-64 characters of a-z, 0-9, '.', '_' or '-'", s.Key)
		}
		if seenKey[s.Key] {
			fe.add(p+".key", "%q is used by another session", s.Key)
		}
		seenKey[s.Key] = true
		if s.Title == "" {
			fe.add(p+".title", "is required")
		}
		fe.text(p+".title", s.Title, maxTitle, false)
		if s.Date != "" && !ValidDate(s.Date) {
			fe.add(p+".date", "%q must be YYYY-MM-DD and a real calendar date", s.Date)
		}
		seenSessionLang := map[string]bool{}
		for j, t := range s.Translations {
			q := fmt.Sprintf("%s.translations[%d]", p, j)
			fe.translationLanguage(q+".language", t.Language, seenSessionLang)
			if t.Title == "" {
				fe.add(q+".title", "is required")
			}
		}
	}
	return InvalidFields(fe)
}
