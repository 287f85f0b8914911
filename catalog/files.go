package catalog

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// File is a file attached to a record: the report itself, the slides, the
// signed text of an agreement. Its bytes are a blob addressed by their
// SHA-256 (Blobs); the record lists its files, so attaching one is a
// change of the record like any other.
type File struct {
	// Name is what readers see and download: unique within the record,
	// NFC, without / \ NUL or control characters, not . or .., at most
	// 255 bytes. Cyrillic and Chinese names are normal.
	Name      string `json:"name"`
	MediaType string `json:"media_type"` // sniffed from the bytes, never the client's say
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"` // hex
	Language  string `json:"language,omitempty"`
	Label     string `json:"label"`
	Access    string `json:"access"`
	// EmbargoUntil is the day an embargoed file opens (YYYY-MM-DD).
	EmbargoUntil string `json:"embargo_until,omitempty"`
	// Pages is a PDF's page count, when known.
	Pages   int       `json:"pages,omitempty"`
	Text    *FileText `json:"text,omitempty"`
	Created time.Time `json:"created"`
}

// FileText is where the extraction of a file's text stands.
type FileText struct {
	State      string `json:"state"` // pending, extracting, done, no-text, failed
	Pages      int    `json:"pages,omitempty"`
	Characters int    `json:"characters,omitempty"`
	Language   string `json:"language,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Labels of a file: what it is to the record.
const (
	LabelFulltext      = "fulltext"
	LabelSlides        = "slides"
	LabelAgreementText = "agreement-text"
	LabelSupplement    = "supplement"
	LabelOther         = "other"
)

// FileLabels lists the labels.
func FileLabels() []string {
	return []string{LabelFulltext, LabelSlides, LabelAgreementText, LabelSupplement, LabelOther}
}

// Access to a file.
const (
	AccessOpen       = "open"       // anyone who may see the record
	AccessEmbargoed  = "embargoed"  // librarians until EmbargoUntil, then anyone
	AccessRestricted = "restricted" // librarians only
)

// MaxFileName is the longest file name, in bytes.
const MaxFileName = 255

// CheckFileName says what is wrong with a file name ("" when nothing is).
// The caller normalises it to NFC first.
func CheckFileName(name string) string {
	switch {
	case name == "":
		return "is required"
	case !utf8.ValidString(name):
		return "is not valid UTF-8"
	case len(name) > MaxFileName:
		return fmt.Sprintf("is %d bytes long; at most %d are allowed", len(name), MaxFileName)
	case name == "." || name == "..":
		return "cannot be . or .."
	case strings.ContainsAny(name, `/\`):
		return `cannot contain / or \`
	case strings.ContainsFunc(name, unicode.IsControl):
		return "cannot contain control characters (NUL, tabs, line breaks...)"
	case strings.TrimSpace(name) != name || strings.HasSuffix(name, "."):
		return "cannot begin or end with a space, or end with a dot"
	}
	return ""
}

// NormalizeFile tidies the fields a librarian sets.
func NormalizeFile(f *File) {
	f.Label = strings.TrimSpace(f.Label)
	if f.Label == "" {
		f.Label = LabelOther
	}
	f.Access = strings.TrimSpace(f.Access)
	if f.Access == "" {
		f.Access = AccessOpen
	}
	f.Language = canonicalLanguage(f.Language)
	f.EmbargoUntil = strings.TrimSpace(f.EmbargoUntil)
}

// ValidateFile checks a file's own fields; field names are prefixed with
// prefix ("files[2]."). EINVALID naming each field, or nil.
func ValidateFile(f *File, prefix string) error {
	var fe fieldErrors
	validateFile(&fe, f, prefix)
	return InvalidFields(fe)
}

func validateFile(fe *fieldErrors, f *File, prefix string) {
	if why := CheckFileName(f.Name); why != "" {
		fe.add(prefix+"name", "%s", why)
	}
	if !contains(FileLabels(), f.Label) {
		fe.add(prefix+"label", "%q is not a label; use one of %s", f.Label, strings.Join(FileLabels(), ", "))
	}
	fe.language(prefix+"language", f.Language)
	switch f.Access {
	case AccessOpen, AccessRestricted:
		if f.EmbargoUntil != "" {
			fe.add(prefix+"embargo_until", "is only for access embargoed")
		}
	case AccessEmbargoed:
		if len(f.EmbargoUntil) != 10 || !ValidDate(f.EmbargoUntil) {
			fe.add(prefix+"embargo_until", "%q must be the day the file opens, YYYY-MM-DD", f.EmbargoUntil)
		}
	default:
		fe.add(prefix+"access", "%q is not an access; use open, embargoed (with embargo_until) or restricted", f.Access)
	}
	if len(f.SHA256) != 64 || strings.Trim(f.SHA256, "0123456789abcdef") != "" {
		fe.add(prefix+"sha256", "must be 64 lower-case hex digits")
	}
	if f.Size < 0 {
		fe.add(prefix+"size", "cannot be negative")
	}
}

// validateFiles checks a record's files: each file, and names unique.
func validateFiles(fe *fieldErrors, files []File) {
	seen := map[string]bool{}
	for i := range files {
		prefix := fmt.Sprintf("files[%d].", i)
		validateFile(fe, &files[i], prefix)
		if seen[files[i].Name] {
			fe.add(prefix+"name", "%q is the name of another file of this record", files[i].Name)
		}
		seen[files[i].Name] = true
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// FileOpen reports whether f may be read by someone who may see its record
// but is not a librarian, on day today (YYYY-MM-DD).
func FileOpen(f *File, today string) bool {
	switch f.Access {
	case AccessOpen:
		return true
	case AccessEmbargoed:
		return f.EmbargoUntil != "" && today >= f.EmbargoUntil
	}
	return false
}

// FindFile returns the file of r with the name, and its index.
func (r *Record) FindFile(name string) (*File, int) {
	for i := range r.Files {
		if r.Files[i].Name == name {
			return &r.Files[i], i
		}
	}
	return nil, -1
}

// MoveFile moves the file at from to the place to in files (both 0-based
// and within files), keeping the others in order.
func MoveFile(files []File, from, to int) {
	f := files[from]
	if from < to {
		copy(files[from:to], files[from+1:to+1])
	} else {
		copy(files[to+1:from+1], files[to:from])
	}
	files[to] = f
}

// FileReferences finds the blobs the catalogue names.
type FileReferences interface {
	// ForEachFileReference calls fn once for each SHA-256 that a file of
	// any version of any record (the current ones and every one in the
	// change log) names. Bytes no version names are orphans.
	ForEachFileReference(ctx context.Context, fn func(sha256 string) error) error
}

// Blob is what a blob store knows of stored bytes.
type Blob struct {
	SHA256 string // hex
	Size   int64
	// Modified is when the bytes were stored (List gives it; zero when
	// not known).
	Modified time.Time
}

// BlobReader reads a stored blob from any position.
type BlobReader interface {
	io.ReadSeekCloser
	Size() int64
}

// Blobs stores the bytes of files by their SHA-256, each once however many
// records attach them: on disk by default, in S3-compatible storage for
// several nodes. Implementations never hold a whole blob in memory.
type Blobs interface {
	// Put stores the bytes read from r: at most max bytes (ETOOLARGE past
	// it, nothing stored). When want is not empty, it is the SHA-256 the
	// client says the bytes have; a mismatch stores nothing (EMALFORMED).
	Put(ctx context.Context, r io.Reader, max int64, want string) (Blob, error)
	// Open opens a blob. ENOTFOUND.
	Open(ctx context.Context, sha256 string) (BlobReader, error)
	// Delete removes a blob; removing one that is not there is not an error.
	Delete(ctx context.Context, sha256 string) error
	// List calls fn for every blob stored, in no particular order.
	List(ctx context.Context, fn func(Blob) error) error
}
