package web

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
)

// TestHostHeaderIsNotTrusted: a request with Host: evil.example gets links
// to the configured base URL in the sitemap, feeds, OAI-PMH, Dublin Core,
// and the record page's canonical metadata and JSON-LD.
func TestHostHeaderIsNotTrusted(t *testing.T) {
	e := newEnvWith(t, func(c *Config) {
		c.Site, c.SessionKey = assets.FS(), []byte(strings.Repeat("k", 32))
		c.BaseURL = "https://annals.example.org/"
	})
	e.loadSample()
	for _, path := range []string{"/sitemap.xml", "/feeds/records.atom", "/oai?verb=Identify",
		"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:annals.local:jinan-2025-aldoshin",
		"/records/jinan-2025-aldoshin", "/api/v1/records/jinan-2025-aldoshin?format=dc"} {
		req, _ := http.NewRequest("GET", e.url+path, nil)
		req.Host = "evil.example"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", path, resp.StatusCode)
			continue
		}
		if strings.Contains(string(body), "evil.example") {
			t.Errorf("%s names the request's Host header:\n%.600s", path, body)
		}
		if !strings.Contains(string(body), "https://annals.example.org/") {
			t.Errorf("%s has no link to the configured base URL", path)
		}
	}
}
