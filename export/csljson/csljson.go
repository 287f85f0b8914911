// Package csljson maps catalogue records to CSL-JSON items, the input of
// every citation style and the interchange format of reference managers.
package csljson

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/csl"
)

// Item is a CSL-JSON item (CSL 1.0.2 variables; the fields Annals has).
type Item struct {
	ID              string `json:"id"`
	Type            string `json:"type"`
	Title           string `json:"title,omitempty"`
	Author          []Name `json:"author,omitempty"`
	Editor          []Name `json:"editor,omitempty"`
	Translator      []Name `json:"translator,omitempty"`
	Chair           []Name `json:"chair,omitempty"`
	Organizer       []Name `json:"organizer,omitempty"`
	Contributor     []Name `json:"contributor,omitempty"`
	Issued          *Date  `json:"issued,omitempty"`
	EventTitle      string `json:"event-title,omitempty"`
	Event           string `json:"event,omitempty"` // the CSL 1.0 name of event-title; older styles read it
	EventPlace      string `json:"event-place,omitempty"`
	EventDate       *Date  `json:"event-date,omitempty"`
	Section         string `json:"section,omitempty"`
	ContainerTitle  string `json:"container-title,omitempty"`
	Volume          string `json:"volume,omitempty"`
	Issue           string `json:"issue,omitempty"`
	Edition         string `json:"edition,omitempty"`
	ChapterNumber   string `json:"chapter-number,omitempty"`
	NumberOfPages   string `json:"number-of-pages,omitempty"`
	OriginalDate    *Date  `json:"original-date,omitempty"`
	Genre           string `json:"genre,omitempty"`
	Medium          string `json:"medium,omitempty"`
	CitationKey     string `json:"citation-key,omitempty"`
	Publisher       string `json:"publisher,omitempty"`
	PublisherPlace  string `json:"publisher-place,omitempty"`
	CollectionTitle string `json:"collection-title,omitempty"`
	Number          string `json:"number,omitempty"`
	Page            string `json:"page,omitempty"`
	DOI             string `json:"DOI,omitempty"`
	ISBN            string `json:"ISBN,omitempty"`
	ISSN            string `json:"ISSN,omitempty"`
	PMID            string `json:"PMID,omitempty"`
	PMCID           string `json:"PMCID,omitempty"`
	URL             string `json:"URL,omitempty"`
	Language        string `json:"language,omitempty"`
	Abstract        string `json:"abstract,omitempty"`
	Keyword         string `json:"keyword,omitempty"`
	// Keywords are the record's keywords one by one, for the formats that
	// list them (RIS KW); Keyword is them joined (JoinKeywords).
	License string `json:"license,omitempty"`
	// Files are the record's open files, for the formats that link them
	// (BibTeX file, RIS L1); CSL-JSON has no field for them.
	Files    []Attachment `json:"-"`
	Keywords []string     `json:"-"`
	// OtherISBNs, OtherISSNs, ArXiv and Handle are identifiers CSL has
	// no variable for, for the formats that carry them.
	OtherISBNs []string `json:"-"`
	OtherISSNs []string `json:"-"`
	ArXiv      string   `json:"-"`
	Handle     string   `json:"-"`
	// Custom holds what CSL has no variable for: "annals", the address of
	// the record in the catalogue it came from (CSL-JSON's custom object;
	// BibTeX's annals field; RIS's LK).
	Custom map[string]string `json:"custom,omitempty"`
}

// Attachment is a file of a record at its address.
type Attachment struct {
	Name, URL, MediaType string
}

// Name is a CSL name: a person (family, given) or an organisation
// (literal).
type Name struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Literal string `json:"literal,omitempty"`
}

// Date is a CSL date: one or two (a range) [year, month, day] parts.
type Date struct {
	DateParts [][]int `json:"date-parts"`
}

// Types maps record kinds to CSL item types.
var types = map[catalog.Kind]string{
	catalog.KindPresentation: "speech",
	catalog.KindSpeech:       "speech",
	catalog.KindReport:       "report",
	catalog.KindAgreement:    "treaty",
	catalog.KindBook:         "book",
	catalog.KindChapter:      "chapter",
	catalog.KindArticle:      "article-journal",
	catalog.KindDataset:      "dataset",
	catalog.KindOther:        "document",
}

// TypeOf returns the CSL type of a record kind.
func TypeOf(k catalog.Kind) string {
	if t, ok := types[k]; ok {
		return t
	}
	return "document"
}

// RecordType is the CSL type of a record: its kind's, except that a
// presentation published in proceedings (it has a container title) is a
// conference paper, cited with the proceedings it is in.
func RecordType(r *catalog.Record) string {
	if r.Kind == catalog.KindPresentation && r.ContainerTitle != "" {
		return "paper-conference"
	}
	return TypeOf(r.Kind)
}

// ParseDate turns YYYY, YYYY-MM or YYYY-MM-DD into a CSL date; nil for
// anything else.
func ParseDate(s string) *Date {
	var parts []int
	for _, p := range strings.Split(s, "-") {
		n, err := strconv.Atoi(p)
		if err != nil || len(parts) == 3 {
			return nil
		}
		parts = append(parts, n)
	}
	if len(parts) == 0 || len(s) < 4 {
		return nil
	}
	return &Date{DateParts: [][]int{parts}}
}

