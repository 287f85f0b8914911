package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

// The librarian's pages for duplicates: the groups of records that are the
// same work (the same DOI, or the same title, year and first contributor),
// and a page to merge one record of a group into another, choosing field
// by field which value stays (catalog.MergeRecordsIn).

// duplicatesPage lists the groups of duplicates.
type duplicatesPage struct {
	*view
	Groups []pageDuplicateGroup
}

type pageDuplicateGroup struct {
	Why     string
	Records []catalog.Record // the oldest first: the one others merge into by default
}

// duplicateGroupsShown is how many groups the page lists at once.
const duplicateGroupsShown = 100

func (st *site) duplicatesPage(c echo.Context) error {
	ctx := c.Request().Context()
	v := st.newView(c, "")
	v.Nav, v.NoIndex, v.Title = "librarian", true, v.T("dup.title")
	if merged := c.QueryParam("merged"); merged != "" {
		v.Flash = v.T("dup.merged", merged, c.QueryParam("into"))
	}
	groups, err := st.cfg.Store.FindDuplicateGroups(ctx, duplicateGroupsShown)
	if err != nil {
		return st.fail(c, err)
	}
	p := duplicatesPage{view: v}
	for _, g := range groups {
		recs, err := st.cfg.Store.FindRecordsByIDs(ctx, g.IDs)
		if err != nil {
			return st.fail(c, err)
		}
		slices.SortStableFunc(recs, func(a, b catalog.Record) int {
			return slices.Index(g.IDs, a.ID) - slices.Index(g.IDs, b.ID)
		})
		why := v.T("dup.why.title")
		if strings.Contains(g.Why, "DOI") {
			why = v.T("dup.why.doi")
		}
		if len(recs) > 1 {
			p.Groups = append(p.Groups, pageDuplicateGroup{Why: why, Records: recs})
		}
	}
	return st.render(c, http.StatusOK, "duplicates", p)
}

// mergePage compares two records field by field.
type mergePage struct {
	*view
	Keep, From *catalog.Record
	Fields     []mergeField
	Error      string
}

// mergeField is a field whose values differ: which one stays is the
// librarian's choice (keep, from, or both for lists of words).
type mergeField struct {
	Key, Name   string
	Keep, From  string
	Choice      string
	CanJoinBoth bool
}

// AnyJoinable says whether the page needs the "both" column.
func (p mergePage) AnyJoinable() bool {
	return slices.ContainsFunc(p.Fields, func(f mergeField) bool { return f.CanJoinBoth })
}

// joinable fields are lists whose values can all be kept.
var joinable = map[string]bool{"keywords": true, "topics": true}

// sameRecordFields are not offered: the kept record's id, status, files
// (both records' files are kept) and what merging itself records.
var sameRecordFields = map[string]bool{"id": true, "status": true, "files": true, "merged": true, "merged_into": true}

func (st *site) mergeForm(c echo.Context) error {
	p, status, err := st.loadMerge(c, c.QueryParam("keep"), c.QueryParam("from"))
	if err != nil {
		return st.fail(c, err)
	}
	return st.render(c, status, "merge", p)
}

// loadMerge reads both records and lists the fields that differ, with the
// choices a form sent (else the defaults: the kept record's value when it
// has one, both for lists of words).
func (st *site) loadMerge(c echo.Context, keepID, fromID string) (mergePage, int, error) {
	ctx := c.Request().Context()
	v := st.newView(c, "")
	v.Nav, v.NoIndex, v.Title = "librarian", true, v.T("merge.title")
	p := mergePage{view: v}
	if keepID == "" || fromID == "" || keepID == fromID {
		return p, 0, badParam("keep", "and from must name two records")
	}
	var err error
	if p.Keep, err = st.cfg.Store.FindRecordByID(ctx, keepID); err != nil {
		return p, 0, err
	}
	if p.From, err = st.cfg.Store.FindRecordByID(ctx, fromID); err != nil {
		return p, 0, err
	}
	keepDoc, _ := json.Marshal(p.Keep)
	fromDoc, _ := json.Marshal(p.From)
	changes, err := catalog.DiffDocuments(keepDoc, fromDoc)
	if err != nil {
		return p, 0, err
	}
	eventDiffers := slices.ContainsFunc(changes, func(f catalog.FieldChange) bool { return f.Field == "event" })
	order := recordFieldOrder()
	slices.SortStableFunc(changes, func(a, b catalog.FieldChange) int { return order[a.Field] - order[b.Field] })
	for _, f := range changes {
		if sameRecordFields[f.Field] || (f.Field == "session" && eventDiffers) {
			continue // a session goes with its event
		}
		mf := mergeField{Key: f.Field, Name: fieldName(v, f.Field), Keep: readableValue(v, f.Field, f.Before), From: readableValue(v, f.Field, f.After),
			CanJoinBoth: joinable[f.Field], Choice: c.FormValue("f." + f.Field)}
		if mf.Choice != "keep" && mf.Choice != "from" && (mf.Choice != "both" || !mf.CanJoinBoth) {
			switch {
			case mf.CanJoinBoth:
				mf.Choice = "both"
			case mf.Keep == "":
				mf.Choice = "from"
			default:
				mf.Choice = "keep"
			}
		}
		p.Fields = append(p.Fields, mf)
	}
	return p, http.StatusOK, nil
}

