package web

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/bibtex"
	"github.com/annals/annals/export/csljson"
	"github.com/annals/annals/export/dc"
	"github.com/annals/annals/export/ris"
	"github.com/labstack/echo/v4"
)

// exportFormat is a format records are served in.
type exportFormat struct {
	name      string
	mediaType string
	ext       string
}

var exportFormats = []exportFormat{
	{"json", "application/json", "json"},
	{"bibtex", "application/x-bibtex", "bib"},
	{"ris", "application/x-research-info-systems", "ris"},
	{"csl-json", "application/vnd.citationstyles.csl+json", "json"},
	{"dc", "application/xml", "xml"},
	{"csv", "text/csv", "csv"},
}

func findFormat(name string) (exportFormat, bool) {
	for _, f := range exportFormats {
		if f.name == name {
			return f, true
		}
	}
	return exportFormat{}, false
}

// negotiate picks the format of a record from ?format= or, without it, the
// Accept header; JSON when nothing else is asked for. allowed lists the
// formats the endpoint serves.
func negotiate(c echo.Context, allowed ...string) (exportFormat, error) {
	if name := c.QueryParam("format"); name != "" {
		if f, ok := findFormat(name); ok && contains(allowed, name) {
			return f, nil
		}
		return exportFormat{}, badParam("format", fmt.Sprintf("%q is not a format here; use %s", name, strings.Join(allowed, ", ")))
	}
	for _, part := range strings.Split(c.Request().Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		for _, f := range exportFormats {
			if f.mediaType == mt && contains(allowed, f.name) {
				return f, nil
			}
		}
	}
	f, _ := findFormat("json")
	return f, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// sendRecordAs writes one record in a citation format.
func (s *Server) sendRecordAs(c echo.Context, f exportFormat, r *catalog.Record) error {
	ctx := c.Request().Context()
	ev := export.CachedEvents(s.cfg.Store)(ctx, r.Event)
	item := csljson.FromRecord(r, ev)
	h := c.Response().Header()
	h.Set("ETag", etag(r.Version))
	h.Set(echo.HeaderContentType, f.mediaType+"; charset=utf-8")
	h.Set("Vary", "Accept")
	switch f.name {
	case "bibtex":
		return c.String(http.StatusOK, bibtex.Entry(item))
	case "ris":
		return c.String(http.StatusOK, ris.Record(item))
	case "csl-json":
		return c.JSON(http.StatusOK, []csljson.Item{item})
	case "dc":
		c.Response().WriteHeader(http.StatusOK)
		return dc.Write(c.Response(), dc.FromRecord(r, ev, recordURL(c, r.ID)))
	}
	return s.sendRecord(c, http.StatusOK, r)
}

// recordURL is the address of a record's page on this server.
func recordURL(c echo.Context, id string) string {
	return c.Scheme() + "://" + c.Request().Host + "/records/" + id
}
