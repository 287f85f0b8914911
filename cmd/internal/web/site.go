package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/i18n"
	"github.com/annals/annals/catalog/markup"
	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"
)

// The HTML pages for people: search, records, events, and the librarian's
// pages. They are rendered on the server with html/template from the
// templates in assets, in English, Russian or Chinese, and work without
// JavaScript for reading; scripts only add copying, live progress and
// the citation style picker.

// site holds what the pages need: parsed templates, static files under
// content-hashed names, and the interface messages.
type site struct {
	cfg    *Config // what the pages share with the API
	log    *slog.Logger
	pages  map[string]*template.Template
	static map[string]staticFile // by hashed name
	hashed map[string]string     // logical name -> /static/hashed name
	words  *i18n.Words
	// failures counts failed sign-ins with the API's failed tokens.
	failures *failureLimiter
	key      []byte // signs session cookies and CSRF tokens
}

type staticFile struct {
	data  []byte
	ctype string
}

var langMatcher = language.NewMatcher([]language.Tag{language.English, language.Russian, language.Chinese})

// newSite reads templates (templates/*.html), static files (static/*) and
// messages (i18n/LANG.json) from fsys.
func newSite(cfg *Config, log *slog.Logger, fsys fs.FS, key []byte) (*site, error) {
	if len(key) < 32 {
		return nil, errors.New("site: the session key must have at least 32 bytes")
	}
	st := &site{cfg: cfg, log: log, pages: map[string]*template.Template{}, static: map[string]staticFile{},
		hashed: map[string]string{}, key: key}
	names, err := fs.Glob(fsys, "static/*")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		base := path.Base(name)
		sum := sha256.Sum256(data)
		ext := path.Ext(base)
		hashedName := strings.TrimSuffix(base, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		st.static[hashedName] = staticFile{data: data, ctype: mime.TypeByExtension(ext)}
		st.hashed[base] = "/static/" + hashedName
	}
	if st.words, err = i18n.Load(fsys); err != nil {
		return nil, err
	}
	pages, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		name := path.Base(p)
		if name == "layout.html" {
			continue
		}
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(fsys, "templates/layout.html", p)
		if err != nil {
			return nil, err
		}
		st.pages[strings.TrimSuffix(name, ".html")] = t
	}
	return st, nil
}

// templateFuncs are the helpers templates use beside the view's methods.
var templateFuncs = template.FuncMap{
	"join": strings.Join,
	// rich shows a title's styles (<i>, <b>, <sup>...; package markup),
	// every other character escaped
	"rich":  func(s string) template.HTML { return template.HTML(markup.HTML(s)) },
	"plain": markup.Plain,
	"add":   func(a, b int) int { return a + b },
	"json": func(v any) (template.JS, error) {
		data, err := json.Marshal(v)
		return template.JS(data), err
	},
}

func (st *site) routes(e *echo.Echo) {
	e.GET("/", st.searchPage)
	e.GET("/search", st.searchPage)
	e.GET("/records/:id", st.recordPage)
	e.GET("/events", st.eventsPage)
	e.GET("/events/:id", st.eventPage)
	e.GET("/events/:id/proceedings.pdf", st.publishedProceedings)
	e.GET("/static/:file", st.staticFile)
	e.GET("/sign-in", st.signInPage)
	e.POST("/sign-in", st.signIn)
	e.POST("/sign-out", st.signOut)
	lib := e.Group("/librarian", st.requireSession)
	lib.GET("", st.librarianHome)
	lib.GET("/", st.librarianHome)
	lib.GET("/records/new", st.recordForm)
	lib.POST("/records/new", st.saveRecord)
	lib.GET("/records/:id/edit", st.recordForm)
	lib.POST("/records/:id/edit", st.saveRecord)
	lib.GET("/records/:id/history", st.historyPage)
	lib.POST("/records/:id/delete", st.deleteRecordForm)
	lib.POST("/records/:id/restore", st.restoreRecord)
	lib.GET("/queue", st.queuePage)
	lib.GET("/duplicates", st.duplicatesPage)
	lib.GET("/merge", st.mergeForm)
	lib.POST("/merge", st.mergeRecordsForm)
	lib.POST("/queue", st.changeQueue)
	lib.POST(strings.TrimPrefix(uploadRoute, "/librarian"), st.uploadFiles)
	lib.POST("/records/:id/files-remove", st.removeFile)
	lib.POST("/records/:id/files-move", st.moveFile)
	lib.GET("/events/new", st.eventForm)
	lib.POST("/events/new", st.saveEvent)
	lib.GET("/events/:id/edit", st.eventForm)
	lib.POST("/events/:id/edit", st.saveEvent)
	lib.GET("/import", st.importPage)
	lib.POST("/import", st.importUpload)
	lib.GET("/proceedings", st.builderPage)
	lib.POST("/proceedings", st.startBuild)
	lib.GET("/exports/:id", st.exportPage)
	lib.GET("/exports/:id/status", st.exportStatus)
	lib.GET("/exports/:id/file", st.exportDownload)
}

