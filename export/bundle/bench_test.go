package bundle_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/export/bundle"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/proceedings/proceedingstest"
	"github.com/annals/annals/export/stamp"
)

// BenchmarkBundleOf1000Records writes the bundle of 1,000 generated
// records, each with a 2-page PDF (a real one from the corpus, stored once
// per record as its own bytes would be), to a file on disk: with every PDF
// stamped (a cover and a line on each page) and with the originals only.
// MB/s of ZIP written, and peak resident memory.
//
//	go test ./export/bundle -run '^$' -bench BundleOf1000Records -benchtime 1x -count 3
func BenchmarkBundleOf1000Records(b *testing.B) {
	ctx := context.Background()
	store, err := blobs.OpenDisk(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	pdf, err := os.ReadFile(catalogtest.SharedPath(b, "corpora", "pdfs", "bug1997343.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	records := catalogtest.NewGenerator(3).Records(1000)
	for i := range records {
		// each record's own bytes: the PDF with a different trailing comment
		data := append(append([]byte{}, pdf...), []byte("\n% record "+records[i].ID+"\n")...)
		blob, err := store.Put(ctx, bytes.NewReader(data), 1<<30, "")
		if err != nil {
			b.Fatal(err)
		}
		records[i].Files = []catalog.File{{Name: "paper.pdf", MediaType: "application/pdf", Size: blob.Size, SHA256: blob.SHA256,
			Label: catalog.LabelFulltext, Access: catalog.AccessOpen}}
	}
	d := &proceedings.Document{Title: "Benchmark", Sections: proceedings.Arrange(nil, records, "Records"),
		Style: proceedingstest.Style(b, "apa"), Generated: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	opt := proceedings.Options{Fonts: proceedingstest.Fonts(b), Words: proceedingstest.Words(b)}
	stamper := stamp.New(stamp.Config{Blobs: store, CacheDir: b.TempDir(), Catalogue: "Annals", Render: opt,
		PDF: func(ctx context.Context) (*pdfdoc.Reader, error) {
			return pdfdoc.Open(ctx, pdfdoc.Options{CacheDir: filepath.Join(os.TempDir(), "annals-test-pdfium-cache")})
		}})
	defer stamper.Close()
	stampFile := func(ctx context.Context, w io.Writer, r *catalog.Record, f *catalog.File) error {
		return stamper.Write(ctx, w, stamp.Request{Record: r, File: *f, Style: d.Style, StyleID: "apa", Language: "en",
			URL: "https://annals.example/records/" + r.ID})
	}
	for _, c := range []struct {
		name    string
		stamped bool
	}{{"stamped", true}, {"originals", false}} {
		b.Run(c.name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "bundle.zip")
			var written int64
			start := time.Now()
			for i := 0; i < b.N; i++ {
				f, err := os.Create(out)
				if err != nil {
					b.Fatal(err)
				}
				contents := bundle.Contents{Document: d, Fonts: opt.Fonts, Words: opt.Words, Files: store}
				if c.stamped {
					contents.Stamp = stampFile
				}
				m, err := bundle.Write(ctx, f, contents)
				if err != nil || len(m.Unstamped) > 0 {
					b.Fatal(err, m.Unstamped)
				}
				st, _ := f.Stat()
				written += st.Size()
				f.Close()
			}
			b.ReportMetric(float64(written)/1e6/time.Since(start).Seconds(), "MB/s")
			b.ReportMetric(float64(written/int64(b.N))/1e6, "MB")
			b.ReportMetric(float64(catalogtest.PeakRSS())/1e6, "peak-RSS-MB")
		})
	}
}
