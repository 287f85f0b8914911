package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/sqlite"
)

// TestBackupRestoreAndCheckWithFiles: a backup taken while the server
// runs holds the database and every file it names (not the orphans);
// restored into a new data directory, the catalogue serves the same bytes;
// check finds every file whole, then a damaged one.
func TestBackupRestoreAndCheckWithFiles(t *testing.T) {
	dir := t.TempDir()
	token := createToken(t, dir)
	s := startServer(t, dir, "--sample")
	pdf := []byte("%PDF-1.4 uploaded while serving")
	req, _ := http.NewRequest("PUT", s.url+"/api/v1/records/jinan-2025-aldoshin/files/speech.pdf", bytes.NewReader(pdf))
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("upload: %v %v", resp, err)
	}
	// An orphan: bytes no version names.
	orphan := []byte("left over")
	sum := sha256.Sum256(orphan)
	osha := hex.EncodeToString(sum[:])
	os.MkdirAll(filepath.Join(dir, "files", osha[:2], osha[2:4]), 0o700)
	os.WriteFile(filepath.Join(dir, "files", osha[:2], osha[2:4], osha), orphan, 0o600)

	bin := annalsBinary(t)
	out, err := exec.Command(bin, "check", "--data", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "14 files named by the catalogue: 14 whole, 0 missing, 0 damaged; 1 stored files") ||
		!strings.Contains(string(out), "orphan   "+osha) {
		t.Fatalf("check: %v\n%s", err, out)
	}
	archive := filepath.Join(t.TempDir(), "annals.tar")
	if out, err := exec.Command(bin, "backup", "--data", dir, archive).CombinedOutput(); err != nil || !strings.Contains(string(out), "14 files") {
		t.Fatalf("backup while serving: %v %s", err, out)
	}
	s.cmd.Process.Kill()
	<-s.done

	if out, err := exec.Command(bin, "restore", "--data", dir, archive).CombinedOutput(); err == nil || !strings.Contains(string(out), "holds a catalogue already") {
		t.Errorf("restore over a catalogue: %v %s", err, out)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if out, err := exec.Command(bin, "restore", "--data", restored, archive).CombinedOutput(); err != nil {
		t.Fatalf("restore: %v %s", err, out)
	}
	out, err = exec.Command(bin, "check", "--data", restored).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "14 whole, 0 missing, 0 damaged; 0 stored files") {
		t.Errorf("check of the restored directory: %v\n%s", err, out)
	}
	s2 := startServer(t, restored)
	resp, err := http.Get(s2.url + "/records/jinan-2025-aldoshin/files/speech.pdf")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, pdf) {
		t.Errorf("the restored file: %d %q", resp.StatusCode, got)
	}
	s2.cmd.Process.Kill()
	<-s2.done

	// Damage one stored file: check says so and fails.
	psum := sha256.Sum256(pdf)
	psha := hex.EncodeToString(psum[:])
	os.WriteFile(filepath.Join(restored, "files", psha[:2], psha[2:4], psha), []byte("bit rot"), 0o600)
	out, err = exec.Command(bin, "check", "--data", restored).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "damaged  "+psha) {
		t.Errorf("check of a damaged file: %v\n%s", err, out)
	}
}

