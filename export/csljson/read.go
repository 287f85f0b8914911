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
// publisher, pages, language, abstract, keywords; the container, volume
// and issue go into the note, which Annals has no fields for yet.
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
		Identifiers: catalog.Identifiers{DOI: it.DOI, ISBN: it.ISBN, ISSN: it.ISSN, URL: it.URL}}
	if k, ok := kindsOfTypes[it.Type]; ok {
		r.Kind = k
	}
	r.ID = catalog.IDFromKey(text(it.ID))
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
	var source []string
	if it.ContainerTitle != "" {
		source = append(source, it.ContainerTitle)
	}
	if v := text(it.Volume); v != "" {
		source = append(source, "vol. "+v)
	}
	if v := text(it.Issue); v != "" {
		source = append(source, "no. "+v)
	}
	if len(source) > 0 {
		notes = append(notes, "Published in: "+strings.Join(source, ", "))
	}
	if ev := firstText(it.EventTitle, text(it.Event)); ev != "" {
		notes = append(notes, "Event: "+ev)
	}
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
