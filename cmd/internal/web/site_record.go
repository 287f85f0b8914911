package web

import (
	"context"
	"html/template"
	"net/http"
	neturl "net/url"
	"strconv"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/markup"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/csljson"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/search"
	"github.com/labstack/echo/v4"
)

// recordPage shows one record: its metadata with translations side by
// side, contributors, event and session, a citation in the chosen style,
// downloads, and the metadata machines read (Highwire citation_* tags,
// schema.org JSON-LD).
type recordPage struct {
	*view
	R            *catalog.Record
	Event        *catalog.Event
	EventName    string
	SessionTitle string
	Versions     []textVersion
	Contributors []pageContributor
	Topics       []string
	TopicLinks   []pageLink // each topic, linked to a search by it
	KeywordLinks []pageLink // each keyword, linked to a search by it
	Styles       []csl.StyleInfo
	Style        string
	Locator      string // the page cited (?locator=), shown in the in-text citation
	Reference    template.HTML
	InText       template.HTML
	Narrative    template.HTML // the in-text citation in a sentence, where it differs
	NoteStyle    bool          // the style cites in footnotes: InText is a note
	Downloads    []pageLink
	Files        []pageFile
	Labels       []string // file labels, for the upload form
	Meta         [][2]string
	JSONLD       map[string]any
	Canonical    string      // the record's one address
	OpenGraph    [][2]string // og: properties, for links shared elsewhere
	// Details are the bibliographic details beside the title (where it
	// was published, series, edition...), label and value; IDs its
	// identifiers with where they resolve.
	Details [][2]string
	IDs     []pageLink
	CanEdit bool
}

// textVersion is the record's title and abstract in one language.
type textVersion struct {
	Lang, LangName, Title, Abstract string
	Original                        bool
}

type pageContributor struct {
	Name, Others, Role, Affiliation, Country, ORCID string
	SearchURL                                       string // a search for the person's records
}