// TestOrphansAreRemovedAfterTheirGrace: bytes no version names are removed
// once older than the grace period; younger ones and named ones stay.
func TestOrphansAreRemovedAfterTheirGrace(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	files, _ := blobs.OpenDisk(filepath.Join(dir, "files"))
	put := func(s string) catalog.Blob {
		b, err := files.Put(ctx, strings.NewReader(s), 100, "")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	named, old, young := put("named"), put("old orphan"), put("young orphan")
	ev := catalog.Event{ID: "e", Name: "E"}
	store.CreateEvent(ctx, &ev)
	r := catalog.Record{ID: "r", Kind: catalog.KindOther, Title: "R"}
	if err := store.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetRecordFiles(ctx, "r", 0, func([]catalog.File) ([]catalog.File, error) {
		return []catalog.File{{Name: "a.txt", SHA256: named.SHA256, Size: named.Size, MediaType: "text/plain"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-10 * 24 * time.Hour)
	for _, b := range []catalog.Blob{named, old} {
		os.Chtimes(filepath.Join(dir, "files", b.SHA256[:2], b.SHA256[2:4], b.SHA256), past, past)
	}
	n, err := collectOrphans(ctx, store, store, files, 7*24*time.Hour, time.Now())
	if err != nil || n != 1 {
		t.Fatalf("removed %d, %v; want the old orphan only", n, err)
	}
	for b, want := range map[catalog.Blob]bool{named: true, old: false, young: true} {
		if _, err := files.Open(ctx, b.SHA256); (err == nil) != want {
			t.Errorf("blob %s… present %v, want %v", b.SHA256[:8], err == nil, want)
		}
	}
}

// TestKillDuringUpload: kill -9 while a file is arriving; after a restart
// the file is either whole or absent, no temporary file is left, and check
// finds nothing missing or damaged.
func TestKillDuringUpload(t *testing.T) {
	dir := t.TempDir()
	token := createToken(t, dir)
	s := startServer(t, dir, "--sample")
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("PUT", s.url+"/api/v1/records/jinan-2025-aldoshin/files/half.bin", pr)
	req.Header.Set("Authorization", "Bearer "+token)
	go http.DefaultClient.Do(req)
	chunk := bytes.Repeat([]byte("h"), 1<<20)
	for range 5 {
		pw.Write(chunk) // 5 MB arrive, then the server dies mid-upload
	}
	time.Sleep(200 * time.Millisecond)
	s.cmd.Process.Kill()
	<-s.done
	pw.Close()
	s2 := startServer(t, dir)
	if left, _ := filepath.Glob(filepath.Join(dir, "files", "tmp", "*")); len(left) != 0 {
		t.Errorf("temporary files left after the restart: %v", left)
	}
	resp, err := http.Get(s2.url + "/api/v1/records/jinan-2025-aldoshin/files/half.bin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("a file whose upload was killed half way: %d", resp.StatusCode)
	}
	if out, err := exec.Command(annalsBinary(t), "check", "--data", dir).CombinedOutput(); err != nil || !strings.Contains(string(out), "0 missing, 0 damaged") {
		t.Errorf("check after the kill: %v\n%s", err, out)
	}
}

// TestImportWithFiles: records that name their files by path are imported
// with them from --files DIR (a dry run stores nothing); a record naming a
// missing file fails, naming it; a record naming bytes the catalogue holds
// already (its own export) is imported without them.
func TestImportWithFiles(t *testing.T) {
	dir := t.TempDir()
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "pdf"), 0o755)
	os.WriteFile(filepath.Join(src, "pdf", "report.pdf"), []byte("%PDF-1.4 report"), 0o644)
	os.WriteFile(filepath.Join(src, "notes.md"), []byte("# Notes"), 0o644)
	records := filepath.Join(t.TempDir(), "records.json")
	os.WriteFile(records, []byte(`[
 {"id":"with-files","kind":"report","status":"published","title":"Отчёт","contributors":[{"family":"Иванов"}],
  "files":[{"name":"Отчёт.pdf","path":"pdf/report.pdf","label":"fulltext","language":"ru"},{"path":"notes.md"}]},
 {"id":"missing","kind":"report","title":"Missing","contributors":[{"family":"Smith"}],"files":[{"path":"nope.pdf"}]},
 {"id":"escape","kind":"report","title":"Escape","contributors":[{"family":"Smith"}],"files":[{"path":"../../etc/passwd"}]}
]`), 0o644)
	code, stdout, _ := runCLI(t, dir, "import", "--dry-run", "--files", src, records)
	if code != 1 || !strings.Contains(stdout, "would import 1 of 3 records, 2 failed; files: 2") || !strings.Contains(stdout, `files[0]: "nope.pdf" is not among the import's files`) ||
		!strings.Contains(stdout, "is not a path inside the import's files") {
		t.Fatalf("dry run: %d %s", code, stdout)
	}
	if blobs, _ := filepath.Glob(filepath.Join(dir, "files", "*", "*", "*")); len(blobs) != 0 {
		t.Errorf("a dry run stored %d files", len(blobs))
	}
	if code, stdout, _ = runCLI(t, dir, "import", "--files", src, records); code != 1 || !strings.Contains(stdout, "imported 1 of 3") {
		t.Fatalf("import: %d %s", code, stdout)
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := store.FindRecordByID(context.Background(), "with-files")
	store.Close()
	if err != nil || len(r.Files) != 2 || r.Files[0].Name != "Отчёт.pdf" || r.Files[0].MediaType != "application/pdf" ||
		r.Files[0].Label != "fulltext" || r.Files[1].Name != "notes.md" || r.Files[1].Size != 7 || r.Version != 1 {
		t.Fatalf("the imported record: %+v %v", r, err)
	}
	// Its own export, imported back into the same catalogue without files: the bytes are there.
	exported := filepath.Join(t.TempDir(), "again.ndjson")
	if code, _, stderr := runCLI(t, dir, "export", "--format", "ndjson", "-o", exported); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	data, _ := os.ReadFile(exported)
	os.WriteFile(exported, bytes.ReplaceAll(data, []byte(`"id":"with-files"`), []byte(`"id":"with-files-again"`)), 0o644)
	if code, stdout, _ = runCLI(t, dir, "import", exported); code != 0 || !strings.Contains(stdout, "imported 1 of 1") {
		t.Errorf("re-import of the catalogue's own export: %d %s", code, stdout)
	}
}

// TestImportBibTeXWithLinkedFiles imports a real JabRef library whose
// entries link their PDFs (file = {:name.pdf:PDF}): without --files every
// record imports and each link is reported as not attached; with --files
// the PDFs found are attached as the records' full text, and the records
// whose PDFs are missing fail, naming them.
func TestImportBibTeXWithLinkedFiles(t *testing.T) {
	bib := catalogtest.SharedPath(t, "corpora", "bibliographic", "jabref_jabref-authors.bib")
	code, stdout, _ := runCLI(t, t.TempDir(), "import", bib)
	if code != 0 || !strings.Contains(stdout, "imported 212 of 212 records, 0 failed") ||
		!strings.Contains(stdout, `warning: item 112 (benkerfritzemeiergeigeretal2009): files[0]: "Benker2009.pdf" not attached: the records file came without its files`) {
		t.Fatalf("without files: %d\n%s", code, stdout)
	}
	src := t.TempDir()
	pdf, err := os.ReadFile(catalogtest.SharedPath(t, "corpora", "pdfs", "tracemonkey.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(src, "Benker2009.pdf"), pdf, 0o644)
	dir := t.TempDir()
	code, stdout, _ = runCLI(t, dir, "import", "--files", src, bib)
	if code != 1 || !strings.Contains(stdout, "imported 183 of 212 records, 29 failed; files: 1") ||
		!strings.Contains(stdout, `files[0]: "Schoenberger2011HasWSIs.pdf" is not among the import's files`) {
		t.Fatalf("with files: %d\n%s", code, stdout)
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	r, err := store.FindRecordByID(context.Background(), "benkerfritzemeiergeigeretal2009")
	if err != nil || len(r.Files) != 1 {
		t.Fatalf("the record with its PDF: %+v %v", r, err)
	}
	if f := r.Files[0]; f.Name != "Benker2009.pdf" || f.MediaType != "application/pdf" || f.Label != "fulltext" || f.Size != int64(len(pdf)) {
		t.Errorf("its file: %+v", f)
	}
}

// TestExtractReadsWhatWasNotRead: annals extract reads the files the
// catalogue holds that were never read (a catalogue imported without a
// server running), says which failed and why (exit 1), reads nothing the
// second time, and with --retry reads the failed ones again.
func TestExtractReadsWhatWasNotRead(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	for _, name := range []string{"tracemonkey.pdf", "pdfplumber_password-example.pdf"} {
		data, err := os.ReadFile(catalogtest.SharedPath(t, "corpora", "pdfs", name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(src, name), data, 0o644)
	}
	os.WriteFile(filepath.Join(src, "notes.md"), []byte("# Заметки\n\nТекст заметок."), 0o644)
	records := filepath.Join(t.TempDir(), "records.json")
	os.WriteFile(records, []byte(`[{"id":"r1","kind":"report","title":"Отчёт","contributors":[{"family":"Иванов"}],
  "files":[{"path":"tracemonkey.pdf"},{"path":"pdfplumber_password-example.pdf"},{"path":"notes.md"}]}]`), 0o644)
	if code, stdout, stderr := runCLI(t, dir, "import", "--files", src, records); code != 0 {
		t.Fatalf("import: %s %s", stdout, stderr)
	}
	code, stdout, _ := runCLI(t, dir, "extract")
	if code != 1 || !strings.Contains(stdout, "files read: 3 (1 failed, 2 done).") ||
		!strings.Contains(stdout, "failed   r1/pdfplumber_password-example.pdf: the PDF is protected by a password") {
		t.Fatalf("extract: %d\n%s", code, stdout)
	}
	if code, stdout, _ = runCLI(t, dir, "extract"); code != 0 || !strings.Contains(stdout, "files read: 0.") {
		t.Errorf("extract again: %d\n%s", code, stdout)
	}
	if code, stdout, _ = runCLI(t, dir, "extract", "--retry"); code != 1 || !strings.Contains(stdout, "files read: 1 (1 failed).") {
		t.Errorf("extract --retry: %d\n%s", code, stdout)
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	r, _ := store.FindRecordByID(context.Background(), "r1")
	found, _ := store.FindFileAnalyses(context.Background(), []string{r.Files[0].SHA256, r.Files[2].SHA256})
	if a := found[r.Files[0].SHA256]; a.Pages != 14 || a.TextState != "done" {
		t.Errorf("tracemonkey.pdf: %+v", a)
	}
	if a := found[r.Files[2].SHA256]; a.TextState != "done" || a.Characters != 19 {
		t.Errorf("notes.md: %+v", a)
	}
}
