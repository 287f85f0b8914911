// Package bundle writes a citation-ready ZIP: the proceedings PDF, the
// records' open files (files/RECORD-ID/NAME), the same records as
// BibLaTeX, RIS and CSL-JSON for reference managers (linking those files,
// so that Zotero or JabRef importing references.bib attaches them), and a
// manifest with each file's size and SHA-256.
package bundle

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/annals/annals/catalog/i18n"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/typeset"
)

// Contents are what a bundle is made of.
type Contents struct {
	Document *proceedings.Document
	Fonts    *typeset.Set
	Words    *i18n.Words // the PDF's own words
	// Selection, Style and Locale are recorded in the manifest.
	Selection any
	Style     string
	Locale    string
	// Progress is told of the PDF's progress.
	Progress func(done, total int)
	// Files, when set, holds the bytes of the records' files: their open
	// files go into the bundle.
	Files catalog.Blobs
}

// Manifest describes a bundle; it is the bundle's manifest.json.
type Manifest struct {
	Generated time.Time `json:"generated"`
	Selection any       `json:"selection,omitempty"`
	Style     string    `json:"style,omitempty"`
	Locale    string    `json:"locale,omitempty"`
	Records   int       `json:"records"`
	Pages     int       `json:"pages"`
	Files     []File    `json:"files"`
	// Missing lists the records' files whose bytes were not in the store
	// (annals check says more); the bundle was made without them.
	Missing []string `json:"missing,omitempty"`
}

// File is one file of the bundle.
type File struct {
	Name   string `json:"name"`
	Record string `json:"record,omitempty"` // the record a document is a file of
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// FilesDir is the folder of the records' files in a bundle.
const FilesDir = "files"

// filePath is where a record's file goes in a bundle.
func filePath(r *catalog.Record, f *catalog.File) string { return FilesDir + "/" + r.ID + "/" + f.Name }

// Names of the files in a bundle.
const (
	PDFName      = "proceedings.pdf"
	BibTeXName   = "references.bib"
	RISName      = "references.ris"
	CSLJSONName  = "references.json"
	ManifestName = "manifest.json"
)

// Write writes the bundle to out.
func Write(ctx context.Context, out io.Writer, c Contents) (Manifest, error) {
	d := c.Document
	m := Manifest{Generated: d.Generated.UTC(), Selection: c.Selection, Style: c.Style, Locale: c.Locale, Records: d.Entries()}
	z := zip.NewWriter(out)
	add := func(name string, write func(io.Writer) error) error {
		return addFile(z, &m, d.Generated, File{Name: name}, zip.Deflate, write)
	}
	err := add(PDFName, func(w io.Writer) error {
		st, err := proceedings.Render(ctx, w, d, proceedings.Options{Fonts: c.Fonts, Words: c.Words, Progress: c.Progress})
		m.Pages = st.Pages
		return err
	})
	if err != nil {
		return Manifest{}, err
	}
	if c.Files != nil {
		if err := addDocuments(ctx, z, &m, d, c.Files); err != nil {
			return Manifest{}, err
		}
	}
	for _, f := range []struct{ name, format string }{{BibTeXName, "bibtex"}, {RISName, "ris"}, {CSLJSONName, "csl-json"}} {
		if err := add(f.name, func(w io.Writer) error { return writeRecords(ctx, w, f.format, d, c.Files != nil) }); err != nil {
			return Manifest{}, err
		}
	}
	if err := add(ManifestName, func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		e.SetEscapeHTML(false)
		return e.Encode(m)
	}); err != nil {
		return Manifest{}, err
	}
	m.Files = m.Files[:len(m.Files)-1] // the manifest does not list itself
	return m, z.Close()
}

// addFile adds one file to the ZIP, written by write, and lists it in m.
func addFile(z *zip.Writer, m *Manifest, modified time.Time, f File, method uint16, write func(io.Writer) error) error {
	w, err := z.CreateHeader(&zip.FileHeader{Name: f.Name, Method: method, Modified: modified})
	if err != nil {
		return err
	}
	h := sha256.New()
	n := &counter{}
	if err := write(io.MultiWriter(w, h, n)); err != nil {
		return err
	}
	f.Size, f.SHA256 = n.n, hex.EncodeToString(h.Sum(nil))
	m.Files = append(m.Files, f)
	return nil
}

// addDocuments adds the open files of the document's records, streamed
// from the blob store; bytes that are missing are listed in m.Missing.
func addDocuments(ctx context.Context, z *zip.Writer, m *Manifest, d *proceedings.Document, files catalog.Blobs) error {
	today := d.Generated.UTC().Format(time.DateOnly)
	for _, s := range d.Sections {
		for i := range s.Records {
			r := &s.Records[i]
			for j := range r.Files {
				f := &r.Files[j]
				if !catalog.FileOpen(f, today) {
					continue
				}
				blob, err := files.Open(ctx, f.SHA256)
				if catalog.ErrorCode(err) == catalog.ENOTFOUND {
					m.Missing = append(m.Missing, filePath(r, f))
					continue
				}
				if err != nil {
					return err
				}
				method := zip.Deflate
				if compressed(f.MediaType) {
					method = zip.Store
				}
				err = addFile(z, m, f.Created, File{Name: filePath(r, f), Record: r.ID}, method, func(w io.Writer) error {
					_, err := io.Copy(w, blob)
					return err
				})
				blob.Close()
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// compressed says whether a media type's bytes are compressed already
// (deflating them again costs time and saves nothing).
func compressed(mediaType string) bool {
	base, _, _ := strings.Cut(mediaType, ";")
	switch {
	case base == "application/pdf", base == "application/zip", strings.HasPrefix(base, "image/"), strings.HasPrefix(base, "video/"),
		strings.HasPrefix(base, "audio/"), strings.HasPrefix(base, "application/vnd.openxmlformats"), strings.HasPrefix(base, "application/vnd.oasis"):
		return base != "image/svg+xml" && base != "image/bmp"
	}
	return false
}

// writeRecords writes the document's records, in its order, in a format;
// withFiles links each record's open files at their place in the bundle.
func writeRecords(ctx context.Context, w io.Writer, format string, d *proceedings.Document, withFiles bool) error {
	events := func(_ context.Context, id string) *catalog.Event {
		if d.Event != nil && d.Event.ID == id {
			return d.Event
		}
		return nil
	}
	x, err := export.NewWriter(format, w, events)
	if err != nil {
		return err
	}
	if withFiles {
		x.LinkFiles(filePath)
	}
	if err := x.Begin(recordio.Widths{}); err != nil { // widths matter to CSV only
		return err
	}
	for _, s := range d.Sections {
		for i := range s.Records {
			if err := x.Write(ctx, &s.Records[i]); err != nil {
				return err
			}
		}
	}
	return x.End()
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
