package catalog

import (
	"context"
	"time"
)

// FileAnalysis is what Annals learned from a file's bytes, kept by their
// SHA-256: the same bytes attached to two records are read once, and a
// rebuilt index never reads them again. A follower of the change log makes
// analyses in the background (nothing slow or risky runs on the request
// path); pages read the analyses of the files they show.
type FileAnalysis struct {
	SHA256 string
	// State is FileDone or FileFailed (a file with no analysis yet is
	// FilePending).
	State string
	// Pages is a PDF's page count.
	Pages int
	// Reason says why the analysis failed, in words a librarian can act on.
	Reason string
	// Thumbnail is a PNG image of a PDF's first page (empty when there is
	// none).
	Thumbnail []byte
	// TextState is how reading the text went: FileDone, FileNoText (a scan
	// with no text layer) or FileFailed; Characters counts what was read.
	// The text itself is kept page by page (SaveFilePages).
	TextState  string
	Characters int
	// Language is the language the text was detected to be in (ISO 639-1;
	// empty when it could not be told).
	Language string
	Analyzed time.Time
}

// States of a file's analysis (and of its text).
const (
	FilePending = "pending"
	FileDone    = "done"
	FileNoText  = "no-text" // a document with no text to read (a scan: it needs OCR)
	FileFailed  = "failed"
)

// FileAnalyses keeps the analyses of files, and where in the change log
// the follower that makes them has come to.
type FileAnalyses interface {
	// SaveFileAnalysis stores an analysis, replacing one of the same bytes,
	// and in the same transaction appends to the change log an entry
	// {EntityFile, SHA-256, OpAnalyzed} that the search index follows.
	SaveFileAnalysis(ctx context.Context, a *FileAnalysis) error
	// FindFileAnalyses returns the analyses of the given bytes that exist,
	// by SHA-256, without their thumbnails.
	FindFileAnalyses(ctx context.Context, sha256s []string) (map[string]FileAnalysis, error)
	// FindFileThumbnail returns the first-page image of a PDF. ENOTFOUND
	// when there is none (yet).
	FindFileThumbnail(ctx context.Context, sha256 string) ([]byte, error)
	// SaveFilePages stores the text of pages first, first+1, ... (1-based)
	// of the bytes sha256, replacing what was there. The analysis saved
	// after them marks them complete.
	SaveFilePages(ctx context.Context, sha256 string, first int, texts []string) error
	// EachFilePage calls fn with the text of each page of the bytes in
	// order, one page in memory at a time, until fn returns an error.
	EachFilePage(ctx context.Context, sha256 string, fn func(page int, text string) error) error
	// FindFilePage returns the text of one page (1-based) of the bytes.
	// ENOTFOUND when there is no such page.
	FindFilePage(ctx context.Context, sha256 string, page int) (string, error)
	// FindRecordsNamingFile returns the live records (any status) whose
	// current version has a file of the given bytes.
	FindRecordsNamingFile(ctx context.Context, sha256 string) ([]Record, error)
	// FollowerRevision is the last revision of the change log the named
	// follower has handled (0 at first); SetFollowerRevision records it.
	FollowerRevision(ctx context.Context, follower string) (int64, error)
	SetFollowerRevision(ctx context.Context, follower string, revision int64) error
}

// ApplyFileAnalyses sets on each file of r what its analysis learned: a
// PDF's page count, and, when its bytes could not be read, a failed text
// state with the reason. It changes r (a copy the caller holds), never the
// stored record. It says whether anything was set.
func ApplyFileAnalyses(r *Record, analyses map[string]FileAnalysis) bool {
	changed := false
	for i := range r.Files {
		f := &r.Files[i]
		a, ok := analyses[f.SHA256]
		if !ok {
			continue
		}
		changed = true
		if a.Pages > 0 {
			f.Pages = a.Pages
		}
		switch {
		case a.State == FileFailed:
			f.Text = &FileText{State: FileFailed, Reason: a.Reason}
		case a.TextState != "":
			f.Text = &FileText{State: a.TextState, Pages: a.Pages, Characters: a.Characters, Language: a.Language, Reason: a.Reason}
		}
	}
	return changed
}
