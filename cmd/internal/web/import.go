package web

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/labstack/echo/v4"
)

// importRecords imports a file of records in any import format, chosen by
// Content-Type. The answer is the per-item report: 200 when anything was
// imported, nothing failed, or it was a dry run; 422 (with the report) when
// an atomic import was refused or every item failed.
func (s *Server) importRecords(c echo.Context) error {
	c.Set(nounKey, "import")
	q, err := query(c, "dry_run", "atomic", "format", "on_duplicate")
	if err != nil {
		return err
	}
	var opts catalog.ImportOptions
	if opts.DryRun, err = boolParam(q, "dry_run"); err != nil {
		return err
	}
	if opts.Atomic, err = boolParam(q, "atomic"); err != nil {
		return err
	}
	if v := q.Get("on_duplicate"); v != "" && !catalog.ValidOnDuplicate(v) {
		return badParam("on_duplicate", fmt.Sprintf("%q is not skip, update or create", v))
	} else {
		opts.OnDuplicate = v
	}
	ct := c.Request().Header.Get(echo.HeaderContentType)
	ctx := c.Request().Context()
	var src catalog.ImportSource
	if mt, _, _ := mime.ParseMediaType(ct); mt == "application/zip" {
		var done func()
		if src, done, err = readImportZip(ctx, &s.cfg, c.Request().Body, opts); err != nil {
			return err
		}
		defer done()
	} else {
		format, ok := recordio.FormatForMediaType(s.cfg.ImportFormats, ct)
		if name := q.Get("format"); name != "" { // ?format= names it whatever the Content-Type
			var names []string
			ok = false
			for _, f := range s.cfg.ImportFormats {
				names = append(names, f.Name)
				if f.Name == name {
					format, ok = f, true
				}
			}
			if !ok {
				return badParam("format", fmt.Sprintf("%q is not a format Annals imports; use one of %s", name, strings.Join(names, ", ")))
			}
		}
		if !ok {
			var types []string
			for _, f := range s.cfg.ImportFormats {
				types = append(types, f.MediaTypes[0])
			}
			return catalog.Errorf(catalog.EUNSUPPORTED, "Cannot import %q; send Content-Type %s, or application/zip (a records file and its files).", ct, strings.Join(types, ", "))
		}
		spool, err := newSpool()
		if err != nil {
			return err
		}
		defer spool.remove()
		if err := copyBody(c, spool.file, s.cfg.MaxImportBytes); err != nil {
			return err
		}
		if src, err = format.ImportSource(spool.opener(), opts); err != nil {
			return err
		}
		src = src.WithFiles(ctx, nil, s.cfg.Blobs, s.cfg.MaxFileBytes, opts.DryRun)
	}
	report, err := s.cfg.Store.ImportRecordsFrom(ctx, src, opts)
	if err != nil {
		return err
	}
	refused := !opts.DryRun && report.Failed > 0 && (opts.Atomic || report.Imported == 0)
	if !refused {
		return c.JSON(http.StatusOK, report)
	}
	p := &Problem{Type: "about:blank", Title: "Invalid import", Status: http.StatusUnprocessableEntity, Report: report,
		Detail: fmt.Sprintf("%d of %d items are invalid; nothing was imported.", report.Failed, report.Total)}
	for _, it := range report.Items {
		for _, fe := range it.Errors {
			field := fmt.Sprintf("items[%d]", it.Index)
			if fe.Field != "" {
				field += "." + fe.Field
			}
			p.Errors = append(p.Errors, catalog.FieldError{Field: field, Message: fe.Message})
		}
	}
	return p
}

