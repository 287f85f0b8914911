package web

import (
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/labstack/echo/v4"
)

// librarianPage is the librarian's start page: what to do, and the
// records changed last.
type librarianPage struct {
	*view
	Recent []catalog.Record
	Events []catalog.Event
}

func (st *site) librarianHome(c echo.Context) error {
	v := st.newView(c, "")
	v.Nav, v.Title, v.NoIndex = "librarian", v.T("lib.title"), true
	ctx := c.Request().Context()
	page, err := st.cfg.Store.FindRecords(ctx, catalog.RecordFilter{Size: 15})
	if err != nil {
		return st.fail(c, err)
	}
	events, err := st.cfg.Store.FindEvents(ctx)
	if err != nil {
		return st.fail(c, err)
	}
	return st.render(c, http.StatusOK, "librarian", librarianPage{view: v, Recent: page.Records, Events: events})
}

// recordFormPage is the form to create or edit a record, with the
// validation messages beside their fields.
type recordFormPage struct {
	*view
	New      bool
	F        recordForm
	Errors   map[string][]string
	Kinds    []catalog.Kind
	Statuses []catalog.Status
	Topics   []catalog.Topic
	Events   []catalog.Event
}

// formField is one text input of a form: its name, value, label and the
// validation messages for it.
type formField struct {
	Name, Value, Label string
	Errors             []string
}

// Field is the text input name with its value, labelled by the message
// labelKey.
func (p recordFormPage) Field(name, value, labelKey string) formField {
	return formField{Name: name, Value: value, Label: p.T(labelKey), Errors: p.Errors[name]}
}

// TopicLabel names a topic in the interface language.
func (p recordFormPage) TopicLabel(t catalog.Topic) string { return p.TopicName(t.Key) }

func (st *site) renderRecordForm(c echo.Context, status int, isNew bool, f recordForm, errs map[string][]string) error {
	v := st.newView(c, "")
	v.Nav, v.NoIndex = "librarian", true
	v.Title = v.T("lib.newRecord")
	if !isNew {
		v.Title = v.T("record.edit") + ": " + f.Title
	}
	events, err := st.cfg.Store.FindEvents(c.Request().Context())
	if err != nil {
		return st.fail(c, err)
	}
	return st.render(c, status, "record_form", recordFormPage{view: v, New: isNew, F: f, Errors: errs, Kinds: catalog.Kinds(),
		Statuses: []catalog.Status{catalog.StatusDraft, catalog.StatusPublished, catalog.StatusWithdrawn},
		Topics:   catalog.Topics(), Events: events})
}

func (st *site) recordForm(c echo.Context) error {
	id := c.Param("id")
	if id == "" {
		f := recordForm{Kind: string(catalog.KindPresentation), Status: string(catalog.StatusDraft), Topics: map[string]bool{},
			Event: c.QueryParam("event")}
		return st.renderRecordForm(c, http.StatusOK, true, f, nil)
	}
	r, err := st.cfg.Store.FindRecordByID(c.Request().Context(), id)
	if err != nil {
		return st.fail(c, err)
	}
	return st.renderRecordForm(c, http.StatusOK, false, formFromRecord(r, st.words.In(st.lang(c))), nil)
}

