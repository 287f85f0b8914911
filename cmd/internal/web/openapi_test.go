package web

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export"
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

// TestOpenAPIServedWithTheFormatRegistry: the served description lists
// the formats of the registry (export.Formats), not a hand-kept copy.
func TestOpenAPIServedWithTheFormatRegistry(t *testing.T) {
	data, _ := loadOpenAPI(t)
	srv := New(Config{Store: newEnv(t).store, OpenAPI: data})
	req := httptest.NewRequest("GET", "/api/v1/openapi.json", nil)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	type operation struct {
		Parameters []struct {
			Name   string `json:"name"`
			Schema struct {
				Enum []string `json:"enum"`
			} `json:"schema"`
		} `json:"parameters"`
		RequestBody struct {
			Content map[string]json.RawMessage `json:"content"`
		} `json:"requestBody"`
		Responses map[string]struct {
			Content map[string]json.RawMessage `json:"content"`
		} `json:"responses"`
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); rec.Code != http.StatusOK || err != nil {
		t.Fatalf("GET openapi.json: %d %v", rec.Code, err)
	}
	op := func(path, method string) operation {
		var o operation
		if err := json.Unmarshal(doc.Paths[path][method], &o); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		return o
	}
	enum := func(path string) []string {
		for _, p := range op(path, "get").Parameters {
			if p.Name == "format" {
				return p.Schema.Enum
			}
		}
		return nil
	}
	var recordNames []string
	for _, f := range export.RecordFormats() {
		recordNames = append(recordNames, f.Name)
		if _, ok := op("/api/v1/records/{id}", "get").Responses["200"].Content[f.MediaType]; !ok {
			t.Errorf("GET /records/{id} does not describe %s", f.MediaType)
		}
	}
	if got := enum("/api/v1/records/{id}"); !slices.Equal(got, recordNames) {
		t.Errorf("record formats described: %v, registry: %v", got, recordNames)
	}
	if got, want := enum("/api/v1/search"), append([]string{"json"}, export.StreamNames()...); !slices.Equal(got, want) {
		t.Errorf("search formats described: %v, registry: %v", got, want)
	}
	for _, f := range export.ImportFormats() {
		if _, ok := op("/api/v1/import", "post").RequestBody.Content[f.MediaTypes[0]]; !ok {
			t.Errorf("POST /import does not describe %s", f.MediaTypes[0])
		}
	}
}

// TestOpenAPIDescribesEveryRecordField: the schemas of a record and its
// identifiers name every JSON field the Go types have (the schemas refuse
// additional properties, so a field missing there is one a validating
// client would refuse).
func TestOpenAPIDescribesEveryRecordField(t *testing.T) {
	_, doc := loadOpenAPI(t)
	for schema, typ := range map[string]reflect.Type{"Record": reflect.TypeOf(catalog.Record{}),
		"Identifiers": reflect.TypeOf(catalog.Identifiers{}), "Contributor": reflect.TypeOf(catalog.Contributor{})} {
		var s struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(doc.Components.Schemas[schema], &s); err != nil {
			t.Fatal(err)
		}
		for _, name := range jsonNames(typ) {
			if _, ok := s.Properties[name]; !ok {
				t.Errorf("openapi.json: %s lacks %q", schema, name)
			}
		}
	}
}

// jsonNames lists the JSON names of a struct's fields, embedded ones
// flattened as encoding/json does.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			out = append(out, jsonNames(f.Type)...)
		case name != "":
			out = append(out, name)
		}
	}
	return out
}
