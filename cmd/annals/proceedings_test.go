package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog/sqlite"
)

// sampleDataDir is a data directory holding the sample catalogue.
func sampleDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := fs.ReadFile(assets.FS(), assets.SamplePath)
	if _, err := loadSample(ctx, s, data); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return dir
}

func TestProceedingsCommand(t *testing.T) {
	dir := sampleDataDir(t)
	env := func(k string) string {
		if k == "ANNALS_DATA" {
			return dir
		}
		return ""
	}
	out := filepath.Join(t.TempDir(), "jinan.pdf")
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"proceedings", "--event", "jinan-2025", "--session", "ai", "--style", "gost-r-7-0-5-2008", "-o", out}, env, &bytes.Buffer{}, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
	if !strings.Contains(stderr.String(), "entries") || strings.Contains(stderr.String(), "Rendering [") {
		t.Errorf("stderr (not a terminal, so no bar): %q", stderr.String())
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("files left beside the PDF: %v", entries)
	}
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"proceedings", "-o", out}, 2, "--event is required"},
		{[]string{"proceedings", "--event", "jinan-2025"}, 2, "-o FILE.pdf is required"},
		{[]string{"proceedings", "--event", "jinan-2025", "--style", "chicago", "-o", out}, 2, "is not a style"},
		{[]string{"proceedings", "--event", "nope", "-o", out}, 1, `no event "nope"`},
		{[]string{"proceedings", "--event", "jinan-2025", "--session", "nope", "-o", out}, 1, "is not a session"},
	} {
		stderr.Reset()
		if code := run(context.Background(), tc.args, env, &bytes.Buffer{}, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.says) {
			t.Errorf("%v: exit %d, %q", tc.args, code, stderr.String())
		}
	}
}