// readImportZip reads an import sent as a ZIP: one records file at its top
// (any import format, by its extension) and the files the records name,
// by their paths in the ZIP. The ZIP is kept in a temporary file while the
// source is read (its files are read from it as they are stored); done
// removes it.
func readImportZip(ctx context.Context, cfg *Config, body io.Reader, opts catalog.ImportOptions) (src catalog.ImportSource, done func(), err error) {
	if cfg.Blobs == nil {
		return nil, nil, catalog.Errorf(catalog.EUNAVAILABLE, "This server keeps no files; import the records file alone.")
	}
	tmp, err := os.CreateTemp("", "annals-import-*.zip")
	if err != nil {
		return nil, nil, err
	}
	remove := func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	defer func() {
		if err != nil {
			remove()
		}
	}()
	n, err := io.Copy(tmp, io.LimitReader(body, cfg.MaxFileBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if n > cfg.MaxFileBytes {
		return nil, nil, catalog.Errorf(catalog.ETOOLARGE, "The ZIP is larger than the %s this server takes.", humanBytes(cfg.MaxFileBytes))
	}
	zr, err := zip.NewReader(tmp, n)
	if err != nil {
		return nil, nil, catalog.Errorf(catalog.EMALFORMED, "The body is not a ZIP file: %v.", err)
	}
	var recordsFile *zip.File
	var format recordio.Format
	for _, f := range zr.File {
		if strings.Contains(strings.TrimSuffix(f.Name, "/"), "/") || f.FileInfo().IsDir() {
			continue
		}
		if fm, ok := recordio.FormatForFile(cfg.ImportFormats, f.Name); ok {
			if recordsFile != nil {
				return nil, nil, catalog.Errorf(catalog.EMALFORMED, "The ZIP has two records files at its top, %q and %q; put one there, and the files in folders.", recordsFile.Name, f.Name)
			}
			recordsFile, format = f, fm
		}
	}
	if recordsFile == nil {
		return nil, nil, catalog.Errorf(catalog.EMALFORMED, "The ZIP has no records file at its top (.json, .ndjson, .csv, .bib or .ris).")
	}
	if recordsFile.UncompressedSize64 > uint64(cfg.MaxImportBytes) {
		return nil, nil, catalog.Errorf(catalog.ETOOLARGE, "%s is larger than the %s an import may be.", recordsFile.Name, humanBytes(cfg.MaxImportBytes))
	}
	open := func() (io.ReadCloser, error) {
		rc, err := recordsFile.Open()
		if err != nil {
			return nil, catalog.Errorf(catalog.EMALFORMED, "%s cannot be read from the ZIP: %v.", recordsFile.Name, err)
		}
		return zipEntryReader{rc, recordsFile.Name}, nil
	}
	if src, err = format.ImportSource(open, opts); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path.Base(recordsFile.Name), err)
	}
	return src.WithFiles(ctx, zr, cfg.Blobs, cfg.MaxFileBytes, opts.DryRun), remove, nil
}

// zipEntryReader reads a ZIP's records file, saying which when the ZIP is
// damaged.
type zipEntryReader struct {
	io.ReadCloser
	name string
}

func (z zipEntryReader) Read(p []byte) (int, error) {
	n, err := z.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = catalog.Errorf(catalog.EMALFORMED, "%s cannot be read from the ZIP: %v.", z.name, err)
	}
	return n, err
}

// spool is a temporary file an import's records file is kept in while it
// is imported (read twice by an import that commits as it goes; see
// recordio.Format.ImportSource), so that it is never held in memory.
type spool struct{ file *os.File }

func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "annals-import-*")
	if err != nil {
		return nil, err
	}
	return &spool{file: f}, nil
}

// fill copies r into the spool; more than limit bytes is ETOOLARGE.
func (s *spool) fill(r io.Reader, limit int64) error {
	n, err := io.Copy(s.file, io.LimitReader(r, limit+1))
	if err != nil {
		return err
	}
	if n > limit {
		return catalog.Errorf(catalog.ETOOLARGE, "The file is larger than %s.", humanBytes(limit))
	}
	return nil
}

// opener opens the spooled file from its beginning, each time.
func (s *spool) opener() recordio.Opener { return recordio.FileOpener(s.file.Name()) }

func (s *spool) remove() {
	s.file.Close()
	os.Remove(s.file.Name())
}
