package analyze

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
	"unicode"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/langid"
	"github.com/annals/annals/catalog/textdoc"
)

// AnalyzeText reads the text of a document that is not a PDF (plain text,
// Markdown, HTML, DOCX, PPTX, ODT, ODP): its pages (slides; parts between
// page breaks) are stored like a PDF's.
func (f *Follower) AnalyzeText(ctx context.Context, sha, mediaType string) (*catalog.FileAnalysis, error) {
	a := &catalog.FileAnalysis{SHA256: sha, State: catalog.FileDone}
	blob, err := f.cfg.Blobs.Open(ctx, sha)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a.State, a.TextState, a.Reason = catalog.FileFailed, catalog.FileFailed, "its bytes are not in the file store (run annals check)"
		a.Analyzed = time.Now().UTC()
		return a, nil
	}
	defer blob.Close()
	pages, err := textdoc.Pages(asReaderAt(blob), blob.Size(), mediaType)
	a.Analyzed = time.Now().UTC()
	if err != nil {
		a.State, a.TextState, a.Reason = catalog.FileFailed, catalog.FileFailed, fmt.Sprintf("its text cannot be read: %v", err)
		return a, nil
	}
	for first := 0; first < len(pages); first += pagesPerSave {
		if err := f.cfg.Analyses.SaveFilePages(ctx, sha, first+1, pages[first:min(first+pagesPerSave, len(pages))]); err != nil {
			return nil, err
		}
	}
	a.Pages = len(pages)
	var lang langid.Detector
	for _, p := range pages {
		a.Characters += letters(p)
		lang.Add(p)
	}
	a.Language = lang.Language()
	a.TextState = catalog.FileDone
	if a.Characters == 0 {
		a.TextState, a.Reason = catalog.FileNoText, "there is no text in it"
	}
	return a, nil
}

// letters counts the letters and digits of text.
func letters(text string) int {
	n := 0
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// asReaderAt reads a blob at any position (ZIP files are read that way).
func asReaderAt(b catalog.BlobReader) io.ReaderAt {
	if ra, ok := b.(io.ReaderAt); ok {
		return ra
	}
	return &seekReaderAt{rs: b}
}

// seekReaderAt reads at a position by seeking; for one reader at a time.
type seekReaderAt struct {
	mu sync.Mutex
	rs io.ReadSeeker
}

func (s *seekReaderAt) ReadAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.rs.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	n, err := io.ReadFull(s.rs, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}
