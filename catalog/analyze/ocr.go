package analyze

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/annals/annals/catalog/pdfdoc"
)

// OCR reads the text of page images with tesseract, when it is installed:
// scans have no text layer, and OCR is how they become searchable.
type OCR struct {
	bin   string
	langs string // tesseract's -l: the models installed among those the catalogue needs
}

// ocrLanguages are tesseract's models for the catalogue's languages, in
// the order they are tried together.
var ocrLanguages = []string{"rus", "chi_sim", "eng"}

// FindOCR finds tesseract and the models of Russian, Chinese and English
// it has; false when it is not installed (scans then stay no-text).
func FindOCR(ctx context.Context) (*OCR, bool) {
	bin, err := exec.LookPath("tesseract")
	if err != nil {
		return nil, false
	}
	out, err := exec.CommandContext(ctx, bin, "--list-langs").CombinedOutput()
	if err != nil {
		return nil, false
	}
	have := strings.Fields(string(out))
	var langs []string
	for _, l := range ocrLanguages {
		if slices.Contains(have, l) {
			langs = append(langs, l)
		}
	}
	if len(langs) == 0 {
		return nil, false
	}
	return &OCR{bin: bin, langs: strings.Join(langs, "+")}, true
}

// Languages says which models OCR uses ("rus+chi_sim+eng").
func (o *OCR) Languages() string { return o.langs }

// OCR limits: pages read of one scan, the size pages are drawn at (about
// 240 dpi for A4), and the time one page may take.
const (
	maxOCRPages   = 300
	ocrPageWidth  = 2000
	ocrPageHeight = 2800
	ocrPageTime   = 2 * time.Minute
)

// drawPages draws up to maxOCRPages pages of the document as PNG files in
// dir (page-0001.png...), inside the PDF reader's sandbox and time limit.
func drawPages(d *pdfdoc.Document, dir string) (int, error) {
	n := min(d.Pages(), maxOCRPages)
	for i := 0; i < n; i++ {
		img, err := d.RenderPage(i, ocrPageWidth, ocrPageHeight)
		if err != nil {
			return i, err
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return i, err
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("page-%04d.png", i+1)), buf.Bytes(), 0o600); err != nil {
			return i, err
		}
	}
	return n, nil
}

// readPages reads the text of the n page images in dir, one tesseract
// run a page.
func (o *OCR) readPages(ctx context.Context, dir string, n int) ([]string, error) {
	texts := make([]string, n)
	for i := range texts {
		pctx, cancel := context.WithTimeout(ctx, ocrPageTime)
		cmd := exec.CommandContext(pctx, o.bin, filepath.Join(dir, fmt.Sprintf("page-%04d.png", i+1)), "stdout", "-l", o.langs)
		// tesseract's OpenMP threads spin against each other: one page
		// took 83 s with them and 9 s with one thread on 2 cores.
		cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("OCR of page %d: %v %s", i+1, err, strings.TrimSpace(stderr.String()))
		}
		texts[i] = strings.TrimSpace(string(out))
	}
	return texts, nil
}