func name(c catalog.Contributor) Name {
	if c.Literal != "" {
		return Name{Literal: c.Literal}
	}
	return Name{Family: c.Family, Given: c.Given}
}

// FromRecord maps a record to a CSL item. ev is the record's event (nil if
// it has none or it is unknown); its name, place and dates become the
// event variables, and the session's title the section.
func FromRecord(r *catalog.Record, ev *catalog.Event) Item {
	ids := r.Identifiers
	it := Item{ID: r.ID, Type: RecordType(r), Title: r.Title, Issued: ParseDate(r.Date),
		Publisher: r.Publisher, PublisherPlace: r.Place, CollectionTitle: r.Series, Number: r.Number, Page: r.Pages,
		ContainerTitle: r.ContainerTitle, Volume: r.Volume, Issue: r.Issue, Edition: r.Edition, ChapterNumber: r.Chapter,
		NumberOfPages: r.NumberOfPages, OriginalDate: ParseDate(r.OriginalDate), Genre: r.Genre, Medium: r.Medium,
		CitationKey: r.CitationKey, EventTitle: r.EventName, Event: r.EventName,
		DOI: ids.DOI, ISBN: ids.ISBN, ISSN: ids.ISSN, PMID: ids.PMID, PMCID: ids.PMCID, URL: ids.URL,
		OtherISBNs: ids.OtherISBNs, OtherISSNs: ids.OtherISSNs, ArXiv: ids.ArXiv, Handle: ids.Handle,
		Language: r.Language, Abstract: r.Abstract, Keyword: JoinKeywords(r.Keywords), Keywords: r.Keywords, License: r.License}
	it.Custom = customIdentifiers(ids)
	for _, c := range r.Contributors {
		n := name(c)
		switch c.Role {
		case catalog.RoleEditor:
			it.Editor = append(it.Editor, n)
		case catalog.RoleTranslator:
			it.Translator = append(it.Translator, n)
		case catalog.RoleChair:
			it.Chair = append(it.Chair, n)
		case catalog.RoleOrganizer:
			it.Organizer = append(it.Organizer, n)
		case catalog.RoleContributor:
			it.Contributor = append(it.Contributor, n)
		default: // author, speaker, signatory, party: who the output is by
			it.Author = append(it.Author, n)
		}
	}
	// No style prints CSL's contributor: when the record's only people are
	// contributors (the think-tank report released by three of them), they
	// are who it is by, or the citation would name no one.
	if len(it.Author) == 0 && len(it.Editor) == 0 && len(it.Contributor) > 0 {
		it.Author, it.Contributor = it.Contributor, nil
	}
	if ev != nil {
		it.EventTitle, it.Event, it.EventPlace = ev.Name, ev.Name, ev.Place
		if d := eventDates(ev); d != nil {
			it.EventDate = d
		}
		if s, ok := ev.FindSession(r.Session); ok {
			it.Section = s.Title
		}
	}
	return it
}

// customIdentifiers are the identifiers CSL has no variable for, as
// CSL-JSON's custom object carries them (nil when there are none).
func customIdentifiers(ids catalog.Identifiers) map[string]string {
	m := map[string]string{}
	for k, v := range map[string]string{"arxiv": ids.ArXiv, "handle": ids.Handle,
		"other_isbns": strings.Join(ids.OtherISBNs, ", "), "other_issns": strings.Join(ids.OtherISSNs, ", ")} {
		if v != "" {
			m[k] = v
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// eventDates is the event's start, or its start and end as a range.
func eventDates(ev *catalog.Event) *Date {
	start, end := ParseDate(ev.Start), ParseDate(ev.End)
	switch {
	case start == nil:
		return nil
	case end == nil || ev.End == ev.Start:
		return start
	}
	return &Date{DateParts: [][]int{start.DateParts[0], end.DateParts[0]}}
}

// ProcessorItem is the record as an item for the CSL processor.
func ProcessorItem(r *catalog.Record, ev *catalog.Event) (*csl.Item, error) {
	data, err := json.Marshal(FromRecord(r, ev))
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return csl.ItemFromMap(m), nil
}

// JoinKeywords joins keywords as one text: with commas, or with
// semicolons when a keyword has a comma ("Supply, Prices (Q21)"), so that
// SplitKeywords gives them back.
func JoinKeywords(kw []string) string {
	sep := ", "
	for _, k := range kw {
		if strings.Contains(k, ",") {
			sep = "; "
		}
	}
	if sep == "; " && len(kw) == 1 {
		return kw[0] + ";" // the semicolon says the comma is the keyword's
	}
	return strings.Join(kw, sep)
}

// SplitKeywords splits a text of keywords: at semicolons when it has any
// (then commas belong to the keywords), else at commas.
func SplitKeywords(s string) []string {
	sep := ","
	if strings.Contains(s, ";") {
		sep = ";"
	}
	var out []string
	for _, k := range strings.Split(s, sep) {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}