func (st *site) recordPage(c echo.Context) error {
	ctx := c.Request().Context()
	v := st.newView(c, "")
	v.Nav = "search"
	r, err := st.cfg.Store.FindRecordByID(ctx, c.Param("id"))
	if err != nil {
		if moved, rerr := redirectMerged(c, st.cfg.Store, "/records/", c.Param("id"), err); moved {
			return rerr
		}
		return st.fail(c, err)
	}
	if r.Status == catalog.StatusWithdrawn && v.Actor == nil {
		return st.withdrawnPage(c, v, r)
	}
	if r.Status != catalog.StatusPublished && v.Actor == nil {
		return st.fail(c, catalog.Errorf(catalog.ENOTFOUND, "There is no record %q.", r.ID))
	}
	plain := r.WithPlainTitles() // for the page's <title>, meta tags and JSON-LD; the page shows the styles
	v.Title = plain.Title
	p := recordPage{view: v, R: r, CanEdit: v.Actor != nil}
	if r.Event != "" {
		p.Event = export.CachedEvents(st.cfg.Store)(ctx, r.Event)
	}
	setLastModified(c.Response().Header(), r, p.Event)
	if p.Event != nil {
		p.EventName = localName(p.Event.Name, p.Event.Translations, v.Lang)
		if s, ok := p.Event.FindSession(r.Session); ok {
			p.SessionTitle = s.TitleIn(v.Lang)
		}
	}
	p.Versions = append(p.Versions, textVersion{Lang: r.Language, LangName: v.LanguageName(r.Language), Title: r.Title, Abstract: r.Abstract, Original: true})
	for _, t := range r.Translations {
		p.Versions = append(p.Versions, textVersion{Lang: t.Language, LangName: v.LanguageName(t.Language), Title: t.Title, Abstract: t.Abstract})
	}
	for _, cn := range r.Contributors {
		pc := pageContributor{Name: cn.DisplayName(), Affiliation: cn.Affiliation, ORCID: cn.ORCID,
			SearchURL: "/search?" + neturl.Values{"contributor": {strings.TrimSpace(cn.Literal + " " + cn.Family + " " + cn.Given)}}.Encode()}
		if cn.Country != "" {
			pc.Country = v.CountryName(cn.Country)
		}
		if cn.Role != "" {
			pc.Role = v.RoleName(cn.Role)
		}
		var others []string
		for _, t := range cn.Translations {
			if n := (catalog.Contributor{Family: t.Family, Given: t.Given, Literal: t.Literal}).DisplayName(); n != "" {
				others = append(others, n)
			}
		}
		pc.Others = strings.Join(others, "; ")
		p.Contributors = append(p.Contributors, pc)
	}
	for _, key := range r.Topics {
		if _, ok := catalog.FindTopic(key); ok {
			p.Topics = append(p.Topics, v.TopicName(key))
			p.TopicLinks = append(p.TopicLinks, pageLink{Label: v.TopicName(key), URL: "/search?" + neturl.Values{"topic": {key}}.Encode()})
		}
	}
	for _, k := range r.Keywords {
		p.KeywordLinks = append(p.KeywordLinks, pageLink{Label: k, URL: "/search?" + neturl.Values{"q": {`keyword:"` + strings.ReplaceAll(k, `"`, "") + `"`}}.Encode()})
	}
	st.citation(c, &p)
	for _, f := range export.RecordFormats() {
		if f.Name != "json" {
			p.Downloads = append(p.Downloads, pageLink{Label: f.Label, URL: "/api/v1/records/" + r.ID + "?format=" + f.Name})
		}
	}
	withFiles, _, err := withAnalyses(ctx, st.cfg.Store, r)
	if err != nil {
		return st.fail(c, err)
	}
	p.Files = st.pageFiles(c, v, withFiles)
	if in, q := c.QueryParam("in"), strings.TrimSpace(c.QueryParam("q")); in != "" && q != "" && st.cfg.Search != nil {
		for i := range p.Files {
			if pf := &p.Files[i]; pf.Name == in && pf.TextURL != "" {
				pf.Query, pf.Searched = q, true
				hits, err := st.cfg.Search.SearchFile(ctx, q, r.ID, pf.Name, maxFilePages)
				if err != nil && catalog.ErrorCode(err) == catalog.EINTERNAL {
					return st.fail(c, err)
				}
				h := st.cfg.Search.Highlighter(search.Request{Query: q})
				for _, ft := range fulltextHits(ctx, st.cfg.Store, h, r, hits) {
					pf.Matches = append(pf.Matches, pageFulltext{File: ft.File, URL: ft.URL, Page: ft.Page, Snippet: template.HTML(ft.Snippet)})
				}
			}
		}
	}
	p.Labels = catalog.FileLabels()
	p.Details, p.IDs = recordDetails(v, &plain), identifierLinks(r.Identifiers)
	p.Meta = highwire(&plain, p.Event, recordURL(st.cfg.BaseURL, r.ID))
	if st.cfg.BaseURL != "" {
		p.Canonical = recordURL(st.cfg.BaseURL, r.ID)
	}
	p.OpenGraph = [][2]string{{"og:type", "article"}, {"og:title", plain.Title}, {"og:site_name", v.T("site.name")}}
	if p.Canonical != "" {
		p.OpenGraph = append(p.OpenGraph, [2]string{"og:url", p.Canonical})
	}
	if r.Abstract != "" {
		p.OpenGraph = append(p.OpenGraph, [2]string{"og:description", truncate(r.Abstract, 300)})
	}
	if r.Language != "" {
		p.OpenGraph = append(p.OpenGraph, [2]string{"og:locale", strings.ReplaceAll(r.Language, "-", "_")})
	}
	p.JSONLD = jsonLD(&plain, p.Event, recordURL(st.cfg.BaseURL, r.ID))
	v.NoIndex = r.Status != catalog.StatusPublished
	return st.render(c, http.StatusOK, "record", p)
}

