package catalogtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
)

// StoreRecordsWithText imports n records of g into s (whose event must
// exist: GeneratedEvent), each with a document of pages pages of words
// words in the record's language whose text is stored as extraction
// stores it (its pages and a finished analysis; the bytes themselves are
// not stored). each, when set, sees every record with its pages' texts.
func StoreRecordsWithText(tb testing.TB, ctx context.Context, s catalog.Store, g *Generator, n, pages, words int,
	each func(r *catalog.Record, texts []string)) []catalog.Record {
	tb.Helper()
	records := g.Records(n)
	items := make([]catalog.ImportItem, n)
	now := time.Now().UTC().Truncate(time.Second)
	for i := range records {
		f := catalog.File{Name: "document.pdf", MediaType: "application/pdf", Size: 1000, SHA256: documentSHA(i),
			Label: catalog.LabelFulltext, Access: catalog.AccessOpen, Created: now}
		items[i] = catalog.ImportItem{Index: i, Record: records[i], Files: []catalog.ImportFile{{File: f}}}
	}
	if rep, err := s.ImportRecords(ctx, items, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate}); err != nil || rep.Failed > 0 {
		tb.Fatalf("import: %v, %+v", err, rep)
	}
	for i := range records {
		texts := make([]string, pages)
		for p := range texts {
			texts[p] = g.Page(records[i].Language, words)
		}
		if err := s.SaveFilePages(ctx, documentSHA(i), 1, texts); err != nil {
			tb.Fatal(err)
		}
		if err := s.SaveFileAnalysis(ctx, &catalog.FileAnalysis{SHA256: documentSHA(i), State: catalog.FileDone, Pages: pages,
			TextState: catalog.FileDone, Characters: 1000, Analyzed: now}); err != nil {
			tb.Fatal(err)
		}
		if each != nil {
			each(&records[i], texts)
		}
	}
	return records
}

// documentSHA is the made-up SHA-256 of record i's document.
func documentSHA(i int) string { return fmt.Sprintf("%064x", i+1) }
