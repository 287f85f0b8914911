package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
)

// TestNodesReportThemselves: a node's report replaces its earlier one;
// every node sees every report, the most recently seen first.
func TestNodesReportThemselves(t *testing.T) {
	ctx := context.Background()
	a := mustOpen(t)
	b := mustOpenAt(t, a.dsn)
	started := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := a.ReportNode(ctx, catalog.NodeReport{Name: "node-a", URL: "http://a:8080", Version: "v1", Revision: 5, Started: started}); err != nil {
		t.Fatal(err)
	}
	if err := b.ReportNode(ctx, catalog.NodeReport{Name: "node-b", URL: "http://b:8080", Version: "v1", Revision: 3, Started: started}); err != nil {
		t.Fatal(err)
	}
	if err := a.ReportNode(ctx, catalog.NodeReport{Name: "node-a", URL: "http://a:8080", Version: "v2", Revision: 9, Started: started}); err != nil {
		t.Fatal(err)
	}
	nodes, err := b.FindNodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 2 || nodes[0].Name != "node-a" || nodes[0].Revision != 9 || nodes[0].Version != "v2" ||
		!nodes[0].Started.Equal(started) || nodes[1].Name != "node-b" || nodes[0].Seen.Before(nodes[1].Seen) {
		t.Errorf("nodes: %+v", nodes)
	}
}
