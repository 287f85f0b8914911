package web

import (
	"net/http"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/jobs"
	"github.com/labstack/echo/v4"
)

// builderPage is the proceedings builder: what to make, of which event or
// session, in which citation style.
type builderPage struct {
	*view
	Events []catalog.Event
	Styles []csl.StyleInfo
	Event  string
	Error  string
}

func (st *site) builderPage(c echo.Context) error {
	return st.renderBuilder(c, http.StatusOK, c.QueryParam("event"), "")
}

func (st *site) renderBuilder(c echo.Context, status int, event, msg string) error {
	v := st.newView(c, "")
	v.Nav, v.NoIndex, v.Title = "librarian", true, v.T("builder.title")
	events, err := st.cfg.Store.FindEvents(c.Request().Context())
	if err != nil {
		return st.fail(c, err)
	}
	var styles []csl.StyleInfo
	if st.cfg.Styles != nil {
		styles = st.cfg.Styles.Styles()
	}
	return st.render(c, status, "builder", builderPage{view: v, Events: events, Styles: styles, Event: event, Error: msg})
}

// startBuild queues the job and goes to its page.
func (st *site) startBuild(c echo.Context) error {
	if st.cfg.Exports == nil {
		return st.fail(c, catalog.Errorf(catalog.EUNAVAILABLE, "This server makes no exports."))
	}
	event, session := c.FormValue("event"), ""
	if ev, sess, ok := cutSession(event); ok {
		event, session = ev, sess
	}
	req := jobs.Request{Kind: c.FormValue("kind"), Event: event, Session: session, Style: c.FormValue("style"),
		Title: c.FormValue("title"), IncludeDrafts: c.FormValue("include_drafts") == "on"}
	actor, _ := actorOf(c)
	j, err := st.cfg.Exports.Submit(c.Request().Context(), req, actor.Name)
	if err != nil {
		return st.renderBuilder(c, http.StatusUnprocessableEntity, c.FormValue("event"), catalog.ErrorMessage(err)+" "+fieldMessages(err))
	}
	return c.Redirect(http.StatusSeeOther, "/librarian/exports/"+j.ID)
}

// cutSession splits "event/session" as the builder's select sends it.
func cutSession(v string) (event, session string, ok bool) {
	for i := range len(v) {
		if v[i] == '/' {
			return v[:i], v[i+1:], true
		}
	}
	return v, "", false
}

func fieldMessages(err error) string {
	ce, ok := err.(*catalog.Error)
	if !ok {
		return ""
	}
	out := ""
	for _, f := range ce.Fields {
		out += f.Field + ": " + f.Message + ". "
	}
	return out
}

// exportPage shows a job with a progress bar that updates itself (and a
// refresh for browsers without JavaScript).
type exportPage struct {
	*view
	J *catalog.ExportJob
}

func (st *site) findJob(c echo.Context) (*catalog.ExportJob, error) {
	if err := exportsAvailable(st.cfg.Exports); err != nil {
		return nil, err
	}
	return st.cfg.Exports.FindJob(c.Request().Context(), c.Param("id"))
}

func (st *site) exportPage(c echo.Context) error {
	j, err := st.findJob(c)
	if err != nil {
		return st.fail(c, err)
	}
	v := st.newView(c, "")
	v.Nav, v.NoIndex, v.Title = "librarian", true, v.T("builder.title")
	return st.render(c, http.StatusOK, "export", exportPage{view: v, J: j})
}

// exportStatus is the job as JSON, for the progress bar.
func (st *site) exportStatus(c echo.Context) error {
	j, err := st.findJob(c)
	if err != nil {
		return handleErrorJSON(st.log, c, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, showJob(j))
}

// exportDownload sends the finished file.
func (st *site) exportDownload(c echo.Context) error {
	j, err := st.findJob(c)
	if err != nil {
		return st.fail(c, err)
	}
	if j.Status != catalog.JobDone {
		return st.fail(c, catalog.Errorf(catalog.ECONFLICT, "The export is %s; its file is not ready.", j.Status))
	}
	f, err := st.cfg.Exports.OpenFile(c.Request().Context(), j)
	if err != nil {
		return st.fail(c, err)
	}
	defer f.Close()
	ctype := "application/pdf"
	if j.Kind == jobs.KindBundle {
		ctype = "application/zip"
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+jobs.FileName(j)+`"`)
	c.Response().Header().Set(echo.HeaderContentType, ctype)
	http.ServeContent(c.Response(), c.Request(), jobs.FileName(j), *j.Finished, f)
	return nil
}