func (st *site) saveRecord(c echo.Context) error {
	ctx := c.Request().Context()
	values, err := c.FormParams()
	if err != nil {
		return st.fail(c, err)
	}
	f := formFromValues(values)
	id := c.Param("id")
	isNew := id == ""
	var old *catalog.Record
	if !isNew {
		if old, err = st.cfg.Store.FindRecordByID(ctx, id); err != nil {
			return st.fail(c, err)
		}
		f.ID = id
	}
	r := f.record(old, st.words.RoleCode)
	if isNew {
		err = st.cfg.Store.CreateRecord(ctx, &r)
	} else {
		err = st.cfg.Store.UpdateRecord(ctx, &r, f.Version)
	}
	if err != nil {
		switch catalog.ErrorCode(err) {
		case catalog.EINVALID, catalog.ECONFLICT, catalog.EPRECONDITION, catalog.EMALFORMED:
			status := http.StatusUnprocessableEntity
			if catalog.ErrorCode(err) == catalog.EPRECONDITION {
				status = http.StatusPreconditionFailed
			}
			return st.renderRecordForm(c, status, isNew, f, fieldErrors(err, st.words.In(st.lang(c))))
		}
		return st.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/records/"+r.ID+"?saved=1")
}

// eventFormPage is the form of an event.
type eventFormPage struct {
	*view
	New    bool
	F      eventForm
	Errors map[string][]string
}

func (st *site) eventForm(c echo.Context) error {
	v := st.newView(c, "")
	v.Nav, v.NoIndex, v.Title = "librarian", true, v.T("lib.newEvent")
	id := c.Param("id")
	if id == "" {
		return st.render(c, http.StatusOK, "event_form", eventFormPage{view: v, New: true})
	}
	e, err := st.cfg.Store.FindEventByID(c.Request().Context(), id)
	if err != nil {
		return st.fail(c, err)
	}
	v.Title = v.T("record.edit") + ": " + e.Name
	return st.render(c, http.StatusOK, "event_form", eventFormPage{view: v, F: formFromEvent(e)})
}

func (st *site) saveEvent(c echo.Context) error {
	ctx := c.Request().Context()
	values, err := c.FormParams()
	if err != nil {
		return st.fail(c, err)
	}
	f := eventFormFromValues(values)
	id := c.Param("id")
	var old *catalog.Event
	if id != "" {
		if old, err = st.cfg.Store.FindEventByID(ctx, id); err != nil {
			return st.fail(c, err)
		}
		f.ID = id
	}
	e := f.event(old)
	if old == nil {
		err = st.cfg.Store.CreateEvent(ctx, &e)
	} else {
		err = st.cfg.Store.UpdateEvent(ctx, &e, f.Version)
	}
	if err != nil {
		if code := catalog.ErrorCode(err); code == catalog.EINVALID || code == catalog.ECONFLICT || code == catalog.EPRECONDITION {
			v := st.newView(c, "")
			v.Nav, v.NoIndex, v.Title = "librarian", true, v.T("lib.newEvent")
			return st.render(c, http.StatusUnprocessableEntity, "event_form", eventFormPage{view: v, New: old == nil, F: f, Errors: fieldErrors(err, v.say)})
		}
		return st.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/events/"+e.ID)
}

// importPage is the upload form and, after an upload, its report.
type importPage struct {
	*view
	Report *catalog.ImportReport
	// Rows are the report's items the page lists: those with something
	// to say (failed, skipped, updated, warned) first, up to
	// maxReportRows, then the first quietRows of the others; Quiet and
	// Unlisted count those left out of each.
	Rows            []catalog.ImportResult
	Quiet, Unlisted int
	Error           string
	Name            string
	// Pending is the token of the previewed file kept on the server, and
	// the options it was previewed with, for "Import this file".
	Pending    string
	Atomic     bool
	Duplicates string
}

// StatusName names an item's outcome in the page's language.
func (p importPage) StatusName(status string) string { return p.T("import.status." + status) }

// Summary says in a line what the import did, or would do.
func (p importPage) Summary() string {
	r := p.Report
	line := p.T("import.report", r.Imported, r.Total, r.Failed, r.Files)
	if r.DryRun {
		line = p.T("import.report.dry", r.Total-r.Failed-r.Skipped-r.Updated, r.Total, r.Failed, r.Files)
	}
	if r.Skipped > 0 {
		line += " · " + p.T("import.skipped", r.Skipped)
	}
	if r.Updated > 0 {
		line += " · " + p.T("import.updated", r.Updated)
	}
	return line
}

func (st *site) importPage(c echo.Context) error {
	v := st.newView(c, "")
	v.Nav, v.NoIndex, v.Title = "librarian", true, v.T("lib.import")
	return st.render(c, http.StatusOK, "import", importPage{view: v})
}

// importUpload imports an uploaded file, or checks it (dry run) when the
// preview button was pressed.
func (st *site) importUpload(c echo.Context) error {
	v := st.newView(c, "")
	v.Nav, v.NoIndex, v.Title = "librarian", true, v.T("lib.import")
	page := importPage{view: v}
	opts := catalog.ImportOptions{DryRun: c.FormValue("action") != "import", Atomic: c.FormValue("atomic") == "on"}
	switch d := c.FormValue("duplicates"); {
	case d == "on": // the checkbox of earlier pages
		opts.OnDuplicate = catalog.DuplicateCreate
	case catalog.ValidOnDuplicate(d):
		opts.OnDuplicate = d
	}
	var src catalog.ImportSource
	var done func()
	var err error
	var upload *multipart.FileHeader // a file to keep for "Import this file" after its preview
	if token := c.FormValue("pending"); token != "" && !opts.DryRun {
		// "Import this file" after a preview: the file kept on the server
		name, f, perr := st.openPending(c.Request().Context(), v.Actor.Name, token)
		if perr != nil {
			if catalog.ErrorCode(perr) != catalog.ENOTFOUND {
				return st.fail(c, perr)
			}
			page.Error = catalog.ErrorMessage(perr)
			return st.render(c, http.StatusNotFound, "import", page)
		}
		defer f.Close()
		page.Name = name
		src, done, err = st.readImport(c, name, f, opts)
	} else {
		fh, ferr := c.FormFile("file")
		if ferr != nil {
			page.Error = v.T("import.choose")
			return st.render(c, http.StatusBadRequest, "import", page)
		}
		page.Name = fh.Filename
		f, ferr := fh.Open()
		if ferr != nil {
			return st.fail(c, ferr)
		}
		defer f.Close()
		src, done, err = st.readImport(c, fh.Filename, f, opts)
		if opts.DryRun {
			upload = fh
		}
	}
	var report *catalog.ImportReport
	if err == nil {
		defer done()
		report, err = st.cfg.Store.ImportRecordsFrom(c.Request().Context(), src, opts)
	}
	if err != nil {
		if catalog.ErrorCode(err) == catalog.EINTERNAL {
			return st.fail(c, err)
		}
		page.Error = catalog.ErrorMessage(err)
		if ce, ok := err.(*catalog.Error); ok {
			for _, fe := range ce.Fields {
				page.Error += " " + strings.TrimSpace(fe.Field+" "+fe.Message) + "."
			}
		}
		return st.render(c, statusOf[catalog.ErrorCode(err)], "import", page)
	}
	if upload != nil {
		if page.Pending, err = st.keepPending(c.Request().Context(), v.Actor.Name, upload); err != nil {
			return st.fail(c, err)
		}
		page.Atomic, page.Duplicates = opts.Atomic, opts.OnDuplicate
	}
	page.Report = report
	page.Rows, page.Quiet, page.Unlisted = reportRows(report.Items)
	return st.render(c, http.StatusOK, "import", page)
}

// How much of an import's report the librarian's page lists: a file of
// 100,000 entries would otherwise make a page of 100,000 rows.
const (
	maxReportRows = 1000
	quietRows     = 50
)

// reportRows picks the rows of a report the page lists: first the items
// with remarks (failed, skipped, updated, warned), in file order, up to
// maxReportRows; then the first quietRows of the others. It counts the
// quiet items and the items with remarks left out.
func reportRows(items []catalog.ImportResult) (rows []catalog.ImportResult, quiet, unlisted int) {
	var calm []catalog.ImportResult
	for _, it := range items {
		remarks := len(it.Errors) > 0 || len(it.Warnings) > 0 || it.DuplicateOf != "" ||
			(it.Status != catalog.ImportCreated && it.Status != catalog.ImportValid)
		switch {
		case remarks && len(rows) < maxReportRows:
			rows = append(rows, it)
		case remarks:
			unlisted++
		case len(calm) < quietRows:
			calm = append(calm, it)
		default:
			quiet++
		}
	}
	return append(rows, calm...), quiet, unlisted
}

// readImport reads the import a librarian uploaded (named name, read
// from f): a records file in any import format, or a ZIP of one and the
// files it names. done releases what the source reads from.
func (st *site) readImport(c echo.Context, name string, f io.Reader, opts catalog.ImportOptions) (catalog.ImportSource, func(), error) {
	ctx := c.Request().Context()
	if strings.EqualFold(path.Ext(name), ".zip") {
		return readImportZip(ctx, st.cfg, f, opts)
	}
	format, ok := recordio.FormatForFile(st.cfg.ImportFormats, name)
	if !ok {
		return nil, nil, catalog.Errorf(catalog.EUNSUPPORTED, "%q is not a file Annals imports: use .json, .ndjson, .csv, .bib, .ris, .enw, .ciw, .nbib, .net or EndNote .xml, or a .zip of one and its files.", name)
	}
	spool, err := newSpool()
	if err != nil {
		return nil, nil, err
	}
	if err := spool.fill(f, st.cfg.MaxImportBytes); err != nil {
		spool.remove()
		return nil, nil, err
	}
	src, err := format.ImportSource(spool.opener(), opts)
	if err != nil {
		spool.remove()
		return nil, nil, err
	}
	return src.WithFiles(ctx, nil, st.cfg.Blobs, st.cfg.MaxFileBytes, opts.DryRun), spool.remove, nil
}

// historyPage lists every change to a record, newest first.
type historyPage struct {
	*view
	R       *catalog.Record
	ID      string
	Changes []pageChange
}

type pageChange struct {
	Revision int64
	Time     string
	Actor    string
	Op       string // in the page's language
	Fields   []pageFieldChange
	// Restorable: the record may be put back as it was after this change
	// (not the newest change, nor a deletion).
	Restorable bool
}

// pageFieldChange is one field a change changed: its name in the page's
// language and its values before and after, as compact JSON (cut short).
type pageFieldChange struct {
	Name, Before, After string
}

// fieldName names a record's field in the page's language; a field with
// no message of its own is shown as it is named in the API.
func fieldName(v *view, field string) string {
	if name := v.T("field." + field); name != "field."+field {
		return name
	}
	return field
}

// shortJSON is a field's value for the history page: "" for none, text
// without its quotes, anything else as compact JSON, cut at 300 characters.
func shortJSON(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var text string
	out := string(raw)
	if json.Unmarshal(raw, &text) == nil {
		out = text
	}
	if r := []rune(out); len(r) > 300 {
		out = string(r[:300]) + "…"
	}
	return out
}

func (st *site) historyPage(c echo.Context) error {
	v := st.newView(c, "")
	v.Nav, v.NoIndex = "librarian", true
	id := c.Param("id")
	changes, err := st.cfg.Store.FindEntityHistory(c.Request().Context(), "record", id)
	if err != nil {
		return st.fail(c, err)
	}
	v.Title = v.T("history.title", id)
	p := historyPage{view: v, ID: id}
	for i := len(changes) - 1; i >= 0; i-- {
		ch := changes[i]
		pc := pageChange{Revision: ch.Revision, Time: ch.Time.UTC().Format("2006-01-02 15:04:05 UTC"), Actor: ch.Actor,
			Op: v.T("history.op." + ch.Op)}
		changed, err := catalog.DiffDocuments(ch.Before, ch.After)
		if err != nil {
			return st.fail(c, err)
		}
		for _, f := range changed {
			pc.Fields = append(pc.Fields, pageFieldChange{Name: fieldName(v, f.Field), Before: shortJSON(f.Before), After: shortJSON(f.After)})
		}
		pc.Restorable = i < len(changes)-1 && len(ch.After) > 0 && ch.Op != catalog.OpDelete
		p.Changes = append(p.Changes, pc)
	}
	return st.render(c, http.StatusOK, "history", p)
}

// restoreRecord puts a record back as it was after one of its changes (its
// files stay as they are now): a new version, in the history like any
// other change.
func (st *site) restoreRecord(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	rev, err := strconv.ParseInt(c.FormValue("revision"), 10, 64)
	if err != nil {
		return st.fail(c, badParam("revision", "is not a revision of the record"))
	}
	changes, err := st.cfg.Store.FindEntityHistory(ctx, catalog.EntityRecord, id)
	if err != nil {
		return st.fail(c, err)
	}
	for _, ch := range changes {
		if ch.Revision != rev || len(ch.After) == 0 {
			continue
		}
		var r catalog.Record
		if err := json.Unmarshal(ch.After, &r); err != nil {
			return st.fail(c, err)
		}
		if err := st.cfg.Store.UpdateRecord(ctx, &r, 0); err != nil {
			return st.fail(c, err)
		}
		return c.Redirect(http.StatusSeeOther, "/librarian/records/"+url.PathEscape(id)+"/history")
	}
	return st.fail(c, catalog.Errorf(catalog.ENOTFOUND, "Record %q has no revision %d to restore.", id, rev))
}
