package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"
)

// ResolveImportFiles stores the bytes of the files that import items name
// and fills in each file's hash, size, type and date. A file comes from
// files (a directory, a ZIP's contents) at its Path, or, with no Path and
// a SHA-256, from bytes the blob store holds already (a catalogue's own
// export imported back). A file that cannot be found or read becomes an
// error of its item, naming it; such an item is not imported. With dryRun,
// files are only looked for, not stored. max bounds each file.
func ResolveImportFiles(ctx context.Context, items []ImportItem, files fs.FS, blobs Blobs, max int64, dryRun bool) error {
	now := time.Now().UTC().Truncate(time.Second)
	for i := range items {
		it := &items[i]
		kept := it.Files[:0]
		for j, f := range it.Files {
			field := fmt.Sprintf("files[%d]", j)
			if why := linkedFileLeftOut(&f, files); why != "" {
				it.Warnings = append(it.Warnings, FieldError{Field: field, Message: why})
				continue
			}
			err := resolveImportFile(ctx, &f, files, blobs, max, dryRun, now)
			var de *Error
			switch {
			case err == nil:
			case errors.As(err, &de) && de.Code != EINTERNAL:
				it.Errors = append(it.Errors, FieldError{Field: field, Message: de.Message})
			default:
				return err
			}
			kept = append(kept, f)
		}
		it.Files = kept
	}
	return nil
}

// linkedFileLeftOut says why a file another tool linked to is left out of
// its record ("" when it is not): it is a web link, or the import came
// without files.
func linkedFileLeftOut(f *ImportFile, files fs.FS) string {
	switch {
	case !f.Linked:
		return ""
	case isWebLink(f.Path):
		return fmt.Sprintf("%q is a web link, not attached: Annals does not fetch links on import; upload the file to the record", f.Path)
	case files == nil:
		return fmt.Sprintf("%q not attached: the records file came without its files (import a ZIP of both, or use annals import --files DIR)", f.Path)
	}
	return ""
}

func isWebLink(p string) bool {
	scheme, _, ok := strings.Cut(p, "://")
	return ok && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "ftp"))
}

// importFilePath is where a file an import names is among the import's
// files. A relative path is taken as it is; an absolute one (a path on the
// machine that wrote the records, as Zotero and Mendeley write them) is
// matched by its longest tail found there, so that a Zotero storage folder
// given as the import's files finds "ABCD1234/paper.pdf".
func importFilePath(files fs.FS, raw string) (string, error) {
	p := strings.ReplaceAll(raw, `\`, "/")
	absolute := strings.HasPrefix(p, "/") || (len(p) >= 2 && p[1] == ':' && ('A' <= p[0]&^0x20 && p[0]&^0x20 <= 'Z'))
	p = strings.TrimPrefix(path.Clean(p), "./")
	if !absolute {
		if !fs.ValidPath(p) {
			return "", Errorf(EINVALID, "%q is not a path inside the import's files", raw)
		}
		return p, nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i := range parts {
		tail := strings.Join(parts[i:], "/")
		if _, err := fs.Stat(files, tail); err == nil && fs.ValidPath(tail) {
			return tail, nil
		}
	}
	return "", Errorf(EINVALID, "%q is not among the import's files (nor is any tail of it)", raw)
}

func resolveImportFile(ctx context.Context, f *ImportFile, files fs.FS, blobs Blobs, max int64, dryRun bool, now time.Time) error {
	if f.File.Name == "" {
		f.File.Name = path.Base(strings.ReplaceAll(f.Path, `\`, "/"))
	}
	if f.Path == "" {
		if f.File.SHA256 == "" {
			return Errorf(EINVALID, "names no file: give its path among the import's files")
		}
		if blobs == nil {
			return Errorf(EINVALID, "this server keeps no files")
		}
		r, err := blobs.Open(ctx, f.File.SHA256)
		if err != nil {
			return Errorf(EINVALID, "%q: its bytes (SHA-256 %s) are not in this catalogue; import it with its file", f.File.Name, f.File.SHA256)
		}
		defer r.Close()
		head := make([]byte, 512)
		n, _ := io.ReadFull(r, head)
		f.File.Size, f.File.MediaType = r.Size(), SniffMediaType(head[:n], f.File.Name)
		if f.File.Created.IsZero() {
			f.File.Created = now
		}
		return nil
	}
	if files == nil {
		return Errorf(EINVALID, "%q: this import came without files; import with the files beside it (--files DIR, or a ZIP)", f.Path)
	}
	p, err := importFilePath(files, f.Path)
	if err != nil {
		return err
	}
	src, err := files.Open(p)
	if err != nil {
		return Errorf(EINVALID, "%q is not among the import's files", f.Path)
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil || st.IsDir() {
		return Errorf(EINVALID, "%q is not a file", f.Path)
	}
	if st.Size() > max {
		return Errorf(EINVALID, "%q is %d bytes; files may have at most %d", f.Path, st.Size(), max)
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(src, head)
	if n == 0 {
		return Errorf(EINVALID, "%q is empty", f.Path)
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Errorf(EINVALID, "%q cannot be read: %v", f.Path, err)
	}
	f.File.MediaType = SniffMediaType(head[:n], f.File.Name)
	if strings.EqualFold(path.Ext(f.File.Name), ".pdf") && f.File.MediaType != "application/pdf" {
		return Errorf(EINVALID, "%q is named as a PDF but its bytes are %s", f.Path, f.File.MediaType)
	}
	f.File.Size, f.File.Created = st.Size(), now
	if dryRun {
		f.File.SHA256 = strings.Repeat("0", 64) // not stored: a stand-in that validates
		return nil
	}
	if blobs == nil {
		return Errorf(EINVALID, "this server keeps no files")
	}
	blob, err := blobs.Put(ctx, io.MultiReader(strings.NewReader(string(head[:n])), src), max, "")
	if err != nil {
		var de *Error
		if errors.As(err, &de) {
			return Errorf(de.Code, "%q: %s", f.Path, de.Message)
		}
		return err
	}
	f.File.SHA256, f.File.Size = blob.SHA256, blob.Size
	return nil
}

// WithFiles is src with each item's files resolved (ResolveImportFiles)
// as the item is read.
func (src ImportSource) WithFiles(ctx context.Context, files fs.FS, blobs Blobs, max int64, dryRun bool) ImportSource {
	return func(yield func(ImportItem) error) error {
		return src(func(it ImportItem) error {
			one := []ImportItem{it}
			if err := ResolveImportFiles(ctx, one, files, blobs, max, dryRun); err != nil {
				return err
			}
			return yield(one[0])
		})
	}
}
