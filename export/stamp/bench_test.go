package stamp_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/stamp"
	"github.com/jung-kurt/gofpdf"
)

// BenchmarkStamp200Pages stamps the first 200 pages of a real book (Free
// Culture, pdfTeX) with a cover and a line on every page, beside qpdf
// overlaying a one-page stamp on every page of the same file in the same
// run: pages/s each, and the peak resident memory of each (Annals: the
// whole test process, PDFium's sandbox included; qpdf: its process).
//
//	go test ./export/stamp -run '^$' -bench Stamp200Pages -benchtime 3x -count 5
func BenchmarkStamp200Pages(b *testing.B) {
	qpdf := catalogtest.RequireTool(b, "qpdf", "apt install qpdf")
	dir := b.TempDir()
	book := filepath.Join(dir, "book.pdf")
	src := catalogtest.SharedPath(b, "corpora", "pdfs", "freeculture.pdf")
	if out, err := exec.Command(qpdf, "--empty", "--pages", src, "1-200", "--", book).CombinedOutput(); err != nil {
		b.Fatalf("qpdf: %v %s", err, out)
	}
	const pages = 200
	b.Run("annals", func(b *testing.B) {
		e := newEnv(b)
		r := e.records["jinan-2025-belarusians-in-china"]
		f, err := os.Open(book)
		if err != nil {
			b.Fatal(err)
		}
		blob, err := e.blobs.Put(context.Background(), f, 1<<30, "")
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		req := e.request(b, r, blob.SHA256, blob.Size)
		// the first copy starts PDFium; it is not timed
		if err := e.stamper.Write(context.Background(), io.Discard, req); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if err := e.stamper.Write(context.Background(), io.Discard, req); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(pages*b.N)/time.Since(start).Seconds(), "pages/s")
		b.ReportMetric(float64(catalogtest.PeakRSS())/1e6, "peak-RSS-MB")
	})
	b.Run("qpdf-overlay", func(b *testing.B) {
		stampPDF := filepath.Join(dir, "stamp.pdf")
		pdf := gofpdf.New("P", "pt", "A4", "")
		pdf.AddPage()
		pdf.SetFont("Helvetica", "", 7)
		pdf.Text(24, 835, "Cite as: Belarusians in China. (2025). Belarusian Science. https://annals.example/records/jinan-2025-belarusians-in-china")
		var buf bytes.Buffer
		if err := pdf.Output(&buf); err != nil {
			b.Fatal(err)
		}
		os.WriteFile(stampPDF, buf.Bytes(), 0o600)
		out := filepath.Join(dir, "overlaid.pdf")
		var rss int64
		b.ResetTimer()
		start := time.Now()
		args := []string{book, "--overlay", stampPDF, "--repeat=1", "--", out}
		timeBin, _ := exec.LookPath("time") // GNU time reports the child's peak memory (rusage would be ours: vfork)
		if _, err := os.Stat("/usr/bin/time"); err == nil {
			timeBin = "/usr/bin/time"
		}
		for i := 0; i < b.N; i++ {
			cmd := exec.Command(qpdf, args...)
			if timeBin != "" {
				cmd = exec.Command(timeBin, append([]string{"-f", "maxrss-kb %M", qpdf}, args...)...)
			}
			o, err := cmd.CombinedOutput()
			if err != nil {
				b.Fatalf("qpdf: %v %s", err, o)
			}
			if _, kb, ok := strings.Cut(string(o), "maxrss-kb "); ok {
				n, _ := strconv.ParseInt(strings.TrimSpace(kb), 10, 64)
				rss = max(rss, n*1024)
			}
		}
		b.ReportMetric(float64(pages*b.N)/time.Since(start).Seconds(), "pages/s")
		if rss > 0 {
			b.ReportMetric(float64(rss)/1e6, "peak-RSS-MB")
		}
	})
}

