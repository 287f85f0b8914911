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
	"fmt"
	"html"
	"io"
	"os"
	"strings"
	"time"

	"github.com/annals/annals/catalog/i18n"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/csljson"
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
	// Stamp, when set, writes the citation-ready copy of a record's PDF
	// file: the bundle then holds the copies in place of the PDFs, and
	// the untouched PDFs too (under files/ID/original/) with Originals.
	Stamp     func(ctx context.Context, w io.Writer, r *catalog.Record, f *catalog.File) error
	Originals bool
	// RenderPDF, when set, writes the proceedings PDF in place of
	// proceedings.Render (the book with its full papers).
	RenderPDF func(ctx context.Context, w io.Writer) (proceedings.Stats, error)
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
	// Unstamped lists the PDFs that could not be stamped (a password, a
	// damaged file) and went in as they are, saying why.
	Unstamped []Unstamped `json:"unstamped,omitempty"`
}

// Unstamped is a PDF that went into the bundle unstamped.
type Unstamped struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// File is one file of the bundle.
type File struct {
	Name   string `json:"name"`
	Record string `json:"record,omitempty"` // the record a document is a file of
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Stamped: a citation-ready copy of the record's file; Original: the
	// record's file as stored (its SHA-256 is the catalogue's).
	Stamped  bool `json:"stamped,omitempty"`
	Original bool `json:"original,omitempty"`
}

// FilesDir is the folder of the records' files in a bundle.
const FilesDir = "files"

// filePath is where a record's file goes in a bundle.
func filePath(r *catalog.Record, f *catalog.File) string { return FilesDir + "/" + r.ID + "/" + f.Name }

// originalPath is where the untouched PDF goes beside its stamped copy.
func originalPath(r *catalog.Record, f *catalog.File) string {
	return FilesDir + "/" + r.ID + "/original/" + f.Name
}

// Names of the files in a bundle.
const (
	PDFName      = "proceedings.pdf"
	HTMLName     = "bibliography.html"
	TextName     = "bibliography.txt"
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
	render := c.RenderPDF
	if render == nil {
		render = func(ctx context.Context, w io.Writer) (proceedings.Stats, error) {
			return proceedings.Render(ctx, w, d, proceedings.Options{Fonts: c.Fonts, Words: c.Words, Progress: c.Progress})
		}
	}
	err := add(PDFName, func(w io.Writer) error {
		st, err := render(ctx, w)
		m.Pages = st.Pages
		return err
	})
	if err != nil {
		return Manifest{}, err
	}
	if c.Files != nil {
		if err := addDocuments(ctx, z, &m, &c); err != nil {
			return Manifest{}, err
		}
	}
	if d.Style != nil {
		if err := add(HTMLName, func(w io.Writer) error { return writeBibliography(w, d, "html") }); err != nil {
			return Manifest{}, err
		}
		if err := add(TextName, func(w io.Writer) error { return writeBibliography(w, d, "text") }); err != nil {
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
// from the blob store (PDFs stamped, when c.Stamp is set); bytes that are
// missing are listed in m.Missing.
func addDocuments(ctx context.Context, z *zip.Writer, m *Manifest, c *Contents) error {
	d := c.Document
	today := d.Generated.UTC().Format(time.DateOnly)
	for _, s := range d.Sections {
		for i := range s.Records {
			r := &s.Records[i]
			for j := range r.Files {
				f := &r.Files[j]
				if !catalog.FileOpen(f, today) {
					continue
				}
				stamped := false
				if c.Stamp != nil && f.MediaType == "application/pdf" {
					var err error
					if stamped, err = addStamped(ctx, z, m, c, r, f); err != nil {
						return err
					}
				}
				if stamped && !c.Originals {
					continue
				}
				name := filePath(r, f)
				if stamped {
					name = originalPath(r, f)
				}
				if err := addOriginal(ctx, z, m, c.Files, r, f, name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// addOriginal adds a record's file as stored, under name.
func addOriginal(ctx context.Context, z *zip.Writer, m *Manifest, files catalog.Blobs, r *catalog.Record, f *catalog.File, name string) error {
	blob, err := files.Open(ctx, f.SHA256)
	if catalog.ErrorCode(err) == catalog.ENOTFOUND {
		m.Missing = append(m.Missing, name)
		return nil
	}
	if err != nil {
		return err
	}
	defer blob.Close()
	method := zip.Deflate
	if compressed(f.MediaType) {
		method = zip.Store
	}
	return addFile(z, m, f.Created, File{Name: name, Record: r.ID, Original: true}, method, func(w io.Writer) error {
		_, err := io.Copy(w, blob)
		return err
	})
}

// addStamped adds the citation-ready copy of a record's PDF, made in a
// temporary file first so that a PDF that cannot be stamped leaves no
// half-written entry; false (and a line in m.Unstamped) when it cannot be.
func addStamped(ctx context.Context, z *zip.Writer, m *Manifest, c *Contents, r *catalog.Record, f *catalog.File) (bool, error) {
	tmp, err := os.CreateTemp("", "annals-stamped-*.pdf")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := c.Stamp(ctx, tmp, r, f); err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			m.Missing = append(m.Missing, filePath(r, f))
			return false, nil
		}
		m.Unstamped = append(m.Unstamped, Unstamped{Name: filePath(r, f), Reason: err.Error()})
		return false, nil
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return false, err
	}
	err = addFile(z, m, c.Document.Generated, File{Name: filePath(r, f), Record: r.ID, Stamped: true}, zip.Store, func(w io.Writer) error {
		_, err := io.Copy(w, tmp)
		return err
	})
	return err == nil, err
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
		x.LinkFiles(func(r *catalog.Record, f *catalog.File) string {
			if f == nil {
				return "" // a bundle does not know the catalogue's address
			}
			return filePath(r, f)
		})
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

// writeBibliography writes the document's records as a bibliography in
// its style: "html", a page that stands alone, or "text", an entry a
// line.
func writeBibliography(w io.Writer, d *proceedings.Document, format string) error {
	var items []*csl.Item
	for _, s := range d.Sections {
		for i := range s.Records {
			item, err := csljson.ProcessorItem(&s.Records[i], d.Event)
			if err != nil {
				return err
			}
			items = append(items, item)
		}
	}
	entries := d.Style.Bibliography(items, format)
	if format == "text" {
		for _, e := range entries {
			if _, err := io.WriteString(w, e+"\n"); err != nil {
				return err
			}
		}
		return nil
	}
	title := d.Title
	if title == "" && d.Event != nil {
		title = d.Event.Name
	}
	lang, _, _ := strings.Cut(d.Style.Locale(), "-")
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head><meta charset=\"utf-8\"><title>%s</title>\n"+
		"<style>body{font-family:serif;max-width:46em;margin:2em auto;line-height:1.45}.csl-entry{margin:0 0 .8em;padding-left:2em;text-indent:-2em}</style></head>\n<body>\n<h1>%s</h1>\n",
		html.EscapeString(lang), html.EscapeString(title), html.EscapeString(title))
	for _, e := range entries {
		fmt.Fprintf(w, "<div class=\"csl-entry\">%s</div>\n", e) // the processor escapes the data
	}
	_, err := io.WriteString(w, "</body>\n</html>\n")
	return err
}