// staticFile serves a static file under its content-hashed name, for a
// year: a changed file gets a new name.
func (st *site) staticFile(c echo.Context) error {
	f, ok := st.static[c.Param("file")]
	if !ok {
		return st.fail(c, catalog.Errorf(catalog.ENOTFOUND, "There is no such file."))
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, f.ctype, f.data)
}

// view is what every page knows: the language, who is signed in, the
// CSRF token for its forms, and how to say things (i18n.Lang's T, Date,
// DateRange, Num, Kind, Role, Topic, LanguageName, CountryName).
type view struct {
	say     i18n.Lang
	Lang    string
	Actor   *catalog.Actor
	CSRF    string
	Path    string // the page's path and query, for the language switch
	Title   string
	Nav     string // the section of the site, for the navigation
	site    *site
	Langs   []string
	Flash   string
	NoIndex bool
}

// Asset is the URL of a static file.
func (v *view) Asset(name string) string { return v.site.hashed[name] }

// LangURL is the current page in another interface language.
func (v *view) LangURL(lang string) string {
	u := v.Path
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "lang=" + lang
}

// LangName is a language's name in itself.
func (v *view) LangName(lang string) string {
	return map[string]string{"en": "English", "ru": "Русский", "zh": "中文"}[lang]
}

// newView starts a page's view: language and session.
func (st *site) newView(c echo.Context, title string) *view {
	lang := st.lang(c)
	v := &view{Lang: lang, say: st.words.In(lang), site: st, Title: title, Path: c.Request().URL.RequestURI(), Langs: i18n.Languages()}
	if sess, ok := st.currentSession(c); ok {
		v.Actor = &sess.actor
		v.CSRF = st.csrfToken(sess.cookie)
	}
	return v
}

// lang picks the interface language: ?lang= (remembered in a cookie), the
// cookie, then Accept-Language.
func (st *site) lang(c echo.Context) string {
	if l := c.QueryParam("lang"); l != "" {
		for _, x := range i18n.Languages() {
			if x == l {
				c.SetCookie(&http.Cookie{Name: "annals_lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
					SameSite: http.SameSiteLaxMode, HttpOnly: true})
				return l
			}
		}
	}
	if ck, err := c.Cookie("annals_lang"); err == nil {
		for _, x := range i18n.Languages() {
			if x == ck.Value {
				return x
			}
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(c.Request().Header.Get("Accept-Language"))
	_, i, _ := langMatcher.Match(tags...)
	return i18n.Languages()[i]
}

// render writes a page.
func (st *site) render(c echo.Context, status int, page string, data any) error {
	t, ok := st.pages[page]
	if !ok {
		return fmt.Errorf("no template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Vary", "Accept-Language, Cookie")
	if v, ok := data.(interface{ lang() string }); ok {
		h.Set("Content-Language", v.lang())
	}
	if strings.HasPrefix(c.Request().URL.Path, "/librarian") || strings.HasPrefix(c.Request().URL.Path, "/sign-in") {
		h.Set("Cache-Control", "no-store")
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func (v *view) lang() string { return v.Lang }

// errorPage is the data of the error page.
type errorPage struct {
	*view
	Status  int
	Message string
	// Citation is how to cite a withdrawn record, which a reader may
	// have been sent to by a citation.
	Citation template.HTML
}

// fail renders an error as a page, with the status its code maps to.
func (st *site) fail(c echo.Context, err error) error {
	p := problemFor(err, c)
	if p.Status >= 500 {
		st.log.Error("page error", "path", c.Request().URL.Path, "error", err.Error())
	}
	v := st.newView(c, "")
	v.NoIndex = true
	msg := p.Detail
	if p.Status == http.StatusNotFound {
		msg = v.T("error.notfound")
	}
	return st.render(c, p.Status, "error", errorPage{view: v, Status: p.Status, Message: msg})
}