// request is a copy request in APA for the record with the stored bytes
// sha.
func (e *env) request(tb testing.TB, r *catalog.Record, sha string, size int64) stamp.Request {
	return stamp.Request{Record: r, Event: &e.events[0], Style: style(tb, "apa", "en-US"), StyleID: "apa", Language: "en",
		File: catalog.File{Name: "book.pdf", MediaType: "application/pdf", Size: size, SHA256: sha, Access: catalog.AccessOpen, Pages: 200},
		URL:  "https://annals.example/records/" + r.ID}
}

// BenchmarkProceedingsWithFullPapers lays out 100 generated entries each
// followed by its 10-page paper (slices of Free Culture cut by qpdf: 1,000
// pages of real typeset text) and puts the papers in, beside qpdf
// concatenating the same 100 papers in the same run: pages/s each, and
// peak resident memory (Annals: the whole test process).
//
//	go test ./export/stamp -run '^$' -bench ProceedingsWithFullPapers -benchtime 1x -count 5
func BenchmarkProceedingsWithFullPapers(b *testing.B) {
	qpdf := catalogtest.RequireTool(b, "qpdf", "apt install qpdf")
	e := newEnv(b)
	dir := b.TempDir()
	src := catalogtest.SharedPath(b, "corpora", "pdfs", "freeculture.pdf")
	const papers, perPaper = 100, 10
	var paths []string
	shas := make([]string, papers)
	sizes := make([]int64, papers)
	for i := range papers {
		first := 1 + (i*perPaper)%340
		path := filepath.Join(dir, "paper-"+strconv.Itoa(i)+".pdf")
		if out, err := exec.Command(qpdf, "--empty", "--pages", src, strconv.Itoa(first)+"-"+strconv.Itoa(first+perPaper-1), "--", path).CombinedOutput(); err != nil {
			b.Fatalf("qpdf: %v %s", err, out)
		}
		f, _ := os.Open(path)
		blob, err := e.blobs.Put(context.Background(), f, 1<<30, "")
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		paths, shas[i], sizes[i] = append(paths, path), blob.SHA256, blob.Size
	}
	records := catalogtest.NewGenerator(7).Records(papers)
	for i := range records {
		records[i].Files = []catalog.File{{Name: "paper.pdf", MediaType: "application/pdf", SHA256: shas[i], Size: sizes[i],
			Label: catalog.LabelFulltext, Access: catalog.AccessOpen}}
	}
	doc := &proceedings.Document{Title: "Benchmark proceedings", Sections: proceedings.Arrange(nil, records, "Papers"),
		Style: style(b, "apa", "en-US"), Generated: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	b.Run("annals", func(b *testing.B) {
		pages, size := 0, int64(0)
		start := time.Now()
		for i := 0; i < b.N; i++ {
			var out countingWriter
			st, unplaced, err := e.stamper.RenderWithPapers(context.Background(), &out, doc, nil)
			if err != nil || len(unplaced) > 0 {
				b.Fatal(err, unplaced)
			}
			pages, size = pages+st.Pages, out.n
		}
		b.ReportMetric(float64(pages)/time.Since(start).Seconds(), "pages/s")
		b.ReportMetric(float64(pages/b.N), "pages")
		b.ReportMetric(float64(size)/1e6, "MB")
		b.ReportMetric(float64(catalogtest.PeakRSS())/1e6, "peak-RSS-MB")
	})
	b.Run("qpdf-concatenate", func(b *testing.B) {
		args := []string{"--empty", "--pages"}
		args = append(args, paths...)
		out := filepath.Join(dir, "all.pdf")
		args = append(args, "--", out)
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if o, err := exec.Command(qpdf, args...).CombinedOutput(); err != nil {
				b.Fatalf("qpdf: %v %s", err, o)
			}
		}
		b.ReportMetric(float64(papers*perPaper*b.N)/time.Since(start).Seconds(), "pages/s")
		if st, err := os.Stat(out); err == nil {
			b.ReportMetric(float64(st.Size())/1e6, "MB")
		}
	})
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }
