package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export"
	"github.com/annals/annals/search"
)

// runExport writes published records (all, an event's, or a search's) in
// a citation format to a file or stdout. Without --q it reads the store
// only, so it works while a server runs; --q needs the search index, which
// a running server holds (then use GET /api/v1/search?q=...&format=...).
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := defaultConfig(getenv)
	flags := newFlags("export", &cfg, stderr)
	format := flags.String("format", "", strings.Join(export.StreamNames(), ", "))
	q := flags.String("q", "", "a search query: export its matches, best first")
	event := flags.String("event", "", "export this event's records")
	out := flags.String("o", "", "write to this file (default: standard output)")
	drafts := flags.Bool("include-drafts", false, "export drafts and withdrawn records too")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usagef("export takes no arguments, got %q", flags.Args())
	}
	if _, err := export.NewWriter(*format, io.Discard, nil); err != nil {
		return usagef("--format: %v", err)
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if *event != "" {
		if _, err := store.FindEventByID(ctx, *event); err != nil {
			return err
		}
	}
	statuses := []catalog.Status{catalog.StatusPublished}
	if *drafts {
		statuses = nil
	}
	var ids []string
	if *q != "" {
		ids, err = searchIDs(ctx, cfg, store, *q, *event, statuses)
	} else {
		ids, err = listIDs(ctx, store, *event, statuses)
	}
	if err != nil {
		return err
	}
	var w io.Writer = stdout
	var file *os.File
	if *out != "" {
		// Written beside the target and renamed when complete.
		file, err = os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*")
		if err != nil {
			return err
		}
		defer os.Remove(file.Name())
		w = file
	}
	base, err := cfg.baseURL(cfg.Addr)
	if err != nil {
		return err
	}
	n, err := export.WriteRecords(ctx, store, *format, ids, nil, base, w)
	if err != nil {
		return err
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return err
		}
		if err := os.Rename(file.Name(), *out); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "Wrote %d records to %s\n", n, *out)
	}
	return nil
}

// listIDs lists the records of the store (or of an event), newest first.
func listIDs(ctx context.Context, store catalog.Store, event string, statuses []catalog.Status) ([]string, error) {
	var ids []string
	f := catalog.RecordFilter{Event: event, Statuses: statuses, Size: catalog.MaxPageSize}
	for {
		page, err := store.FindRecords(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Records {
			ids = append(ids, r.ID)
		}
		if page.Next == "" {
			return ids, nil
		}
		f.After = page.Next
	}
}

// searchIDs runs a search over the index (which must not be in use).
func searchIDs(ctx context.Context, cfg Config, store catalogStore, q, event string, statuses []catalog.Status) ([]string, error) {
	pages, err := search.OpenPages(cfg.PagesIndexPath(), store, nil)
	if err != nil {
		return nil, fmt.Errorf("%w; while the server runs, export a search from it with GET /api/v1/search and format", err)
	}
	defer pages.Close()
	if pages.Ready() {
		if err := pages.CatchUp(ctx); err != nil {
			return nil, err
		}
	} else if err := pages.Build(ctx); err != nil {
		return nil, err
	}
	opts := searchOptions(cfg, newLogger(cfg, io.Discard))
	opts.Pages = pages
	index, err := search.Open(ctx, cfg.IndexPath(), store, opts)
	if err != nil {
		return nil, fmt.Errorf("%w; while the server runs, export a search from it with GET /api/v1/search and format", err)
	}
	defer index.Close()
	if index.Status().State != "ready" {
		if err := index.Rebuild(ctx); err != nil {
			return nil, err
		}
	} else if err := index.CatchUp(ctx); err != nil {
		return nil, err
	}
	req := search.Request{Query: q, Size: catalog.MaxPageSize, NoFacets: true}
	if event != "" {
		req.Filters.Event = []string{event}
	}
	req.Filters.Statuses = statuses
	if statuses == nil {
		req.Filters.Statuses = []catalog.Status{catalog.StatusDraft, catalog.StatusPublished, catalog.StatusWithdrawn}
	}
	return index.AllMatches(ctx, req)
}
