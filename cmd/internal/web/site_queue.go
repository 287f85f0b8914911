package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

// queuePage is the librarian's work queue: the drafts (or withdrawn
// records) to publish, withdraw or delete, many at once.
type queuePage struct {
	*view
	Status  string // draft or withdrawn
	Kind    string
	Event   string
	Records []catalog.Record
	Kinds   []catalog.Kind
	Events  []catalog.Event
	Next    string // URL of the next page
	Total   int    // records of that status, all pages
}

// queuePageSize is how many records the work queue shows at a time.
const queuePageSize = 50

func (st *site) queuePage(c echo.Context) error {
	ctx := c.Request().Context()
	v := st.newView(c, "")
	v.Nav, v.NoIndex, v.Title = "librarian", true, v.T("queue.title")
	p := queuePage{view: v, Status: c.QueryParam("status"), Kind: c.QueryParam("kind"), Event: c.QueryParam("event"), Kinds: catalog.Kinds()}
	if p.Status != string(catalog.StatusWithdrawn) {
		p.Status = string(catalog.StatusDraft)
	}
	if p.Kind != "" && !catalog.Kind(p.Kind).Valid() {
		return st.fail(c, badParam("kind", strconv.Quote(p.Kind)+" is not a kind"))
	}
	if done := c.QueryParam("done"); done != "" {
		n, _ := strconv.Atoi(c.QueryParam("n"))
		v.Flash = v.T("queue.done."+done, n)
	}
	events, err := st.cfg.Store.FindEvents(ctx)
	if err != nil {
		return st.fail(c, err)
	}
	p.Events = events
	f := catalog.RecordFilter{Kind: catalog.Kind(p.Kind), Event: p.Event, Statuses: []catalog.Status{catalog.Status(p.Status)},
		Size: queuePageSize, After: c.QueryParam("after")}
	page, err := st.cfg.Store.FindRecords(ctx, f)
	if err != nil {
		return st.fail(c, err)
	}
	p.Records, p.Total = page.Records, page.Total
	if page.Next != "" {
		q := url.Values{"status": {p.Status}, "after": {page.Next}}
		if p.Kind != "" {
			q.Set("kind", p.Kind)
		}
		if p.Event != "" {
			q.Set("event", p.Event)
		}
		p.Next = "/librarian/queue?" + q.Encode()
	}
	return st.render(c, http.StatusOK, "queue", p)
}

// changeQueue publishes, withdraws or deletes the records checked in the
// work queue, all or none, and comes back to the queue saying what it did.
func (st *site) changeQueue(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return st.fail(c, badParam("form", "cannot be read"))
	}
	action := form.Get("action")
	report, err := st.cfg.Store.ChangeRecords(c.Request().Context(), form["ids"], action)
	if err != nil {
		return st.fail(c, err)
	}
	back := url.Values{"status": {form.Get("status")}, "done": {action}, "n": {strconv.Itoa(len(report.Changed))}}
	return c.Redirect(http.StatusSeeOther, "/librarian/queue?"+back.Encode())
}

// deleteRecordForm deletes a record from its edit page (after the
// browser's confirmation), leaving its tombstone and history.
func (st *site) deleteRecordForm(c echo.Context) error {
	version, _ := strconv.Atoi(c.FormValue("version"))
	if err := st.cfg.Store.DeleteRecord(c.Request().Context(), c.Param("id"), version); err != nil {
		return st.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/librarian/queue?done=delete&n=1")
}
