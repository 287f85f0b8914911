package csljson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
)

// kindsOfTypes map CSL item types to kinds: the inverse of types, with the
// types Annals has no kind of its own for.
var kindsOfTypes = map[string]catalog.Kind{
	"speech": catalog.KindPresentation, "report": catalog.KindReport, "treaty": catalog.KindAgreement,
	"book": catalog.KindBook, "chapter": catalog.KindChapter,
	"article-journal": catalog.KindArticle, "article": catalog.KindArticle, "article-magazine": catalog.KindArticle,
	"article-newspaper": catalog.KindArticle, "paper-conference": catalog.KindPresentation, "dataset": catalog.KindDataset,
}

// inItem is a CSL-JSON item as other tools write it: names and dates in
// their several forms, numbers as strings or numbers.
type inItem struct {
	ID             json.RawMessage `json:"id"`
	Type           string          `json:"type"`
	Title          string          `json:"title"`
	Author         []inName        `json:"author"`
	Editor         []inName        `json:"editor"`
	Translator     []inName        `json:"translator"`
	Contributor    []inName        `json:"contributor"`
	Issued         *inDate         `json:"issued"`
	ContainerTitle string          `json:"container-title"`
	Volume         json.RawMessage `json:"volume"`
	Issue          json.RawMessage `json:"issue"`
	Publisher      string          `json:"publisher"`
	PublisherPlace string          `json:"publisher-place"`
	Collection     string          `json:"collection-title"`
	Number         json.RawMessage `json:"number"`
	Page           json.RawMessage `json:"page"`
	DOI            string          `json:"DOI"`
	ISBN           string          `json:"ISBN"`
	ISSN           string          `json:"ISSN"`
	URL            string          `json:"URL"`
	Language       string          `json:"language"`
	Abstract       string          `json:"abstract"`
	Keyword        string          `json:"keyword"`
	Note           string          `json:"note"`
	License        string          `json:"license"`
	EventTitle     string          `json:"event-title"`
	Event          json.RawMessage `json:"event"`
	Edition        json.RawMessage `json:"edition"`
	ChapterNumber  json.RawMessage `json:"chapter-number"`
	NumberOfPages  json.RawMessage `json:"number-of-pages"`
	OriginalDate   *inDate         `json:"original-date"`
	Genre          string          `json:"genre"`
	Medium         string          `json:"medium"`
	CitationKey    string          `json:"citation-key"`
	PMID           json.RawMessage `json:"PMID"`
	PMCID          string          `json:"PMCID"`
	Custom         map[string]any  `json:"custom"`
}

type inName struct {
	Family  string `json:"family"`
	Given   string `json:"given"`
	Literal string `json:"literal"`
}

type inDate struct {
	DateParts [][]json.RawMessage `json:"date-parts"`
	Raw       string              `json:"raw"`
	Literal   string              `json:"literal"`
}

// Looks reports whether data is a JSON array of CSL-JSON items (each with
// a "type" and none with Annals' "kind"), to tell CSL-JSON from Annals'
// own JSON in a .json file.
func Looks(data []byte) bool {
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\ufeff")), &items); err != nil || len(items) == 0 {
		return false
	}
	for _, it := range items {
		if _, ok := it["kind"]; ok {
			return false
		}
		if _, ok := it["type"]; !ok {
			return false
		}
	}
	return true
}

// Read reads a JSON array of CSL-JSON items (what Zotero, Citation.js and
// Better BibTeX export) into import items: the kind from the type, names,
// the first date of issued (date-parts, raw or literal), identifiers,
// publisher, where it was published (container, volume, issue, pages...),
// language, abstract, keywords; the identifiers CSL has no variable for
// from the custom object Annals writes.
func Read(data []byte) ([]catalog.ImportItem, error) {
	if err := recordio.CheckUTF8(data); err != nil {
		return nil, err
	}
	var items []inItem
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\ufeff")), &items); err != nil {
		return nil, &catalog.Error{Code: catalog.EMALFORMED, Message: "The file is not a JSON array of CSL-JSON items: " + err.Error()}
	}
	out := make([]catalog.ImportItem, len(items))
	for i, it := range items {
		out[i] = catalog.ImportItem{Index: i, Record: it.record()}
	}
	return out, nil
}

