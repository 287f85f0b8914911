package web

import (
	"context"
	"fmt"
	"mime"
	"net/http"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export/jobs"
	"github.com/annals/annals/search"
	"github.com/labstack/echo/v4"
)

// exportJob is an export job as the API shows it: the stored job and where
// its file is once done.
type exportJob struct {
	*catalog.ExportJob
	File string `json:"file,omitempty"`
}

func showJob(j *catalog.ExportJob) exportJob {
	out := exportJob{ExportJob: j}
	if j.Status == catalog.JobDone {
		out.File = "/api/v1/exports/" + j.ID + "/file"
	}
	return out
}

// exportsAvailable is EUNAVAILABLE when the server makes no exports.
func exportsAvailable(r *jobs.Runner) error {
	if r == nil {
		return catalog.Errorf(catalog.EUNAVAILABLE, "This server makes no exports.")
	}
	return nil
}

// createExport queues a proceedings PDF or a bundle: 202 with the job.
func (s *Server) createExport(c echo.Context) error {
	c.Set(nounKey, "export")
	if err := exportsAvailable(s.cfg.Exports); err != nil {
		return err
	}
	req, err := decodeBody(s, c, func(b []byte) (req jobs.Request, err error) {
		return req, recordio.DecodeObject(b, &req, "export")
	})
	if err != nil {
		return err
	}
	actor, _ := actorOf(c)
	j, err := s.cfg.Exports.Submit(c.Request().Context(), req, actor.Name)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/exports/"+j.ID)
	return c.JSON(http.StatusAccepted, showJob(j))
}

// findExport finds the job a request names.
func (s *Server) findExport(c echo.Context) (*catalog.ExportJob, error) {
	c.Set(nounKey, "export")
	if _, err := query(c); err != nil {
		return nil, err
	}
	if err := exportsAvailable(s.cfg.Exports); err != nil {
		return nil, err
	}
	return s.cfg.Exports.FindJob(c.Request().Context(), c.Param("id"))
}

// getExport shows a job's status and progress.
func (s *Server) getExport(c echo.Context) error {
	j, err := s.findExport(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, showJob(j))
}

// exportFile sends a finished job's PDF or ZIP.
func (s *Server) exportFile(c echo.Context) error {
	j, err := s.findExport(c)
	if err != nil {
		return err
	}
	switch j.Status {
	case catalog.JobQueued, catalog.JobRunning:
		return &catalog.Error{Code: catalog.ECONFLICT, Message: fmt.Sprintf("The export is %s (%d of %d entries); its file is not ready.", j.Status, j.Progress.Done, j.Progress.Total)}
	case catalog.JobFailed:
		return &catalog.Error{Code: catalog.ECONFLICT, Message: "The export failed: " + j.Error}
	case catalog.JobExpired:
		return &catalog.Error{Code: catalog.EGONE, Message: "The export's file was removed when it expired; ask for it again."}
	}
	f, err := s.cfg.Exports.OpenFile(c.Request().Context(), j)
	if err != nil {
		return err
	}
	defer f.Close()
	ctype := "application/pdf"
	if j.Kind == jobs.KindBundle {
		ctype = "application/zip"
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": jobs.FileName(j)}))
	h.Set(echo.HeaderContentType, ctype)
	http.ServeContent(c.Response(), c.Request(), jobs.FileName(j), *j.Finished, f)
	return nil
}

// SearchIDs resolves a query to record IDs with the index, for export
// jobs: every match, best first, published only unless drafts are asked
// for.
func SearchIDs(index *search.Index) func(ctx context.Context, q string, includeDrafts bool) ([]string, error) {
	return func(ctx context.Context, q string, includeDrafts bool) ([]string, error) {
		req := search.Request{Query: q, Size: catalog.MaxPageSize, NoFacets: true}
		req.Filters.Statuses = []catalog.Status{catalog.StatusPublished}
		if includeDrafts {
			req.Filters.Statuses = []catalog.Status{catalog.StatusDraft, catalog.StatusPublished, catalog.StatusWithdrawn}
		}
		return index.AllMatches(ctx, req)
	}
}
