package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/sqlite"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/search"
)

// env is a running server on a real SQLite file, with a librarian and an
// admin token.
type env struct {
	t         *testing.T
	store     *sqlite.Store
	index     *search.Index
	server    *Server
	url       string
	librarian string
	admin     string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with a chance to change the server's Config.
func newEnvWith(t *testing.T, configure func(*Config)) *env {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	index, err := search.Open(context.Background(), filepath.Join(t.TempDir(), "index"), store, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { index.Close() })
	if err := index.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Store: store, Search: index, Styles: testStyles(t, ""), OpenAPI: []byte(`{}`)}
	if configure != nil {
		configure(&cfg)
	}
	srv := New(cfg)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	e := &env{t: t, store: store, index: index, server: srv, url: hs.URL}
	e.librarian = e.mustToken("Librarian Ирина", catalog.RoleLibrarian)
	e.admin = e.mustToken("Admin", catalog.RoleAdmin)
	catalogtest.MustCreateEvent(t, store)
	return e
}

// testStyles is the library of the built-in styles and those in dataDir.
func testStyles(t *testing.T, dataDir string) *csl.Library {
	t.Helper()
	builtin, err := fs.Sub(assets.FS(), assets.StylesDir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := csl.NewLibrary(builtin, dataDir, func(tag string) ([]byte, error) {
		return fs.ReadFile(assets.FS(), assets.LocalesDir+"/locales-"+tag+".xml")
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (e *env) mustToken(name string, role catalog.Role) string {
	secret, hash := catalog.NewTokenSecret()
	if err := e.store.CreateToken(context.Background(), &catalog.Token{Name: name, Role: role}, hash); err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// catchUp brings the search index up to date with the store.
func (e *env) catchUp() {
	e.t.Helper()
	if err := e.index.CatchUp(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r.body)
	}
}

// problem decodes a problem+json body.
func (r response) problem(t *testing.T) Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, r.body)
	}
	var p Problem
	r.json(t, &p)
	if p.Status != r.status {
		t.Errorf("problem status %d, response status %d", p.Status, r.status)
	}
	return p
}

// fields returns the problem's field errors by field.
func (p Problem) fields() map[string]string {
	out := map[string]string{}
	for _, f := range p.Errors {
		out[f.Field] = f.Message
	}
	return out
}

// do sends a request; token "" sends none; headers are "Name: value" pairs.
func (e *env) do(method, path, token string, body []byte, headers ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// speech is a valid record body for the generated event.
func speech(id string) map[string]any {
	return map[string]any{
		"id": id, "kind": "speech", "status": "published", "title": "Приветственное слово", "language": "ru",
		"translations": []any{map[string]any{"language": "en", "title": "Opening address"}},
		"contributors": []any{map[string]any{"family": "Алдошин", "given": "Сергей Михайлович", "country": "RU",
			"orcid": "0000-0002-1825-0097"}},
		"event": catalogtest.GeneratedEventID, "session": "ai", "date": "2025-06-04",
	}
}

// uploadImport sends a file to the librarian's import page at pageURL as
// a signed-in browser does (action "preview" or "import"): the answer's
// status and page.
func uploadImport(t *testing.T, c *http.Client, pageURL, csrf, action, name string, content []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", csrf)
	w.WriteField("action", action)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(content)
	w.Close()
	req, _ := http.NewRequest("POST", pageURL, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}