func (it inItem) record() catalog.Record {
	r := catalog.Record{Title: it.Title, Kind: catalog.KindOther, Publisher: it.Publisher, Place: it.PublisherPlace,
		Series: it.Collection, Number: text(it.Number), Pages: text(it.Page), Abstract: it.Abstract, License: it.License,
		Identifiers: catalog.Identifiers{DOI: it.DOI, ISBN: it.ISBN, ISSN: it.ISSN, URL: it.URL, PMID: text(it.PMID), PMCID: it.PMCID,
			ArXiv: customText(it.Custom, "arxiv"), Handle: customText(it.Custom, "handle"),
			OtherISBNs: splitList(customText(it.Custom, "other_isbns")), OtherISSNs: splitList(customText(it.Custom, "other_issns"))}}
	r.Source = catalog.Source{ContainerTitle: it.ContainerTitle, Volume: text(it.Volume), Issue: text(it.Issue),
		Edition: text(it.Edition), Chapter: text(it.ChapterNumber), NumberOfPages: text(it.NumberOfPages),
		OriginalDate: it.OriginalDate.first(), Genre: it.Genre, Medium: it.Medium, CitationKey: it.CitationKey,
		EventName: firstText(it.EventTitle, text(it.Event))}
	if k, ok := kindsOfTypes[it.Type]; ok {
		r.Kind = k
	}
	r.ID = catalog.IDFromKey(text(it.ID))
	if key := text(it.ID); r.CitationKey == "" && !strings.ContainsAny(key, "/ ") {
		r.CitationKey = key // kept as written, to be exported back (not Zotero's item URIs)
	}
	for _, group := range []struct {
		names []inName
		role  string
	}{{it.Author, catalog.RoleAuthor}, {it.Editor, catalog.RoleEditor}, {it.Translator, catalog.RoleTranslator}, {it.Contributor, catalog.RoleContributor}} {
		for _, n := range group.names {
			c := catalog.Contributor{Family: n.Family, Given: n.Given, Literal: n.Literal, Role: group.role}
			if c.Family == "" && c.Given == "" && c.Literal == "" {
				continue
			}
			if c.Family == "" && c.Literal == "" {
				c.Literal, c.Given = c.Given, ""
			}
			r.Contributors = append(r.Contributors, c)
		}
	}
	r.Date = it.Issued.first()
	r.Language = catalog.LanguageFromName(it.Language)
	r.Keywords = SplitKeywords(it.Keyword)
	var notes []string
	if it.Note != "" {
		notes = append(notes, it.Note)
	}
	r.Note = strings.Join(notes, "\n")
	return r
}

// first is the first date of issued as YYYY, YYYY-MM or YYYY-MM-DD; a raw
// or literal date is given as it is (import mends it, keeping it in the
// note).
func (d *inDate) first() string {
	if d == nil {
		return ""
	}
	if len(d.DateParts) > 0 && len(d.DateParts[0]) > 0 {
		var parts []string
		for i, p := range d.DateParts[0] {
			n, err := strconv.Atoi(strings.Trim(string(p), `"`))
			if err != nil || i > 2 {
				break
			}
			if i == 0 {
				parts = append(parts, fmt.Sprintf("%04d", n))
			} else {
				parts = append(parts, fmt.Sprintf("%02d", n))
			}
		}
		return strings.Join(parts, "-")
	}
	return firstText(d.Raw, d.Literal)
}

// text reads a value other tools write as a string or a number.
func text(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(string(raw))
}

func firstText(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// customText is a text of CSL-JSON's custom object ("" when absent).
func customText(custom map[string]any, key string) string {
	if v, ok := custom[key].(string); ok {
		return strings.TrimSpace(v)
	}
	return ""
}

// splitList splits a list written "a, b" or "a; b".
func splitList(s string) []string {
	var out []string
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
