package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/labstack/echo/v4"
)

func (s *Server) listRecords(c echo.Context) error {
	q, err := query(c, "kind", "event", "session", "status", "size", "after")
	if err != nil {
		return err
	}
	f := catalog.RecordFilter{Kind: catalog.Kind(q.Get("kind")), Event: q.Get("event"), Session: q.Get("session"), After: q.Get("after")}
	if f.Kind != "" && !f.Kind.Valid() {
		return badParam("kind", fmt.Sprintf("%q is not a kind", f.Kind))
	}
	if f.Size, err = sizeParam(q); err != nil {
		return err
	}
	statuses, err := parseStatuses(q.Get("status"), canSeeUnpublished(c))
	if err != nil {
		return err
	}
	if statuses == nil && !canSeeUnpublished(c) {
		statuses = []catalog.Status{catalog.StatusPublished}
	}
	f.Statuses = statuses
	page, err := s.cfg.Store.FindRecords(c.Request().Context(), f)
	if err != nil {
		return err
	}
	for i := range page.Records {
		page.Records[i] = *readersView(c, &page.Records[i])
	}
	return c.JSON(http.StatusOK, listResponse{Total: page.Total, Records: page.Records, Next: nullable(page.Next)})
}

// listResponse is a page of records; next is null on the last page.
type listResponse struct {
	Total   int              `json:"total"`
	Records []catalog.Record `json:"records"`
	Next    *string          `json:"next"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// parseStatuses reads a comma-separated status filter; nil when none is
// given. Asking for drafts or withdrawn records without a token is refused.
func parseStatuses(v string, canSeeUnpublished bool) ([]catalog.Status, error) {
	if v == "" {
		return nil, nil
	}
	var out []catalog.Status
	for _, part := range strings.Split(v, ",") {
		st := catalog.Status(strings.TrimSpace(part))
		if !st.Valid() {
			return nil, badParam("status", fmt.Sprintf("%q is not a status; use draft, published or withdrawn", st))
		}
		if st != catalog.StatusPublished && !canSeeUnpublished {
			return nil, catalog.Errorf(catalog.EUNAUTHORIZED, "Only holders of a token can see %s records.", st)
		}
		out = append(out, st)
	}
	return out, nil
}

func badParam(name, msg string) error {
	return &catalog.Error{Code: catalog.EMALFORMED, Message: "A parameter has a bad value.",
		Fields: []catalog.FieldError{{Field: name, Message: msg}}}
}

// findVisibleRecord returns a record the request may see: drafts and
// withdrawn records are not found without a token.
func (s *Server) findVisibleRecord(c echo.Context, id string) (*catalog.Record, error) {
	r, err := s.cfg.Store.FindRecordByID(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	if r.Status != catalog.StatusPublished && !canSeeUnpublished(c) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no record %q.", id)
	}
	return r, nil
}

// getRecord answers a record in JSON or, by ?format= or Accept, as
// BibLaTeX, RIS, CSL-JSON or Dublin Core.
func (s *Server) getRecord(c echo.Context) error {
	if _, err := query(c, "format"); err != nil {
		return err
	}
	f, err := negotiate(c)
	if err != nil {
		return err
	}
	r, err := s.findVisibleRecord(c, c.Param("id"))
	if err != nil {
		if moved, rerr := redirectMerged(c, s.cfg.Store, "/api/v1/records/", c.Param("id"), err); moved {
			return rerr
		}
		return err
	}
	if f.Name != "json" { // Annals' own JSON, with its conditional GET
		return s.sendRecordAs(c, f, r)
	}
	return s.sendRecord(c, http.StatusOK, r)
}

func (s *Server) sendRecord(c echo.Context, status int, r *catalog.Record) error {
	r, learned, err := withAnalyses(c.Request().Context(), s.cfg.Store, r)
	if err != nil {
		return err
	}
	tag := etagWith(r.Version, learned)
	c.Response().Header().Set("ETag", tag)
	if status == http.StatusOK && c.Request().Header.Get("If-None-Match") == tag {
		return c.NoContent(http.StatusNotModified)
	}
	return c.JSON(status, readersView(c, r))
}

// readersView is r as the requester may see it: without a token, without
// its restricted files (their names may say more than the record does).
func readersView(c echo.Context, r *catalog.Record) *catalog.Record {
	if canSeeUnpublished(c) || len(r.Files) == 0 {
		return r
	}
	v := *r
	v.Files = visibleFiles(c, r)
	if len(v.Files) == 0 {
		v.Files = nil
	}
	return &v
}

func (s *Server) createRecord(c echo.Context) error {
	c.Set(nounKey, "record")
	r, err := decodeBody(s, c, recordio.DecodeRecord)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.CreateRecord(c.Request().Context(), &r); err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/records/"+r.ID)
	return s.sendRecord(c, http.StatusCreated, &r)
}

func (s *Server) updateRecord(c echo.Context) error {
	c.Set(nounKey, "record")
	version, err := requireIfMatch(c, "record")
	if err != nil {
		return err
	}
	r, err := decodeBody(s, c, recordio.DecodeRecord)
	if err != nil {
		return err
	}
	if r.ID, err = pathID(c, r.ID, "record"); err != nil {
		return err
	}
	if err := s.cfg.Store.UpdateRecord(c.Request().Context(), &r, version); err != nil {
		return err
	}
	return s.sendRecord(c, http.StatusOK, &r)
}

func (s *Server) deleteRecord(c echo.Context) error {
	if _, err := query(c); err != nil {
		return err
	}
	version, _, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteRecord(c.Request().Context(), c.Param("id"), version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// historyEntry is one change as the history endpoints show it.
type historyEntry struct {
	Revision int64                 `json:"revision"`
	Time     string                `json:"time"`
	Actor    string                `json:"actor,omitempty"` // librarians only
	Op       string                `json:"operation"`
	Changes  []catalog.FieldChange `json:"changes"`
}

type historyResponse struct {
	ID      string         `json:"id"`
	Entity  string         `json:"entity"`
	Changes []historyEntry `json:"changes"`
}

func (s *Server) recordHistory(c echo.Context) error {
	if _, err := query(c); err != nil {
		return err
	}
	id := c.Param("id")
	_, err := s.findVisibleRecord(c, id)
	switch {
	case catalog.ErrorCode(err) == catalog.EGONE && canSeeUnpublished(c):
		// the history of a deleted record is for librarians
	case err != nil:
		return err
	}
	return s.sendHistory(c, catalog.EntityRecord, id)
}

// sendHistory answers an entity's changes. Librarians see every change and
// who made it; anyone else sees a record's published versions only, each
// compared with the published one before it, and no names: what a record
// said as a draft, and who catalogues, are not public.
func (s *Server) sendHistory(c echo.Context, entity, id string) error {
	changes, err := s.cfg.Store.FindEntityHistory(c.Request().Context(), entity, id)
	if err != nil {
		return err
	}
	public := !canSeeUnpublished(c)
	if public && entity == catalog.EntityRecord {
		changes = publishedVersions(changes)
	}
	resp := historyResponse{ID: id, Entity: entity, Changes: make([]historyEntry, len(changes))}
	for i, ch := range changes {
		diff, err := catalog.DiffDocuments(ch.Before, ch.After)
		if err != nil {
			return err
		}
		if diff == nil {
			diff = []catalog.FieldChange{}
		}
		resp.Changes[i] = historyEntry{Revision: ch.Revision, Time: ch.Time.Format("2006-01-02T15:04:05.000000Z07:00"),
			Actor: ch.Actor, Op: ch.Op, Changes: diff}
		if public {
			resp.Changes[i].Actor = ""
		}
	}
	return c.JSON(http.StatusOK, resp)
}

// publishedVersions keeps the changes that left a record published, each
// with the record's previous published version as its "before" (none for
// the first): the history a reader may see.
func publishedVersions(changes []catalog.Change) []catalog.Change {
	var out []catalog.Change
	var lastPublished []byte
	for _, ch := range changes {
		var doc struct {
			Status catalog.Status `json:"status"`
		}
		if ch.After == nil || json.Unmarshal(ch.After, &doc) != nil || doc.Status != catalog.StatusPublished {
			continue
		}
		ch.Before = lastPublished
		if ch.Before != nil && ch.Op == catalog.OpCreate {
			ch.Op = catalog.OpUpdate
		}
		if ch.Before == nil {
			ch.Op = catalog.OpCreate // its first published version
		}
		out = append(out, ch)
		lastPublished = ch.After
	}
	return out
}

// bulkRequest is the body of POST /api/v1/records/bulk.
type bulkRequest struct {
	IDs    []string `json:"ids"`
	Action string   `json:"action"`
}

// bulkRecords publishes, withdraws or deletes many records at once, all or
// none: 200 with what changed and what was already as asked.
func (s *Server) bulkRecords(c echo.Context) error {
	c.Set(nounKey, "bulk action")
	if _, err := query(c); err != nil {
		return err
	}
	req, err := decodeBody(s, c, func(b []byte) (req bulkRequest, err error) {
		return req, recordio.DecodeObject(b, &req, "bulk action")
	})
	if err != nil {
		return err
	}
	report, err := s.cfg.Store.ChangeRecords(c.Request().Context(), req.IDs, req.Action)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, report)
}
