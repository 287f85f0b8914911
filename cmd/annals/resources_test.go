package main

import (
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

// TestRebuildRelaxesTheCollectorAndPutsItBack: the search index's rebuild
// hook raises the collector's target for the rebuild and restores it
// after; a target already higher is left alone.
func TestRebuildRelaxesTheCollectorAndPutsItBack(t *testing.T) {
	t.Setenv("GOGC", "") // set (if empty): searchOptions must then leave the collector alone
	gcPercent := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, before := range []int{100, 500} {
		debug.SetGCPercent(before)
		restore := collectLessOften(300)
		during := gcPercent()
		restore()
		if want := max(before, 300); during != want {
			t.Errorf("GOGC %d: %d during the rebuild, want %d", before, during, want)
		}
		if after := gcPercent(); after != before {
			t.Errorf("GOGC %d: %d after the rebuild", before, after)
		}
	}
	debug.SetGCPercent(100)
	opts := searchOptions(Config{}, nil)
	done := opts.OnRebuild()
	if during := gcPercent(); during != 100 {
		t.Errorf("with GOGC set in the environment the rebuild changed the target to %d", during)
	}
	done()
}

// TestBinaryLinksNoTestCode: the annals binary must not link package
// testing or the test kits (catalogtest, proceedingstest, chromedp).
func TestBinaryLinksNoTestCode(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		ours := strings.HasPrefix(dep, "github.com/annals/annals/") && strings.HasSuffix(dep, "test")
		if dep == "testing" || ours || strings.Contains(dep, "chromedp") {
			t.Errorf("the binary links %s", dep)
		}
	}
}

func TestBaseURL(t *testing.T) {
	for _, tc := range []struct{ env, addr, want string }{
		{"", "127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"", "0.0.0.0:80", "http://localhost:80"},
		{"", "[::]:8080", "http://localhost:8080"},
		{"https://annals.example.org/", "0.0.0.0:80", "https://annals.example.org"},
		{"https://example.org/annals", "x", "https://example.org/annals"},
		{"annals.example.org", "", ""},
		{"ftp://annals.example.org", "", ""},
		{"https://user@annals.example.org", "", ""},
		{"https://annals.example.org/?q=1", "", ""},
	} {
		got, err := Config{BaseURL: tc.env}.baseURL(tc.addr)
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("ANNALS_BASE_URL=%q, --addr %s: %q, %v; want %q", tc.env, tc.addr, got, err, tc.want)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	nets, err := Config{TrustedProxies: "10.0.0.0/8, 192.168.1.7 ,::1"}.trustedProxies()
	if err != nil || len(nets) != 3 || nets[1].String() != "192.168.1.7/32" || nets[2].String() != "::1/128" {
		t.Errorf("parsed %v, %v", nets, err)
	}
	if _, err := (Config{TrustedProxies: "proxy.example"}).trustedProxies(); err == nil {
		t.Error("a host name was taken for a network")
	}
}