// citation fills the citation box in the style asked for (?style=), APA
// by default, the in-text citation pointing at the page asked for
// (?locator=) when there is one.
func (st *site) citation(c echo.Context, p *recordPage) {
	lib := st.cfg.Styles
	if lib == nil {
		return
	}
	p.Styles = lib.Styles()
	p.Style = c.QueryParam("style")
	proc, err := lib.Processor(p.Style, "")
	if err != nil {
		p.Style = "apa"
		if proc, err = lib.Processor(p.Style, ""); err != nil {
			return
		}
	}
	item, err := csljson.ProcessorItem(p.R, p.Event)
	if err != nil {
		return
	}
	if refs := proc.Bibliography([]*csl.Item{item}, "html"); len(refs) > 0 {
		p.Reference = template.HTML(refs[0]) // the processor escapes the data
	}
	if locator, _, err := citationLocator(c.QueryParam("locator"), ""); err == nil {
		p.Locator = locator
		item.SetLocator(locator, "")
	}
	p.InText = template.HTML(proc.Citation([]*csl.Item{item}, "html"))
	for _, info := range p.Styles {
		if info.ID == p.Style && info.Class == "note" {
			p.NoteStyle = true
		}
	}
	if n := template.HTML(proc.NarrativeCitation(item, "html")); n != p.InText {
		p.Narrative = n
	}
	if strings.TrimSpace(string(p.Reference)) == "" {
		// a style whose bibliography leaves this kind out (Chicago notes
		// and bibliography: speeches, interviews) is cited by its note
		p.Reference, p.InText = p.InText, ""
	}
}

// highwire are the citation_* meta tags Google Scholar reads.
func highwire(r *catalog.Record, ev *catalog.Event, url string) [][2]string {
	// one citation_title, as Google Scholar expects; the translations as
	// Dublin Core titles (their languages in the page's JSON-LD)
	m := [][2]string{{"citation_title", r.Title}}
	for _, t := range r.Translations {
		m = append(m, [2]string{"DC.title", t.Title})
	}
	for _, cn := range r.Contributors {
		m = append(m, [2]string{"citation_author", cn.DisplayName()})
		if cn.Affiliation != "" {
			m = append(m, [2]string{"citation_author_institution", cn.Affiliation})
		}
	}
	if r.Date != "" {
		m = append(m, [2]string{"citation_publication_date", strings.ReplaceAll(r.Date, "-", "/")})
	}
	if ev != nil {
		m = append(m, [2]string{"citation_conference_title", ev.Name})
	}
	container := "citation_journal_title"
	switch r.Kind {
	case catalog.KindChapter, catalog.KindBook:
		container = "citation_inbook_title"
	case catalog.KindPresentation, catalog.KindSpeech:
		container = "citation_conference_title"
	}
	first, last, _ := strings.Cut(r.Pages, "-")
	for _, kv := range [][2]string{{container, r.ContainerTitle}, {"citation_conference_title", r.EventName},
		{"citation_volume", r.Volume}, {"citation_issue", r.Issue}, {"citation_firstpage", first}, {"citation_lastpage", last},
		{"citation_pmid", r.Identifiers.PMID}, {"citation_arxiv_id", r.Identifiers.ArXiv},
		{"citation_language", r.Language}, {"citation_publisher", r.Publisher},
		{"citation_doi", r.Identifiers.DOI}, {"citation_isbn", r.Identifiers.ISBN}, {"citation_issn", r.Identifiers.ISSN},
		{"citation_keywords", strings.Join(r.Keywords, "; ")}, {"citation_abstract_html_url", url}} {
		if kv[1] != "" {
			m = append(m, kv)
		}
	}
	if f := citablePDF(r); f != nil { // Google Scholar indexes the full text from it
		m = append(m, [2]string{"citation_pdf_url", url + "/files/" + neturl.PathEscape(f.Name)})
	}
	return m
}

// citablePDF is the open PDF that stands for the record: its full text,
// else its first open PDF; nil when there is none.
func citablePDF(r *catalog.Record) *catalog.File {
	today := time.Now().UTC().Format(time.DateOnly)
	var first *catalog.File
	for i := range r.Files {
		f := &r.Files[i]
		if !strings.HasPrefix(f.MediaType, "application/pdf") || !catalog.FileOpen(f, today) {
			continue
		}
		if f.Label == catalog.LabelFulltext {
			return f
		}
		if first == nil {
			first = f
		}
	}
	return first
}

