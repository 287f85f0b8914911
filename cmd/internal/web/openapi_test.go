package web

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
)

type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

func loadOpenAPI(t *testing.T) ([]byte, openAPIDoc) {
	t.Helper()
	data, err := fs.ReadFile(assets.FS(), assets.OpenAPIPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return data, doc
}

// TestOpenAPIMatchesRoutes checks the served description against the routes
// the server really has: every route is described and every described
// operation exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	data, doc := loadOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	srv := New(Config{Store: newEnv(t).store, OpenAPI: data})
	param := regexp.MustCompile(`:([a-z_]+)`)
	routes := map[string]bool{}
	for _, r := range srv.echo.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") && r.Path != "/healthz" {
			continue
		}
		routes[strings.ToLower(r.Method)+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			described[method+" "+path] = true
		}
	}
	var missing, extra []string
	for r := range routes {
		if !described[r] {
			missing = append(missing, r)
		}
	}
	for d := range described {
		if !routes[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes not in openapi.json: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("openapi.json describes routes that do not exist: %v", extra)
	}
	if len(routes) < 15 {
		t.Errorf("only %d routes found; the route listing is broken", len(routes))
	}
	refs := regexp.MustCompile(`"\$ref": ?"#/components/schemas/([A-Za-z]+)"`).FindAllStringSubmatch(string(data), -1)
	for _, m := range refs {
		if _, ok := doc.Components.Schemas[m[1]]; !ok {
			t.Errorf("$ref to missing schema %s", m[1])
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	data, _ := loadOpenAPI(t)
	e := newEnv(t)
	e.server.cfg.OpenAPI = data
	r := e.do("GET", "/api/v1/openapi.json", "", nil)
	if r.status != http.StatusOK || string(r.body) != string(data) {
		t.Errorf("GET openapi.json: %d, %d bytes", r.status, len(r.body))
	}
}
