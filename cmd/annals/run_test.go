package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command in-process with ANNALS_DATA set to dir.
func runCLI(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"ANNALS_DATA": dir, "USER": "tester"}
	code = run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{nil, 2, "Usage"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"serve", "--nope"}, 2, "flag provided but not defined"},
		{[]string{"import"}, 2, "at least one file"},
		{[]string{"import", "records.xls"}, 2, "cannot tell the format"},
		{[]string{"import", "missing.json"}, 1, "missing.json"},
		{[]string{"token"}, 2, "subcommand"},
		{[]string{"token", "create", "--role", "admin"}, 2, "--name"},
		{[]string{"token", "create", "--name", "x", "--role", "root"}, 2, "role"},
		{[]string{"backup"}, 2, "one argument"},
		{[]string{"serve", "-h"}, 0, "-sample"},
	} {
		code, _, stderr := runCLI(t, dir, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.err) {
			t.Errorf("annals %v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.err)
		}
		if code == 1 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("annals %v: error is not one line: %q", tc.args, stderr)
		}
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	events := filepath.Join(t.TempDir(), "ok.ndjson")
	os.WriteFile(events, []byte(`{"id":"a","kind":"report","status":"published","title":"Отчёт","contributors":[{"family":"Иванов"}]}`+"\n"+
		`{"id":"b","kind":"report","title":"Report","contributors":[{"family":"Smith"}],"date":"2025-02-30"}`+"\n"), 0o644)
	code, stdout, stderr := runCLI(t, dir, "import", "--dry-run", events)
	if code != 1 || !strings.Contains(stdout, "would import 1 of 2 records, 1 failed") || !strings.Contains(stdout, ":2: item 1 (b): date:") {
		t.Errorf("dry run: %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, dir, "import", "--atomic", events)
	if code != 1 || !strings.Contains(stdout, "imported 0 (atomic)") {
		t.Errorf("atomic: %d %q", code, stdout)
	}
	code, stdout, _ = runCLI(t, dir, "import", events)
	if code != 1 || !strings.Contains(stdout, "imported 1 of 2 records, 1 failed") {
		t.Errorf("import: %d %q", code, stdout)
	}
	code, stdout, stderr = runCLI(t, dir, "token", "create", "--name", "Ирина", "--role", "librarian")
	if code != 0 || !strings.HasPrefix(stdout, "annals_") || strings.Count(stdout, "\n") != 1 || !strings.Contains(stderr, "not shown again") {
		t.Errorf("token create: %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, dir, "token", "list")
	if code != 0 || !strings.Contains(stdout, "Ирина") || !strings.Contains(stdout, "librarian") {
		t.Errorf("token list: %d %q", code, stdout)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if code, _, stderr := runCLI(t, dir, "backup", backup); code != 0 {
		t.Errorf("backup: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, dir, "backup", backup); code != 1 || !strings.Contains(stderr, "exists") {
		t.Errorf("backup over an existing file: %d %s", code, stderr)
	}
}

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	records := filepath.Join(t.TempDir(), "r.ndjson")
	os.WriteFile(records, []byte(`{"id":"a","kind":"report","status":"published","title":"Водородная энергетика","contributors":[{"family":"Петров"}]}`+"\n"+
		`{"id":"b","kind":"report","status":"draft","title":"Черновик","contributors":[{"family":"Иванов"}]}`+"\n"), 0o644)
	if code, _, stderr := runCLI(t, dir, "import", records); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	code, stdout, stderr := runCLI(t, dir, "export", "--format", "bibtex")
	if code != 0 || !strings.Contains(stdout, "title = {Водородная энергетика}") || strings.Contains(stdout, "Черновик") {
		t.Errorf("export: %d %q %q", code, stdout, stderr)
	}
	out := filepath.Join(t.TempDir(), "all.ris")
	if code, _, stderr := runCLI(t, dir, "export", "--format", "ris", "--include-drafts", "-o", out); code != 0 {
		t.Fatalf("export -o: %s", stderr)
	}
	if data, _ := os.ReadFile(out); strings.Count(string(data), "TY  - RPRT") != 2 {
		t.Errorf("ris file: %s", data)
	}
	code, stdout, _ = runCLI(t, dir, "export", "--format", "csl-json", "--q", "водородная")
	if code != 0 || !strings.Contains(stdout, `"title":"Водородная энергетика"`) {
		t.Errorf("export --q: %d %q", code, stdout)
	}
	if code, _, stderr := runCLI(t, dir, "export", "--format", "pdf"); code != 2 || !strings.Contains(stderr, "cannot be streamed") {
		t.Errorf("bad format: %d %s", code, stderr)
	}
	if code, _, _ := runCLI(t, dir, "export", "--format", "bibtex", "--event", "nope"); code != 1 {
		t.Errorf("unknown event: %d", code)
	}
}
