package main

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog/catalogtest"
)

// harvest runs the real harvester of Debian's libhttp-oai-perl and returns
// the identifiers it got, with "(deleted)" after deleted ones.
func harvest(t *testing.T, url string, args ...string) []string {
	t.Helper()
	harvester := catalogtest.RequireTool(t, "oai_pmh", "apt install libhttp-oai-perl")
	out, err := exec.Command(harvester, append(append([]string{"-X", "ListRecords", "--metadataPrefix", "oai_dc"}, args...), url)...).Output()
	if err != nil {
		t.Fatalf("oai_pmh: %v\n%s", err, out)
	}
	var ids []string
	blocks := regexp.MustCompile(`identifier: (\S+)\ndatestamp: \S+\nstatus: ?(\S*)`).FindAllStringSubmatch(string(out), -1)
	for _, b := range blocks {
		id := strings.TrimPrefix(b[1], "oai:annals.local:")
		if b[2] == "deleted" {
			id += "(deleted)"
		}
		ids = append(ids, id)
	}
	return ids
}

// TestHarvestWithARealHarvester harvests the sample with Debian's OAI-PMH
// harvester over several resumption tokens, then harvests incrementally
// after changes, and validates every verb's response with the shared
// offline schema check.
func TestHarvestWithARealHarvester(t *testing.T) {
	dir := t.TempDir()
	token := createToken(t, dir)
	s := startServerEnv(t, dir, []string{"ANNALS_OAI_PAGE_SIZE=7"}, "--sample")
	all := harvest(t, s.url+"/oai")
	if len(all) != 88 {
		t.Fatalf("the harvester got %d records, want the 88 published", len(all))
	}
	seen := map[string]bool{}
	for _, id := range all {
		if seen[id] {
			t.Errorf("%s harvested twice", id)
		}
		seen[id] = true
	}
	// Changes after the first harvest, one second later.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 10*time.Millisecond)))
	since := time.Now().UTC().Format("2006-01-02T15:04:05Z")
	req, _ := http.NewRequest("DELETE", s.url+"/api/v1/records/jinan-2025-culture-72", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("delete: %v", err)
	}
	body := `{"id":"new-report","kind":"report","status":"published","title":"Итоги конференции","contributors":[{"family":"Сидоров"}]}`
	if code, out, _ := post(s.url+"/api/v1/records", token, "application/json", []byte(body)); code != 201 {
		t.Fatalf("create: %d %s", code, out)
	}
	got := harvest(t, s.url+"/oai", "--from", since)
	if strings.Join(got, ",") != "jinan-2025-culture-72(deleted),new-report" {
		t.Errorf("incremental harvest: %v", got)
	}
	validate := filepath.Join(catalogtest.SharedPath(t, "oai"), "validate-oai.sh")
	catalogtest.RequireTool(t, "xmllint", "apt install libxml2-utils")
	out, err := exec.Command("sh", validate, s.url+"/oai", t.TempDir()).CombinedOutput()
	if err != nil {
		t.Errorf("validate-oai.sh: %v\n%s", err, out)
	}
	t.Logf("validate-oai.sh:\n%s", out)
}