// openFilesLD lists a record's open files as schema.org media objects.
func openFilesLD(r *catalog.Record, url string) []map[string]any {
	today := time.Now().UTC().Format(time.DateOnly)
	var out []map[string]any
	for i := range r.Files {
		f := &r.Files[i]
		if !catalog.FileOpen(f, today) {
			continue
		}
		base, _, _ := strings.Cut(f.MediaType, ";")
		o := map[string]any{"@type": "MediaObject", "name": f.Name, "contentUrl": url + "/files/" + neturl.PathEscape(f.Name),
			"encodingFormat": base, "contentSize": strconv.FormatInt(f.Size, 10), "sha256": f.SHA256}
		if f.Language != "" {
			o["inLanguage"] = f.Language
		}
		out = append(out, o)
	}
	return out
}

// jsonLD is the record as schema.org.
func jsonLD(r *catalog.Record, ev *catalog.Event, url string) map[string]any {
	// schema.org's Legislation is for laws and regulations a legislature
	// or government makes; an agreement academies sign is a document of
	// theirs: a CreativeWork whose genre says what it is (as Google's
	// structured data takes any CreativeWork with a genre)
	types := map[catalog.Kind]string{catalog.KindPresentation: "PresentationDigitalDocument", catalog.KindSpeech: "CreativeWork",
		catalog.KindReport: "Report", catalog.KindAgreement: "CreativeWork", catalog.KindBook: "Book", catalog.KindChapter: "Chapter",
		catalog.KindArticle: "ScholarlyArticle", catalog.KindDataset: "Dataset"}
	t := types[r.Kind]
	if t == "" {
		t = "CreativeWork"
	}
	ld := map[string]any{"@context": "https://schema.org", "@type": t, "@id": url, "url": url, "name": r.Title, "identifier": r.ID}
	switch {
	case r.Genre != "":
		ld["genre"] = r.Genre
	case r.Kind == catalog.KindAgreement || r.Kind == catalog.KindSpeech:
		ld["genre"] = string(r.Kind)
	}
	if files := openFilesLD(r, url); len(files) > 0 {
		ld["encoding"] = files
	}
	if r.Language != "" {
		ld["inLanguage"] = r.Language
	}
	if r.Abstract != "" {
		ld["abstract"] = r.Abstract
	}
	if r.Date != "" {
		ld["datePublished"] = r.Date
	}
	if len(r.Keywords) > 0 {
		ld["keywords"] = strings.Join(r.Keywords, ", ")
	}
	var authors []map[string]any
	for _, cn := range r.Contributors {
		a := map[string]any{"@type": "Person", "name": cn.DisplayName()}
		if cn.Literal != "" {
			a["@type"] = "Organization"
		}
		if cn.Family != "" {
			a["familyName"], a["givenName"] = cn.Family, cn.Given
		}
		if cn.Affiliation != "" {
			a["affiliation"] = map[string]any{"@type": "Organization", "name": cn.Affiliation}
		}
		if cn.ORCID != "" {
			a["sameAs"] = "https://orcid.org/" + cn.ORCID
		}
		authors = append(authors, a)
	}
	if len(authors) > 0 {
		ld["author"] = authors
	}
	var alt []string
	for _, tr := range r.Translations {
		alt = append(alt, tr.Title)
	}
	if len(alt) > 0 {
		ld["alternateName"] = alt
	}
	if r.Identifiers.DOI != "" {
		ld["sameAs"] = "https://doi.org/" + r.Identifiers.DOI
	}
	if r.ContainerTitle != "" {
		ld["isPartOf"] = partOfLD(r)
	}
	if r.Pages != "" {
		ld["pagination"] = r.Pages
	}
	if ev != nil {
		e := map[string]any{"@type": "Event", "name": ev.Name}
		if ev.Place != "" {
			e["location"] = ev.Place
		}
		if ev.Start != "" {
			e["startDate"] = ev.Start
		}
		if ev.End != "" {
			e["endDate"] = ev.End
		}
		ld["recordedAt"] = e
	}
	return ld
}

// eventsPage lists the events.
type eventsPage struct {
	*view
	Events []catalog.Event
}

func (st *site) eventsPage(c echo.Context) error {
	v := st.newView(c, "")
	v.Nav, v.Title = "events", v.T("events.title")
	events, err := st.cfg.Store.FindEvents(c.Request().Context())
	if err != nil {
		return st.fail(c, err)
	}
	return st.render(c, http.StatusOK, "events", eventsPage{view: v, Events: events})
}