// readableValue is a field's value as the merge page shows it: names as
// their bearers write them (with their roles), codes named in the page's
// language, lists one item after another; "" for none.
func readableValue(v *view, field string, raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var text string
	var list []string
	switch {
	case field == "contributors":
		var people []catalog.Contributor
		if json.Unmarshal(raw, &people) == nil {
			for _, p := range people {
				name := p.DisplayName()
				if p.Role != "" {
					name += " (" + v.RoleName(p.Role) + ")"
				}
				list = append(list, name)
			}
			return strings.Join(list, "; ")
		}
	case field == "translations":
		var ts []catalog.Translation
		if json.Unmarshal(raw, &ts) == nil {
			for _, t := range ts {
				list = append(list, v.LanguageName(t.Language)+": "+t.Title)
			}
			return strings.Join(list, "; ")
		}
	case json.Unmarshal(raw, &list) == nil:
		if field == "topics" {
			for i := range list {
				list[i] = v.TopicName(list[i])
			}
		}
		return strings.Join(list, "; ")
	case json.Unmarshal(raw, &text) == nil:
		switch field {
		case "kind":
			return v.KindName(catalog.Kind(text))
		case "language":
			return v.LanguageName(text)
		case "date":
			return v.Date(text)
		}
		return text
	}
	var fields map[string]json.RawMessage // identifiers and other objects
	if json.Unmarshal(raw, &fields) == nil {
		keys := slices.Sorted(maps.Keys(fields))
		for _, k := range keys {
			list = append(list, k+" "+readableValue(v, k, fields[k]))
		}
		return strings.Join(list, "; ")
	}
	return string(raw)
}

// recordFieldOrder is the place of each field of a record's JSON in the
// record (title first), so that the merge page lists them as the record
// form does.
func recordFieldOrder() map[string]int {
	order := map[string]int{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case f.Anonymous && f.Type.Kind() == reflect.Struct:
				walk(f.Type)
			case name != "" && name != "-":
				order[name] = len(order)
			}
		}
	}
	walk(reflect.TypeOf(catalog.Record{}))
	return order
}

// mergeRecordsForm merges as the form chose and goes to the kept record's
// place in the list of duplicates; a refused merge shows the form again
// with the reason.
func (st *site) mergeRecordsForm(c echo.Context) error {
	keepID, fromID := c.FormValue("keep"), c.FormValue("from")
	p, _, err := st.loadMerge(c, keepID, fromID)
	if err != nil {
		return st.fail(c, err)
	}
	r, err := composeChosen(p)
	if err != nil {
		return st.fail(c, err)
	}
	keepVersion, _ := strconv.Atoi(c.FormValue("keep_version"))
	fromVersion, _ := strconv.Atoi(c.FormValue("from_version"))
	err = st.cfg.Store.MergeRecords(c.Request().Context(), &r, keepVersion, fromID, fromVersion)
	switch code := catalog.ErrorCode(err); code {
	case "":
		back := url.Values{"merged": {fromID}, "into": {keepID}}
		return c.Redirect(http.StatusSeeOther, "/librarian/duplicates?"+back.Encode())
	case catalog.EINVALID, catalog.EPRECONDITION:
		p.Error = catalog.ErrorMessage(err)
		for _, fe := range catalog.ErrorFields(err) {
			p.Error += " " + fieldName(p.view, fe.Field) + " " + fe.Message + "."
		}
		return st.render(c, statusOf[code], "merge", p)
	}
	return st.fail(c, err)
}

// composeChosen is the kept record with the values the form chose from
// the other one.
func composeChosen(p mergePage) (catalog.Record, error) {
	keep, _ := json.Marshal(p.Keep)
	from, _ := json.Marshal(p.From)
	var out, other map[string]json.RawMessage
	if err := json.Unmarshal(keep, &out); err != nil {
		return catalog.Record{}, err
	}
	if err := json.Unmarshal(from, &other); err != nil {
		return catalog.Record{}, err
	}
	for _, f := range p.Fields {
		switch f.Choice {
		case "from":
			take(out, other, f.Key)
			if f.Key == "event" {
				take(out, other, "session")
			}
		case "both":
			var a, b []string
			json.Unmarshal(out[f.Key], &a)
			json.Unmarshal(other[f.Key], &b)
			for _, w := range b {
				if !slices.Contains(a, w) {
					a = append(a, w)
				}
			}
			out[f.Key], _ = json.Marshal(a)
		}
	}
	doc, _ := json.Marshal(out)
	var r catalog.Record
	return r, json.Unmarshal(doc, &r)
}

// take sets key of dst to src's value, or removes it when src has none.
func take(dst, src map[string]json.RawMessage, key string) {
	if v, ok := src[key]; ok {
		dst[key] = v
	} else {
		delete(dst, key)
	}
}
