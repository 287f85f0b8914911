package bundle_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/export/bibtex"
	"github.com/annals/annals/export/bundle"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/proceedings/proceedingstest"
	"github.com/annals/annals/export/ris"
	"github.com/annals/annals/export/stamp"
)

func TestBundleHoldsThePDFTheReferencesAndAManifest(t *testing.T) {
	d := proceedingstest.SampleDocument(t)
	var buf bytes.Buffer
	m, err := bundle.Write(context.Background(), &buf, bundle.Contents{Document: d, Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t),
		Selection: map[string]string{"event": "jinan-2025"}, Style: "apa", Locale: "en-US"})
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var names []string
	for _, f := range z.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = data
		names = append(names, f.Name)
	}
	if strings.Join(names, " ") != "proceedings.pdf bibliography.html bibliography.txt references.bib references.ris references.json manifest.json" {
		t.Errorf("files %v", names)
	}
	var onDisk bundle.Manifest
	if err := json.Unmarshal(files[bundle.ManifestName], &onDisk); err != nil {
		t.Fatal(err)
	}
	if len(onDisk.Files) != 6 || onDisk.Records != 88 || onDisk.Pages != m.Pages || m.Pages < 40 || onDisk.Style != "apa" {
		t.Errorf("manifest %+v", onDisk)
	}
	for _, f := range onDisk.Files {
		sum := sha256.Sum256(files[f.Name])
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(files[f.Name])) != f.Size {
			t.Errorf("%s: the manifest's size or SHA-256 is wrong", f.Name)
		}
	}
	if !bytes.HasPrefix(files[bundle.PDFName], []byte("%PDF-")) {
		t.Error("the PDF is not a PDF")
	}
	// the bibliography in the bundle's style, a page and a text
	if html := string(files[bundle.HTMLName]); !strings.HasPrefix(html, "<!DOCTYPE html>\n<html lang=\"en\">") || strings.Count(html, `<div class="csl-entry">`) != 88 ||
		!strings.Contains(html, "Белорусы в Китае") {
		t.Errorf("bibliography.html: %.300s", html)
	}
	if txt := string(files[bundle.TextName]); strings.Count(txt, "\n") != 88 || !strings.Contains(txt, "Алдошин") {
		t.Errorf("bibliography.txt: %.300s", txt)
	}
	var items []map[string]any
	if err := json.Unmarshal(files[bundle.CSLJSONName], &items); err != nil || len(items) != 88 {
		t.Errorf("CSL-JSON: %d items, %v", len(items), err)
	}
	// our own readers take the files back, Cyrillic and Chinese intact
	bib, err := bibtex.Read(files[bundle.BibTeXName])
	if err != nil || len(bib) != 88 {
		t.Errorf("BibTeX: %d entries, %v", len(bib), err)
	}
	r, err := ris.Read(files[bundle.RISName])
	if err != nil || len(r) != 88 {
		t.Errorf("RIS: %d records, %v", len(r), err)
	}
	for _, must := range []string{"Алдошин", "中俄人工智能联合实验室共建协议", "Белорусы в Китае"} {
		if !bytes.Contains(files[bundle.BibTeXName], []byte(must)) || !bytes.Contains(files[bundle.RISName], []byte(must)) {
			t.Errorf("%q is missing from the references", must)
		}
	}
}