// eventPage is an event's programme: its sessions in order, each with
// links to its outputs.
type eventPage struct {
	*view
	E        *catalog.Event
	Name     string
	Others   []string
	Sessions []eventSession
	CanBuild bool
}

type eventSession struct {
	Key, Title, Date string
	Records          []catalog.Record
}

func (st *site) eventPage(c echo.Context) error {
	ctx := c.Request().Context()
	v := st.newView(c, "")
	v.Nav = "events"
	ev, err := st.cfg.Store.FindEventByID(ctx, c.Param("id"))
	if err != nil {
		return st.fail(c, err)
	}
	p := eventPage{view: v, E: ev, Name: localName(ev.Name, ev.Translations, v.Lang), CanBuild: v.Actor != nil}
	v.Title = p.Name
	if p.Name != ev.Name {
		p.Others = append(p.Others, ev.Name)
	}
	for _, t := range ev.Translations {
		if t.Name != p.Name && t.Name != ev.Name {
			p.Others = append(p.Others, t.Name)
		}
	}
	statuses := []catalog.Status{catalog.StatusPublished}
	if v.Actor != nil {
		statuses = nil
	}
	records, err := allRecords(ctx, st.cfg.Store, catalog.RecordFilter{Event: ev.ID, Statuses: statuses})
	if err != nil {
		return st.fail(c, err)
	}
	for _, sec := range arrangeForPage(ev, records) {
		es := eventSession{Key: sec.Key, Title: sec.Title, Records: sec.Records}
		if sec.Key == "" {
			es.Title = v.T("event.other")
		} else if s, ok := ev.FindSession(sec.Key); ok {
			es.Title, es.Date = s.TitleIn(v.Lang), v.Date(s.Date)
		}
		p.Sessions = append(p.Sessions, es)
	}
	return st.render(c, http.StatusOK, "event", p)
}

// arrangeForPage orders an event's records by its programme, as the
// proceedings do.
func arrangeForPage(ev *catalog.Event, records []catalog.Record) []proceedings.Section {
	return proceedings.Arrange(ev, records, "")
}

// allRecords lists every record a filter selects.
func allRecords(ctx context.Context, store catalog.Store, f catalog.RecordFilter) ([]catalog.Record, error) {
	var out []catalog.Record
	f.Size = catalog.MaxPageSize
	for {
		page, err := store.FindRecords(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Records...)
		if page.Next == "" {
			return out, nil
		}
		f.After = page.Next
	}
}

// partOfLD is where a record was published as schema.org: an article's
// journal (with its volume and issue), a chapter's book.
func partOfLD(r *catalog.Record) map[string]any {
	t := "CreativeWork"
	switch r.Kind {
	case catalog.KindArticle:
		t = "Periodical"
	case catalog.KindChapter, catalog.KindBook:
		t = "Book"
	}
	part := map[string]any{"@type": t, "name": r.ContainerTitle}
	if r.Identifiers.ISSN != "" {
		part["issn"] = append([]string{r.Identifiers.ISSN}, r.Identifiers.OtherISSNs...)
	}
	if r.Volume != "" {
		part = map[string]any{"@type": "PublicationVolume", "volumeNumber": r.Volume, "isPartOf": part}
	}
	if r.Issue != "" {
		part = map[string]any{"@type": "PublicationIssue", "issueNumber": r.Issue, "isPartOf": part}
	}
	return part
}

// recordDetails are the bibliographic details a record page lists beside
// its title, in the page's language.
func recordDetails(v *view, r *catalog.Record) [][2]string {
	var out [][2]string
	add := func(key, value string) {
		if value != "" {
			out = append(out, [2]string{v.T(key), value})
		}
	}
	add("record.published_in", sourceLine(r))
	series, number := r.Series, r.Number
	if r.Kind == catalog.KindArticle && r.ContainerTitle != "" {
		number = "" // an article's number is in the source line
	}
	if series != "" && number != "" {
		series += ", " + number
	} else if series == "" {
		add("record.number", number)
	}
	add("record.series", series)
	add("record.edition", r.Edition)
	add("record.chapter", r.Chapter)
	add("record.number_of_pages", r.NumberOfPages)
	add("record.genre", r.Genre)
	add("record.medium", r.Medium)
	add("record.original_date", r.OriginalDate)
	add("record.event", r.EventName)
	return out
}

