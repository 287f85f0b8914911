package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export"
	"github.com/labstack/echo/v4"
)

// negotiate picks the format of a record from ?format= or, without it, the
// Accept header, among the formats one record is offered in
// (export.RecordFormats); Annals' JSON when nothing else is asked for.
func negotiate(c echo.Context) (export.Format, error) {
	offered := export.RecordFormats()
	if name := c.QueryParam("format"); name != "" {
		for _, f := range offered {
			if f.Name == name {
				return f, nil
			}
		}
		return export.Format{}, badParam("format", fmt.Sprintf("%q is not a format here; use %s", name, strings.Join(formatNames(offered), ", ")))
	}
	for _, part := range strings.Split(c.Request().Header.Get("Accept"), ",") {
		if f, ok := export.FormatForMediaType(offered, part); ok {
			return f, nil
		}
	}
	return offered[0], nil
}

func formatNames(formats []export.Format) []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.Name
	}
	return names
}

// sendRecordAs writes one record in a citation format.
func (s *Server) sendRecordAs(c echo.Context, f export.Format, r *catalog.Record) error {
	ctx := c.Request().Context()
	ev := export.CachedEvents(s.cfg.Store)(ctx, r.Event)
	h := c.Response().Header()
	tag := exportTag(r, ev, "")
	setLastModified(h, r, ev)
	h.Set("ETag", tag)
	h.Set("Vary", "Accept")
	if c.Request().Header.Get("If-None-Match") == tag {
		return c.NoContent(http.StatusNotModified)
	}
	h.Set(echo.HeaderContentType, f.MediaType+"; charset=utf-8")
	c.Response().WriteHeader(http.StatusOK)
	return f.WriteRecord(c.Response(), r, ev, recordURL(s.cfg.BaseURL, r.ID))
}

// exportTag is the ETag of what a record exports (a format, a citation):
// its version and its event's, since the event's name, place and dates are
// part of it, and what else the answer depends on (style, locale...).
func exportTag(r *catalog.Record, ev *catalog.Event, more string) string {
	tag := strconv.Itoa(r.Version)
	if ev != nil {
		tag += ".e" + strconv.Itoa(ev.Version)
	}
	if more != "" {
		tag += "-" + more
	}
	return `"` + tag + `"`
}

// setLastModified says when what a record shows last changed: the record
// or its event, whichever is later.
func setLastModified(h http.Header, r *catalog.Record, ev *catalog.Event) {
	at := r.Updated
	if ev != nil && ev.Updated.After(at) {
		at = ev.Updated
	}
	if !at.IsZero() {
		h.Set("Last-Modified", at.UTC().Format(http.TimeFormat))
	}
}

// recordURL is the address of a record's page: the configured base URL,
// never the request's Host header, which a client chooses.
func recordURL(base, id string) string {
	return base + "/records/" + url.PathEscape(id)
}
