package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/annals/annals/search"
)

// runReindex rebuilds the search index from the store. The index must not
// be in use: a running server is asked to rebuild with
// POST /api/v1/admin/reindex instead.
func runReindex(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg := defaultConfig(getenv)
	flags := newFlags("reindex", &cfg, stderr)
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usagef("reindex takes no arguments")
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	index, err := search.Open(ctx, cfg.IndexPath(), store, searchOptions(cfg, newLogger(cfg, io.Discard)))
	if err != nil {
		return fmt.Errorf("%w; to rebuild while it runs, POST /api/v1/admin/reindex with an admin token", err)
	}
	defer index.Close()
	start := time.Now()
	if err := index.Rebuild(ctx); err != nil {
		return err
	}
	n, err := index.DocCount()
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Rebuilt the search index in %s: %d records, revision %d.\n",
		time.Since(start).Round(time.Millisecond), n, index.Status().Revision)
	start = time.Now()
	pages, err := search.OpenPages(cfg.PagesIndexPath(), store, nil)
	if err != nil {
		return err
	}
	defer pages.Close()
	if err := pages.Build(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Rebuilt the index of files' text in %s.\n", time.Since(start).Round(time.Millisecond))
	return nil
}
