package web

import (
	"fmt"
	"net/http"
	"net/url"
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
	h.Set("ETag", etag(r.Version))
	h.Set(echo.HeaderContentType, f.MediaType+"; charset=utf-8")
	h.Set("Vary", "Accept")
	c.Response().WriteHeader(http.StatusOK)
	return f.WriteRecord(c.Response(), r, ev, recordURL(s.cfg.BaseURL, r.ID))
}

// recordURL is the address of a record's page: the configured base URL,
// never the request's Host header, which a client chooses.
func recordURL(base, id string) string {
	return base + "/records/" + url.PathEscape(id)
}