// sourceLine is where a record was published, written the way
// bibliographies of every language read: "Journal, 95(3), 10-20".
func sourceLine(r *catalog.Record) string {
	if r.ContainerTitle == "" {
		return ""
	}
	s := r.ContainerTitle
	if r.Volume != "" || r.Issue != "" {
		s += ", " + r.Volume
		if r.Issue != "" {
			s += "(" + r.Issue + ")"
		}
	}
	if r.Pages != "" {
		s += ", " + r.Pages
	}
	if r.Kind == catalog.KindArticle && r.Number != "" {
		s += ", " + r.Number
	}
	return s
}

// identifierLinks are a record's identifiers, each linked where it
// resolves.
func identifierLinks(ids catalog.Identifiers) []pageLink {
	var out []pageLink
	add := func(label, value, url string) {
		if value != "" {
			out = append(out, pageLink{Label: label + " " + value, URL: url})
		}
	}
	add("DOI", ids.DOI, "https://doi.org/"+ids.DOI)
	for _, v := range append([]string{ids.ISBN}, ids.OtherISBNs...) {
		add("ISBN", v, "")
	}
	for _, v := range append([]string{ids.ISSN}, ids.OtherISSNs...) {
		add("ISSN", v, "https://portal.issn.org/resource/ISSN/"+v)
	}
	add("PMID", ids.PMID, "https://pubmed.ncbi.nlm.nih.gov/"+ids.PMID+"/")
	add("PMCID", ids.PMCID, "https://www.ncbi.nlm.nih.gov/pmc/articles/"+ids.PMCID+"/")
	add("arXiv", ids.ArXiv, "https://arxiv.org/abs/"+ids.ArXiv)
	add("Handle", ids.Handle, "https://hdl.handle.net/"+ids.Handle)
	add("URL", ids.URL, ids.URL)
	return out
}

// withdrawnPage tells a reader that a record was withdrawn (410), with its
// citation: they may have come from a reference to it.
func (st *site) withdrawnPage(c echo.Context, v *view, r *catalog.Record) error {
	v.NoIndex = true
	v.Title = markup.Plain(r.Title)
	p := errorPage{view: v, Status: http.StatusGone, Message: v.T("record.withdrawn", v.Title)}
	if lib := st.cfg.Styles; lib != nil {
		if proc, err := lib.Processor("apa", ""); err == nil {
			var ev *catalog.Event
			if r.Event != "" {
				ev = export.CachedEvents(st.cfg.Store)(c.Request().Context(), r.Event)
			}
			if item, err := csljson.ProcessorItem(r, ev); err == nil {
				if refs := proc.Bibliography([]*csl.Item{item}, "html"); len(refs) > 0 {
					p.Citation = template.HTML(refs[0]) // the processor escapes the data
				}
			}
		}
	}
	return st.render(c, http.StatusGone, "error", p)
}

// pageLocales are the citation locales of the pages' languages.
var pageLocales = map[string]string{"en": "en-US", "ru": "ru-RU", "zh": "zh-CN"}

// publishedProceedings lets any reader download an event's proceedings
// (or a session's: ?session=KEY): its published records, cited in the
// page's language (?style= another style than APA), made once and kept
// until a record or the event changes.
func (st *site) publishedProceedings(c echo.Context) error {
	if st.cfg.Exports == nil {
		return st.fail(c, catalog.Errorf(catalog.EUNAVAILABLE, "This server makes no proceedings."))
	}
	v := st.newView(c, "")
	path, err := st.cfg.Exports.PublishedProceedings(c.Request().Context(), c.Param("id"), c.QueryParam("session"),
		c.QueryParam("style"), pageLocales[v.Lang])
	if err != nil {
		if catalog.ErrorCode(err) == catalog.EINVALID {
			err = catalog.Errorf(catalog.ENOTFOUND, "%s", catalog.ErrorMessage(err))
		}
		return st.fail(c, err)
	}
	name := c.Param("id")
	if s := c.QueryParam("session"); s != "" {
		name += "-" + s
	}
	c.Response().Header().Set("Content-Disposition", `inline; filename="`+name+`-proceedings.pdf"`)
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.File(path)
}
