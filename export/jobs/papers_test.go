package jobs

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/proceedings/proceedingstest"
	"github.com/annals/annals/export/stamp"
)

// TestFullPapersAndStampedBundles: with files and PDFium, a proceedings
// job with full_papers carries the papers (and says which it left out and
// why), and a bundle holds the stamped PDFs and the originals asked for.
func TestFullPapersAndStampedBundles(t *testing.T) {
	ctx := context.Background()
	store := sampleStore(t)
	files, err := blobs.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	attach := func(id, corpusFile string) {
		f, err := os.Open(catalogtest.SharedPath(t, "corpora", "pdfs", corpusFile))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		b, err := files.Put(ctx, f, 1<<30, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = store.SetRecordFiles(ctx, id, 0, func(fs []catalog.File) ([]catalog.File, error) {
			return append(fs, catalog.File{Name: corpusFile, MediaType: "application/pdf", Size: b.Size, SHA256: b.SHA256,
				Label: catalog.LabelFulltext, Access: catalog.AccessOpen}), nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	attach("jinan-2025-aldoshin", "tracemonkey.pdf")
	attach("jinan-2025-belarusians-in-china", "pdfplumber_password-example.pdf")
	stamper := stamp.New(stamp.Config{Blobs: files, CacheDir: t.TempDir(), Catalogue: "Annals",
		Render: proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)},
		PDF: func(ctx context.Context) (*pdfdoc.Reader, error) {
			return pdfdoc.Open(ctx, pdfdoc.Options{CacheDir: filepath.Join(os.TempDir(), "annals-test-pdfium-cache")})
		}})
	defer stamper.Close()
	r := newRunner(t, store, t.TempDir(), func(c *Config) { c.Blobs, c.Stamper, c.BaseURL = files, stamper, "https://annals.example" })
	start(t, r)

	j, err := r.Submit(ctx, Request{Kind: KindProceedings, Event: "jinan-2025", FullPapers: true}, "test")
	if err != nil {
		t.Fatal(err)
	}
	done := wait(t, store, j.ID)
	if done.Status != catalog.JobDone || len(done.Warnings) != 1 || !strings.Contains(done.Warnings[0], "jinan-2025-belarusians-in-china") ||
		!strings.Contains(done.Warnings[0], "password") {
		t.Fatalf("proceedings with papers: %+v", done)
	}
	pdf, _ := os.ReadFile(r.Path(done))
	if len(pdf) < 1_000_000 || !bytes.HasPrefix(pdf, []byte("%PDF-")) { // tracemonkey's 1 MB is in the book
		t.Errorf("the book is %d bytes: the paper is not in it", len(pdf))
	}

	b, err := r.Submit(ctx, Request{Kind: KindBundle, IDs: []string{"jinan-2025-aldoshin", "jinan-2025-belarusians-in-china"}, Originals: true}, "test")
	if err != nil {
		t.Fatal(err)
	}
	done = wait(t, store, b.ID)
	if done.Status != catalog.JobDone || len(done.Warnings) != 1 || !strings.Contains(done.Warnings[0], "is not stamped") {
		t.Fatalf("bundle: %+v", done)
	}
	z, err := zip.OpenReader(r.Path(done))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	names := map[string]bool{}
	for _, f := range z.File {
		names[f.Name] = true
	}
	for _, want := range []string{"files/jinan-2025-aldoshin/tracemonkey.pdf", "files/jinan-2025-aldoshin/original/tracemonkey.pdf",
		"files/jinan-2025-belarusians-in-china/pdfplumber_password-example.pdf", "bibliography.html"} {
		if !names[want] {
			t.Errorf("the bundle lacks %s: %v", want, names)
		}
	}
	if _, err := r.Submit(ctx, Request{Kind: KindProceedings, Event: "jinan-2025", Originals: true}, "test"); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("originals in a PDF: %v", err)
	}
}
