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
		b.ReportMetric(float64(peakRSS())/1e6, "peak-RSS-MB")
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

// peakRSS is the process's peak resident memory (VmHWM), in bytes.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// request is a copy request in APA for the record with the stored bytes
// sha.
func (e *env) request(tb testing.TB, r *catalog.Record, sha string, size int64) stamp.Request {
	return stamp.Request{Record: r, Event: &e.events[0], Style: style(tb, "apa", "en-US"), StyleID: "apa", Language: "en",
		File: catalog.File{Name: "book.pdf", MediaType: "application/pdf", Size: size, SHA256: sha, Access: catalog.AccessOpen, Pages: 200},
		URL:  "https://annals.example/records/" + r.ID}
}
