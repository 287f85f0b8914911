package catalog_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
)

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")

// TestResolveLinkedFiles: files another tool linked to (a BibTeX file
// field, a RIS L1) are found among the import's files by the longest tail
// of an absolute path; a web link, or any when the import came without
// files, leaves the record without it and warns; one that cannot be found
// where files came fails its item by name.
func TestResolveLinkedFiles(t *testing.T) {
	ctx := context.Background()
	store, err := blobs.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files := fstest.MapFS{
		"ABCD1234/Иванов - 2025.pdf": {Data: pdfBytes},
		"EFGH5678/paper.pdf":         {Data: pdfBytes},
		"paper.pdf":                  {Data: []byte("not the one")},
	}
	linked := func(paths ...string) []catalog.ImportFile {
		var out []catalog.ImportFile
		for _, p := range paths {
			out = append(out, catalog.ImportFile{Path: p, Linked: true})
		}
		return out
	}
	items := []catalog.ImportItem{
		{Files: linked("/home/anna/Zotero/storage/ABCD1234/Иванов - 2025.pdf", `C:\Users\anna\Zotero\storage\EFGH5678\paper.pdf`)},
		{Files: linked("https://annals.example/records/x/files/a.pdf", "ABCD1234/Иванов - 2025.pdf")},
		{Files: linked("/home/anna/elsewhere/missing.pdf")},
		{Files: []catalog.ImportFile{{Path: "https://annals.example/a.pdf"}}}, // a JSON path is never a link
	}
	if err := catalog.ResolveImportFiles(ctx, items, files, store, 1<<20, false); err != nil {
		t.Fatal(err)
	}
	first := items[0]
	if len(first.Errors) > 0 || len(first.Warnings) > 0 || len(first.Files) != 2 {
		t.Fatalf("Zotero paths: %+v", first)
	}
	for i, name := range []string{"Иванов - 2025.pdf", "paper.pdf"} {
		f := first.Files[i].File
		if f.Name != name || f.MediaType != "application/pdf" || f.Size != int64(len(pdfBytes)) {
			t.Errorf("file %d stored as %+v, want %s, the PDF of the longest tail", i, f, name)
		}
		r, err := store.Open(ctx, f.SHA256)
		if err != nil {
			t.Fatalf("%s not in the blob store: %v", name, err)
		}
		got, _ := io.ReadAll(r)
		r.Close()
		if string(got) != string(pdfBytes) {
			t.Errorf("%s stored as %q", name, got)
		}
	}
	if it := items[1]; len(it.Errors) > 0 || len(it.Files) != 1 || len(it.Warnings) != 1 ||
		it.Warnings[0].Field != "files[0]" || !strings.Contains(it.Warnings[0].Message, "web link") {
		t.Errorf("a web link and a file: %+v", it)
	}
	if it := items[2]; len(it.Errors) != 1 || !strings.Contains(it.Errors[0].Message, "missing.pdf") {
		t.Errorf("a missing file, with files given: %+v", it)
	}
	if it := items[3]; len(it.Errors) != 1 || len(it.Warnings) != 0 {
		t.Errorf("a URL as a JSON path: %+v", it)
	}

	// Without files, every linked file is left out with a warning and
	// the record imports; a JSON path still fails its item.
	items = []catalog.ImportItem{
		{Files: linked("/home/anna/Zotero/storage/ABCD1234/a.pdf", "b.pdf")},
		{Files: []catalog.ImportFile{{Path: "b.pdf"}}},
	}
	if err := catalog.ResolveImportFiles(ctx, items, nil, store, 1<<20, false); err != nil {
		t.Fatal(err)
	}
	if it := items[0]; len(it.Errors) > 0 || len(it.Files) != 0 || len(it.Warnings) != 2 ||
		!strings.Contains(it.Warnings[1].Message, "came without its files") {
		t.Errorf("linked files without the import's files: %+v", it)
	}
	if it := items[1]; len(it.Errors) != 1 {
		t.Errorf("a JSON path without the import's files: %+v", it)
	}
}

// TestMoveFile moves a file up and down a list, keeping the others' order.
func TestMoveFile(t *testing.T) {
	names := func(files []catalog.File) string {
		var out []string
		for _, f := range files {
			out = append(out, f.Name)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		from, to int
		want     string
	}{{0, 3, "b c d a"}, {3, 0, "d a b c"}, {1, 2, "a c b d"}, {2, 2, "a b c d"}} {
		files := []catalog.File{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}}
		catalog.MoveFile(files, tc.from, tc.to)
		if got := names(files); got != tc.want {
			t.Errorf("%d to %d: %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
}
