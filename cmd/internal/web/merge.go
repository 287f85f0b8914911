package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/labstack/echo/v4"
)

// mergeRequest is the body of POST /api/v1/records/{id}/merge.
type mergeRequest struct {
	// From is the record merged into {id}, at FromVersion (0: any).
	From        string `json:"from"`
	FromVersion int    `json:"from_version"`
	// Record is {id} as it should read after the merge; when absent, the
	// kept record's values first and the other's where it has none
	// (catalog.ComposeMerge).
	Record json.RawMessage `json:"record"`
}

// mergeRecords merges another record into {id} (If-Match: {id}'s version).
func (s *Server) mergeRecords(c echo.Context) error {
	c.Set(nounKey, "merge")
	version, _, err := ifMatch(c)
	if err != nil {
		return err
	}
	req, err := decodeBody(s, c, func(b []byte) (req mergeRequest, err error) {
		return req, recordio.DecodeObject(b, &req, "merge")
	})
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	id := c.Param("id")
	var r catalog.Record
	if len(req.Record) == 0 || string(req.Record) == "null" {
		if r, err = s.composeMerge(ctx, id, req.From); err != nil {
			return err
		}
	} else {
		if r, err = recordio.DecodeRecord(req.Record); err != nil {
			return err
		}
		if r.ID, err = pathID(c, r.ID, "record"); err != nil {
			return err
		}
	}
	if err := s.cfg.Store.MergeRecords(ctx, &r, version, req.From, req.FromVersion); err != nil {
		return err
	}
	return s.sendRecord(c, http.StatusOK, &r)
}

// composeMerge is the default merge of from into id.
func (s *Server) composeMerge(ctx context.Context, id, from string) (catalog.Record, error) {
	kept, err := s.cfg.Store.FindRecordByID(ctx, id)
	if err != nil {
		return catalog.Record{}, err
	}
	if from == "" || from == id {
		return *kept, nil // MergeRecords says what is wrong
	}
	other, err := s.cfg.Store.FindRecordByID(ctx, from)
	if err != nil {
		return catalog.Record{}, err
	}
	return catalog.ComposeMerge(*kept, *other), nil
}

// mergedInto is the record a deleted record was merged into, "" when it
// was not (or err is not about a deleted record).
func mergedInto(ctx context.Context, store catalog.ChangeLog, id string, err error) string {
	if catalog.ErrorCode(err) != catalog.EGONE {
		return ""
	}
	history, herr := store.FindEntityHistory(ctx, catalog.EntityRecord, id)
	if herr != nil {
		return ""
	}
	for i := len(history) - 1; i >= 0; i-- {
		if len(history[i].After) > 0 {
			var last catalog.Record
			if json.Unmarshal(history[i].After, &last) != nil {
				return ""
			}
			return last.MergedInto
		}
	}
	return ""
}

// redirectMerged answers a request for a record merged into another with a
// permanent redirect to the same address of that one (prefix is the path
// before the id), keeping the query; false when id was not merged.
func redirectMerged(c echo.Context, store catalog.ChangeLog, prefix, id string, err error) (bool, error) {
	into := mergedInto(c.Request().Context(), store, id, err)
	if into == "" {
		return false, nil
	}
	target := prefix + url.PathEscape(into)
	if q := c.Request().URL.RawQuery; q != "" {
		target += "?" + q
	}
	return true, c.Redirect(http.StatusMovedPermanently, target)
}