// TestBundleCarriesTheOpenFiles: the records' open files go into the bundle
// under files/RECORD-ID/NAME, byte for byte (PDFs stored, not deflated
// again; non-ASCII names flagged UTF-8), listed in the manifest with their
// record; references.bib and .ris link them there; restricted and
// embargoed files stay out; bytes missing from the store are listed, not
// fatal.
func TestBundleCarriesTheOpenFiles(t *testing.T) {
	ctx := context.Background()
	store, err := blobs.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := os.ReadFile(catalogtest.SharedPath(t, "corpora", "pdfs", "typst-g7-32_databases-lab_reference.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	blob, err := store.Put(ctx, bytes.NewReader(pdf), 1<<30, "")
	if err != nil {
		t.Fatal(err)
	}
	d := proceedingstest.SampleDocument(t)
	r := &d.Sections[0].Records[0]
	now := time.Now().UTC().Truncate(time.Second)
	r.Files = []catalog.File{
		{Name: "Отчёт 2025.pdf", MediaType: "application/pdf", Size: blob.Size, SHA256: blob.SHA256, Access: catalog.AccessOpen, Created: now},
		{Name: "closed.pdf", MediaType: "application/pdf", Size: blob.Size, SHA256: blob.SHA256, Access: catalog.AccessRestricted, Created: now},
		{Name: "later.pdf", MediaType: "application/pdf", Size: blob.Size, SHA256: blob.SHA256, Access: catalog.AccessEmbargoed, EmbargoUntil: "2999-01-01", Created: now},
		{Name: "gone.pdf", MediaType: "application/pdf", Size: 9, SHA256: strings.Repeat("e", 64), Access: catalog.AccessOpen, Created: now},
	}
	var buf bytes.Buffer
	m, err := bundle.Write(ctx, &buf, bundle.Contents{Document: d, Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t), Files: store})
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := "files/" + r.ID + "/Отчёт 2025.pdf"
	got := map[string]*zip.File{}
	for _, f := range z.File {
		got[f.Name] = f
		if strings.Contains(f.Name, "closed") || strings.Contains(f.Name, "later") {
			t.Errorf("%s is in the bundle", f.Name)
		}
	}
	f := got[want]
	if f == nil {
		t.Fatalf("no %s in %v", want, m.Files)
	}
	rc, _ := f.Open()
	data, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(data, pdf) || f.Method != zip.Store || f.NonUTF8 || f.Flags&0x800 == 0 {
		t.Errorf("%s: %d bytes (want %d), method %d, flags %x", want, len(data), len(pdf), f.Method, f.Flags)
	}
	listed := false
	for _, mf := range m.Files {
		if mf.Name == want && mf.Record == r.ID && mf.SHA256 == blob.SHA256 && mf.Size == blob.Size {
			listed = true
		}
	}
	if !listed || len(m.Missing) != 1 || m.Missing[0] != "files/"+r.ID+"/gone.pdf" {
		t.Errorf("manifest: %+v, missing %v", m.Files, m.Missing)
	}
	for _, name := range []string{bundle.BibTeXName, bundle.RISName} {
		rc, _ := got[name].Open()
		refs, _ := io.ReadAll(rc)
		rc.Close()
		if !strings.Contains(string(refs), "files/"+r.ID+"/Отчёт 2025.pdf") {
			t.Errorf("%s does not link the file", name)
		}
	}
}

// TestBundleStampsThePDFs: with a stamper, each open PDF is in the bundle
// as its citation-ready copy (listed as stamped) and, asked for, as the
// original beside it; a PDF that cannot be stamped goes in as it is,
// listed with the reason.
func TestBundleStampsThePDFs(t *testing.T) {
	ctx := context.Background()
	store, err := blobs.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	put := func(name string) (catalog.Blob, []byte) {
		data, err := os.ReadFile(catalogtest.SharedPath(t, "corpora", "pdfs", name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := store.Put(ctx, bytes.NewReader(data), 1<<30, "")
		if err != nil {
			t.Fatal(err)
		}
		return b, data
	}
	open, pdf := put("tracemonkey.pdf")
	locked, lockedBytes := put("pdfplumber_password-example.pdf")
	d := proceedingstest.SampleDocument(t)
	r := &d.Sections[0].Records[0]
	r.Files = []catalog.File{
		{Name: "paper.pdf", MediaType: "application/pdf", Size: open.Size, SHA256: open.SHA256, Access: catalog.AccessOpen},
		{Name: "locked.pdf", MediaType: "application/pdf", Size: locked.Size, SHA256: locked.SHA256, Access: catalog.AccessOpen},
	}
	stamper := stamp.New(stamp.Config{Blobs: store, CacheDir: t.TempDir(), Catalogue: "Annals",
		Render: proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)},
		PDF: func(ctx context.Context) (*pdfdoc.Reader, error) {
			return pdfdoc.Open(ctx, pdfdoc.Options{CacheDir: filepath.Join(os.TempDir(), "annals-test-pdfium-cache")})
		}})
	defer stamper.Close()
	stampFile := func(ctx context.Context, w io.Writer, rec *catalog.Record, f *catalog.File) error {
		return stamper.Write(ctx, w, stamp.Request{Record: rec, Event: d.Event, File: *f, Style: d.Style, StyleID: "apa", Language: "en",
			URL: "https://annals.example/records/" + rec.ID})
	}
	var buf bytes.Buffer
	m, err := bundle.Write(ctx, &buf, bundle.Contents{Document: d, Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t),
		Files: store, Stamp: stampFile, Originals: true})
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		for _, f := range z.File {
			if f.Name == name {
				rc, _ := f.Open()
				defer rc.Close()
				data, _ := io.ReadAll(rc)
				return data
			}
		}
		t.Errorf("no %s in the bundle", name)
		return nil
	}
	dir := "files/" + r.ID + "/"
	stamped := read(dir + "paper.pdf")
	if !bytes.HasPrefix(stamped, []byte("%PDF-")) || bytes.Equal(stamped, pdf) || !regexp.MustCompile(`/Subtype\s*/Stamp`).Match(stamped) {
		t.Errorf("paper.pdf is not a stamped copy (%d bytes)", len(stamped))
	}
	if !bytes.Equal(read(dir+"original/paper.pdf"), pdf) || !bytes.Equal(read(dir+"locked.pdf"), lockedBytes) {
		t.Error("the originals are not the stored bytes")
	}
	kinds := map[string]string{}
	for _, f := range m.Files {
		kinds[f.Name] = fmt.Sprintf("stamped=%v original=%v", f.Stamped, f.Original)
	}
	if kinds[dir+"paper.pdf"] != "stamped=true original=false" || kinds[dir+"original/paper.pdf"] != "stamped=false original=true" ||
		kinds[dir+"locked.pdf"] != "stamped=false original=true" {
		t.Errorf("manifest: %v", kinds)
	}
	if len(m.Unstamped) != 1 || m.Unstamped[0].Name != dir+"locked.pdf" || !strings.Contains(m.Unstamped[0].Reason, "password") {
		t.Errorf("unstamped: %+v", m.Unstamped)
	}
}
