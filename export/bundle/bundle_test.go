package bundle_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"testing"

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
