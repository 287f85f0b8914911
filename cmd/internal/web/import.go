package web

import (
	"fmt"
	"net/http"
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
	q, err := query(c, "dry_run", "atomic")
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
	ct := c.Request().Header.Get(echo.HeaderContentType)
	format, ok := recordio.FormatForMediaType(s.cfg.ImportFormats, ct)
	if !ok {
		var types []string
		for _, f := range s.cfg.ImportFormats {
			types = append(types, f.MediaTypes[0])
		}
		return catalog.Errorf(catalog.EUNSUPPORTED, "Cannot import %q; send Content-Type %s.", ct, strings.Join(types, ", "))
	}
	body, err := readBody(c, s.cfg.MaxImportBytes)
	if err != nil {
		return err
	}
	items, err := format.Read(body)
	if err != nil {
		return err
	}
	report, err := s.cfg.Store.ImportRecords(c.Request().Context(), items, opts)
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
