package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/annals/annals/catalog"
)

// A node sharing the catalogue reports itself every nodeReportEvery, and
// sooner (within nodeReportCheck) when its index has moved on; a node not
// seen for nodeGone has stopped.
const (
	nodeReportEvery = 15 * time.Second
	nodeReportCheck = 2 * time.Second
	nodeGone        = 4 * nodeReportEvery
)

// runNodeReports reports this node to the registry until ctx is done.
func runNodeReports(ctx context.Context, registry catalog.NodeRegistry, report func() catalog.NodeReport, log *slog.Logger) {
	ticker := time.NewTicker(nodeReportCheck)
	defer ticker.Stop()
	var last catalog.NodeReport
	var reported time.Time
	for {
		if r := report(); r.Revision != last.Revision || time.Since(reported) >= nodeReportEvery {
			if err := registry.ReportNode(ctx, r); err != nil && ctx.Err() == nil {
				log.Warn("could not report this node to the shared catalogue", "error", err)
			} else {
				last, reported = r, time.Now()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// runNodes lists the nodes sharing the catalogue: where each serves, its
// version, how far its search index has followed the change log, and
// when it last reported.
func runNodes(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := defaultConfig(getenv)
	flags := newFlags("nodes", &cfg, stderr)
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usagef("nodes takes no arguments")
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	registry, ok := store.(catalog.NodeRegistry)
	if !ok {
		fmt.Fprintln(stdout, "This catalogue is in SQLite in one data directory, served by one node. Several nodes share a catalogue on PostgreSQL (--store postgres://…).")
		return nil
	}
	nodes, err := registry.FindNodes(ctx)
	if err != nil {
		return err
	}
	if len(nodes) == 0 {
		fmt.Fprintln(stdout, "No node has served this catalogue yet (each node reports itself every 15 s while it runs).")
		return nil
	}
	now := time.Now()
	w := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(w, "NODE\tURL\tVERSION\tSEARCH INDEX\tLAST SEEN\tSTARTED")
	for _, n := range nodes {
		index, err := behind(ctx, store, n.Revision)
		if err != nil {
			return err
		}
		seen := ago(now.Sub(n.Seen))
		if now.Sub(n.Seen) > nodeGone {
			seen += " (stopped?)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", n.Name, n.URL, n.Version, index, seen, n.Started.Local().Format(time.DateTime))
	}
	return w.Flush()
}

// behind says how far behind the change log an index at revision is.
func behind(ctx context.Context, log catalog.ChangeLog, revision int64) (string, error) {
	const most = 1000
	changes, err := log.FindChanges(ctx, revision, most+1)
	switch {
	case err != nil:
		return "", err
	case len(changes) == 0:
		return "up to date", nil
	case len(changes) > most:
		return fmt.Sprintf("more than %d changes behind", most), nil
	case len(changes) == 1:
		return "1 change behind", nil
	}
	return fmt.Sprintf("%d changes behind", len(changes)), nil
}

// ago says how long ago d was, to the second.
func ago(d time.Duration) string {
	if d < time.Second {
		return "just now"
	}
	return d.Round(time.Second).String() + " ago"
}
