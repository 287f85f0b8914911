package pdfdoc_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/pdfdoc"
)

// benchFiles are the corpus PDFs every reader reads (text, forms, scans;
// English, Russian, Chinese, Japanese, Korean, Arabic).
var benchFiles = []string{"tracemonkey.pdf", "freeculture.pdf", "bug1997343.pdf", "pdfplumber_issue-67-example.pdf",
	"issue12823.pdf", "issue16063.pdf", "bug1627427_reduced.pdf", "typst-g7-32_databases-lab_reference.pdf",
	"issue20232.pdf", "tabula_arabic.pdf", "issue7229.pdf"}

// BenchmarkFirstPage: what the file follower does per PDF (open, count
// pages, render the first page into 240 × 340, encode PNG), over the
// corpus, beside poppler's pdfinfo + pdftoppm doing the same in the same
// run. One op is the whole corpus.
//
//	go test ./catalog/pdfdoc -run '^$' -bench FirstPage -benchtime 5x -count 5
func BenchmarkFirstPage(b *testing.B) {
	dir, _ := corpus(b)
	b.Run("pdfium-wasm", func(b *testing.B) {
		r := openReader(b, pdfdoc.Options{})
		for b.Loop() {
			for _, name := range benchFiles {
				f, err := os.Open(filepath.Join(dir, name))
				if err != nil {
					b.Fatal(err)
				}
				st, _ := f.Stat()
				err = r.Read(context.Background(), f, st.Size(), func(d *pdfdoc.Document) error {
					img, err := d.RenderPage(0, 240, 340)
					if err != nil {
						return err
					}
					return png.Encode(&bytes.Buffer{}, img)
				})
				f.Close()
				if err != nil {
					b.Fatal(name, err)
				}
			}
		}
	})
	b.Run("poppler", func(b *testing.B) {
		info, err1 := exec.LookPath("pdfinfo")
		ppm, err2 := exec.LookPath("pdftoppm")
		if err1 != nil || err2 != nil {
			b.Skip("poppler-utils is not installed")
		}
		for b.Loop() {
			for _, name := range benchFiles {
				p := filepath.Join(dir, name)
				if out, err := exec.Command(info, p).CombinedOutput(); err != nil {
					b.Fatal(name, err, string(out))
				}
				if out, err := exec.Command(ppm, "-f", "1", "-l", "1", "-scale-to-x", "240", "-scale-to-y", "-1", "-png", p).Output(); err != nil || len(out) == 0 {
					b.Fatal(name, err)
				}
			}
		}
	})
}

// BenchmarkStart: starting the reader, compiling PDFium (cold) or loading
// it from the cache a previous start left (warm).
//
//	go test ./catalog/pdfdoc -run '^$' -bench Start -benchtime 3x -count 3
func BenchmarkStart(b *testing.B) {
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			r, err := pdfdoc.Open(context.Background(), pdfdoc.Options{CacheDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
	})
	b.Run("cached", func(b *testing.B) {
		dir := b.TempDir()
		r, err := pdfdoc.Open(context.Background(), pdfdoc.Options{CacheDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		r.Close()
		for b.Loop() {
			r, err := pdfdoc.Open(context.Background(), pdfdoc.Options{CacheDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
	})
}

// textFiles are the corpus PDFs with a text layer, 462 pages in all.
var textFiles = []string{"tracemonkey.pdf", "freeculture.pdf", "bug1997343.pdf", "pdfplumber_issue-67-example.pdf",
	"issue12823.pdf", "issue16063.pdf", "bug1627427_reduced.pdf", "typst-g7-32_databases-lab_reference.pdf",
	"issue20232.pdf", "tabula_arabic.pdf"}

// BenchmarkPageText: the text of every page of the corpus PDFs with a text
// layer, in PDFium in WebAssembly, beside pdftotext (poppler, a process per
// file) in the same run. One op is the whole corpus; pages/s is reported.
//
//	go test ./catalog/pdfdoc -run '^$' -bench PageText -benchtime 3x -count 5
func BenchmarkPageText(b *testing.B) {
	dir, entries := corpus(b)
	pages := 0
	for _, e := range entries {
		for _, name := range textFiles {
			if e.File == name {
				pages += e.Pages
			}
		}
	}
	b.Run("pdfium-wasm", func(b *testing.B) {
		r := openReader(b, pdfdoc.Options{})
		catalogtest.ResetPeakRSS() // the reading's peak, not compiling PDFium's
		for b.Loop() {
			for _, name := range textFiles {
				f, err := os.Open(filepath.Join(dir, name))
				if err != nil {
					b.Fatal(err)
				}
				st, _ := f.Stat()
				err = r.Read(context.Background(), f, st.Size(), func(d *pdfdoc.Document) error {
					for i := 0; i < d.Pages(); i++ {
						if _, err := d.PageText(i); err != nil {
							return err
						}
					}
					return nil
				})
				f.Close()
				if err != nil {
					b.Fatal(name, err)
				}
			}
		}
		b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
		b.ReportMetric(float64(catalogtest.PeakRSS())/1e6, "peak-RSS-MB")
	})
	b.Run("pdftotext", func(b *testing.B) {
		bin, err := exec.LookPath("pdftotext")
		if err != nil {
			b.Skip("poppler-utils is not installed")
		}
		for b.Loop() {
			for _, name := range textFiles {
				if out, err := exec.Command(bin, "-q", filepath.Join(dir, name), "-").Output(); err != nil || len(out) == 0 {
					b.Fatal(name, err)
				}
			}
		}
		b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
	})
}
