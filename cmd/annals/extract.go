package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/annals/annals/catalog/analyze"
	"github.com/annals/annals/catalog/pdfdoc"
)

// runExtract reads the files of the current records that have not been
// read (with --retry, also those whose reading failed): what the server
// does in the background, for a catalogue without a running server, or to
// try again after a timeout. It may run while the server runs.
func runExtract(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := defaultConfig(getenv)
	flags := newFlags("extract", &cfg, stderr)
	retry := flags.Bool("retry", false, "read again the files whose reading failed (a timeout, a lost worker)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usagef("extract takes no arguments")
	}
	if _, err := os.Stat(cfg.DatabasePath()); err != nil && cfg.usesSQLite() {
		return usagef("there is no catalogue in %s", cfg.DataDir)
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	files, err := openBlobs(ctx, cfg)
	if err != nil {
		return err
	}
	pdf, err := pdfdoc.Open(ctx, pdfdoc.Options{Workers: 1, Timeout: cfg.ExtractTimeout, CacheDir: cfg.PDFiumCacheDir()})
	if err != nil {
		return err
	}
	defer pdf.Close()
	ocr, _ := analyze.FindOCR(ctx) // nil without tesseract: scans stay no-text
	follower := analyze.New(analyze.Config{Log: store, Analyses: store, Blobs: files, PDF: pdf, OCR: ocr})
	res, err := follower.Sweep(ctx, store, *retry)
	if err != nil {
		return err
	}
	var states []string
	for state, n := range res.ByText {
		states = append(states, fmt.Sprintf("%d %s", n, state))
	}
	sort.Strings(states)
	summary := ""
	if len(states) > 0 {
		summary = " (" + strings.Join(states, ", ") + ")"
	}
	fmt.Fprintf(stdout, "files read: %d%s.\n", res.Read, summary)
	for _, f := range res.Failed {
		fmt.Fprintf(stdout, "failed   %s/%s: %s\n", f.Record, f.File.Name, f.Reason)
	}
	if len(res.Failed) > 0 {
		return fmt.Errorf("%d files could not be read", len(res.Failed))
	}
	return nil
}
