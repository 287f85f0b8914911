package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

// TestEveryCodeHasAStatus: each domain error code maps to its status, a
// full disk to 507 with the store's message, not 500 "Internal error.".
func TestEveryCodeHasAStatus(t *testing.T) {
	e := echo.New()
	for code, want := range map[string]int{
		catalog.EINVALID: 422, catalog.EMALFORMED: 400, catalog.ENOTFOUND: 404, catalog.EGONE: 410,
		catalog.ECONFLICT: 409, catalog.EPRECONDITION: 412, catalog.EUNAUTHORIZED: 401, catalog.EFORBIDDEN: 403,
		catalog.ETOOLARGE: 413, catalog.EUNSUPPORTED: 415, catalog.EUNAVAILABLE: 503,
		catalog.ENOSPACE: http.StatusInsufficientStorage, catalog.ETOOMANY: 429, catalog.EINTERNAL: 500,
	} {
		c := e.NewContext(httptest.NewRequest("POST", "/api/v1/records", nil), httptest.NewRecorder())
		p := problemFor(catalog.Errorf(code, "The server's disk is full."), c)
		if p.Status != want {
			t.Errorf("%s: %d, want %d", code, p.Status, want)
		}
		if code == catalog.ENOSPACE && (p.Detail != "The server's disk is full." || p.Title != "Insufficient Storage") {
			t.Errorf("a full disk reads %q: %q", p.Title, p.Detail)
		}
	}
}

// TestSafeNextKeepsRedirectsOnTheSite: no value of next may send a
// browser off the site, whatever it cleans up first.
func TestSafeNextKeepsRedirectsOnTheSite(t *testing.T) {
	for next, want := range map[string]string{
		"/librarian/records/new":      "/librarian/records/new",
		"/records/x?saved=1#top":      "/records/x?saved=1#top",
		"/%09/evil.example":           "/%09/evil.example", // percent-encoded: a path segment, not a tab
		"/\t/evil.example":            "/librarian/",
		"/\n/evil.example":            "/librarian/",
		"/\r\n/evil.example":          "/librarian/",
		"//evil.example":              "/librarian/",
		"/\\evil.example":             "/librarian/",
		"\\\\evil.example":            "/librarian/",
		"https://evil.example/":       "/librarian/",
		"javascript:alert(1)":         "/librarian/",
		" /x":                         "/librarian/",
		"/\x00/evil.example":          "/librarian/",
		"":                            "/librarian/",
		"/%2F%2Fevil.example":         "/librarian/", // refused to be safe: its path decodes to //
		"/records/\u0417\u0430\u043f": "/records/\u0417\u0430\u043f",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

// TestAbandonedRequestIsNotAServerError: a search the client gave up on is
// logged as such (499), not as a 500 "internal error".
func TestAbandonedRequestIsNotAServerError(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest("GET", "/api/v1/search?q=x", nil).WithContext(ctx), rec)
	writeProblem(log, fmt.Errorf("search: %w", context.Canceled), c)
	if rec.Code != statusClientClosed || !strings.Contains(logs.String(), "client closed the request") || strings.Contains(logs.String(), "internal error") {
		t.Errorf("status %d, log %q", rec.Code, logs.String())
	}
}

// TestHeadOnEveryGetRoute: HEAD answers as GET would, without a body.
func TestHeadOnEveryGetRoute(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	for _, path := range []string{"/healthz", "/api/v1/records/jinan-2025-aldoshin", "/api/v1/search?q=energy", "/oai?verb=Identify", "/sitemap.xml"} {
		get := e.do("GET", path, "", nil)
		head := e.do("HEAD", path, "", nil)
		if head.status != get.status || head.status != 200 || len(head.body) != 0 || head.header.Get("Content-Type") != get.header.Get("Content-Type") {
			t.Errorf("HEAD %s: %d, %d bytes, %q; GET: %d %q", path, head.status, len(head.body), head.header.Get("Content-Type"), get.status, get.header.Get("Content-Type"))
		}
	}
	if r := e.do("HEAD", "/api/v1/records/nope", "", nil); r.status != 404 {
		t.Errorf("HEAD of an unknown record: %d", r.status)
	}
}
