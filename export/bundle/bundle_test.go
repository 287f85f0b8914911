package bundle_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/export/bibtex"
	"github.com/annals/annals/export/bundle"
	"github.com/annals/annals/export/proceedings/proceedingstest"
	"github.com/annals/annals/export/ris"
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
	if strings.Join(names, " ") != "proceedings.pdf references.bib references.ris references.json manifest.json" {
		t.Errorf("files %v", names)
	}
	var onDisk bundle.Manifest
	if err := json.Unmarshal(files[bundle.ManifestName], &onDisk); err != nil {
		t.Fatal(err)
	}
	if len(onDisk.Files) != 4 || onDisk.Records != 88 || onDisk.Pages != m.Pages || m.Pages < 90 || onDisk.Style != "apa" {
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
