package web

import (
	"bytes"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog/catalogtest"
)

// newPagesEnv is a server with its pages and the sample catalogue.
func newPagesEnv(t *testing.T) *env {
	t.Helper()
	e := newEnvWith(t, func(c *Config) { c.Site, c.SessionKey = assets.FS(), []byte(strings.Repeat("k", 32)) })
	catalogtest.LoadSample(t, e.store)
	e.catchUp()
	return e
}

// browserClient keeps cookies and does not follow redirects.
func browserClient(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp, buf.String()
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formToken reads the CSRF token of the form on the page at u.
func formToken(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	_, page := get(t, c, u)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on %s", u)
	}
	return m[1]
}

// signIn signs a client in with a token.
func signIn(t *testing.T, c *http.Client, base, token string) {
	t.Helper()
	resp, err := c.PostForm(base+"/sign-in", url.Values{"csrf": {formToken(t, c, base+"/sign-in")}, "token": {token}, "next": {"/librarian/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/librarian/" {
		t.Fatalf("sign-in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestPagesSpeakTheReadersLanguage(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	for _, tc := range []struct{ accept, lang, word string }{
		{"ru-RU,ru;q=0.9,en;q=0.5", "ru", "Поиск"}, {"zh-CN", "zh", "检索"}, {"de-DE", "en", "Search"}, {"", "en", "Search"},
	} {
		resp, body := get(t, c, e.url+"/search?q=energy", "Accept-Language: "+tc.accept)
		if !strings.Contains(body, `<html lang="`+tc.lang+`">`) || !strings.Contains(body, tc.word) || resp.Header.Get("Content-Language") != tc.lang {
			t.Errorf("Accept-Language %q: not in %s", tc.accept, tc.lang)
		}
	}
	// the switch is remembered
	get(t, c, e.url+"/?lang=zh")
	if _, body := get(t, c, e.url+"/events", "Accept-Language: ru"); !strings.Contains(body, `<html lang="zh">`) {
		t.Error("the chosen language was not remembered")
	}
	// dates the language's way
	if _, body := get(t, c, e.url+"/records/jinan-2025-aldoshin?lang=ru"); !strings.Contains(body, "4 июня 2025 г.") {
		t.Error("no Russian date on the record page")
	}
}

func TestPagesMetadataAndErrors(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	_, body := get(t, c, e.url+"/records/jinan-2025-aldoshin")
	for _, want := range []string{`<meta name="citation_title" content="Приветственное слово">`, `<meta name="citation_author" content="Алдошин, Сергей Михайлович">`,
		`<meta name="citation_publication_date" content="2025/06/04">`, `"@type":"CreativeWork"`, `"name":"Приветственное слово"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the record page lacks %s", want)
		}
	}
	resp, body := get(t, c, e.url+"/records/no-such-record")
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "404") {
		t.Errorf("missing record: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// static files under their hash, cached for a year
	m := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{12}\.css)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no hashed stylesheet link")
	}
	if resp, _ := get(t, c, e.url+m[1]); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("stylesheet: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := get(t, c, e.url+"/static/app.css"); resp.StatusCode != 404 {
		t.Errorf("an unhashed name: %d", resp.StatusCode)
	}
	// a draft is not shown without a session
	draft := speech("jinan-2025-draft")
	draft["status"], draft["event"], draft["session"] = "draft", "jinan-2025", "opening"
	e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, draft))
	if resp, _ := get(t, c, e.url+"/records/jinan-2025-draft"); resp.StatusCode != 404 {
		t.Errorf("draft without a session: %d", resp.StatusCode)
	}
}

func TestLibrarianPagesNeedASessionAndCSRF(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	resp, _ := get(t, c, e.url+"/librarian/records/new")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in?next=") {
		t.Errorf("without a session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// a bad token
	csrf := formToken(t, c, e.url+"/sign-in")
	r, _ := c.PostForm(e.url+"/sign-in", url.Values{"csrf": {csrf}, "token": {"annals_wrong"}})
	if r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a bad token: %d", r.StatusCode)
	}
	// sign-in without the form's CSRF token
	r, _ = c.PostForm(e.url+"/sign-in", url.Values{"token": {e.librarian}})
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in without CSRF: %d", r.StatusCode)
	}
	signIn(t, c, e.url, e.librarian)
	for _, form := range []url.Values{{"title": {"No CSRF"}}, {"title": {"Bad CSRF"}, "csrf": {"nope"}}} {
		r, _ := c.PostForm(e.url+"/librarian/records/new", form)
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("%v: %d", form, r.StatusCode)
		}
	}
	// a cross-site form is refused even with the token
	csrf = formToken(t, c, e.url+"/librarian/records/new")
	req, _ := http.NewRequest("POST", e.url+"/librarian/records/new", strings.NewReader(url.Values{"csrf": {csrf}, "title": {"x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if r, _ := c.Do(req); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site: %d", r.StatusCode)
	}
	// revoking the token ends the session
	tokens, _ := e.store.FindTokens(t.Context())
	for _, tok := range tokens {
		if tok.Name == "Librarian Ирина" {
			e.store.RevokeToken(t.Context(), tok.ID)
		}
	}
	if resp, _ := get(t, c, e.url+"/librarian/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after revoking: %d", resp.StatusCode)
	}
}

func TestImportPreviewWritesNothing(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	csrf := formToken(t, c, e.url+"/librarian/import")
	before, _ := e.store.CountRecords(t.Context())
	post := func(action, name, content string) (int, string) {
		return uploadImport(t, c, e.url+"/librarian/import", csrf, action, name, []byte(content))
	}
	bib := "@inproceedings{a, title={Квантовые вычисления}, author={Петров, Иван}, year={2025}}\n@inproceedings{b, title={}, year={20x5}}\n"
	status, html := post("preview", "refs.bib", bib)
	if status != 200 || !strings.Contains(html, "Nothing was written") || !strings.Contains(html, "failed") {
		t.Errorf("preview: %d", status)
	}
	if after, _ := e.store.CountRecords(t.Context()); after != before {
		t.Errorf("the preview wrote %d records", after-before)
	}
	status, _ = post("import", "refs.bib", bib)
	if after, _ := e.store.CountRecords(t.Context()); status != 200 || after != before+1 {
		t.Errorf("import: %d, %d records added", status, after-before)
	}
	if status, html = post("import", "refs.txt", "hello"); status != http.StatusUnsupportedMediaType || !strings.Contains(html, "refs.txt") {
		t.Errorf("a .txt file: %d", status)
	}
	if status, _ = post("import", "broken.bib", "@article{x, title={unclosed"); status != http.StatusBadRequest {
		t.Errorf("broken BibTeX: %d", status)
	}
}

// TestEventPageListsTheProgramme checks the event page: every session
// with a link to each of its published outputs, and a proceedings button
// a reader who is not signed in can use (the builder is the librarians').
func TestEventPageListsTheProgramme(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	resp, page := get(t, c, e.url+"/events/jinan-2025", "Accept-Language: en")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("event page: %d", resp.StatusCode)
	}
	links := map[string]bool{}
	for _, m := range regexp.MustCompile(`href="/records/([^"]+)"`).FindAllStringSubmatch(page, -1) {
		links[m[1]] = true
	}
	if len(links) != 88 || !links["jinan-2025-aldoshin"] || !links["jinan-2025-life-sciences-07"] {
		t.Errorf("the programme links %d outputs, want the 88 of the sample", len(links))
	}
	for _, session := range []string{`id="session-opening"`, `id="session-ai"`, `id="session-energy"`} {
		if !strings.Contains(page, session) {
			t.Errorf("no section %s", session)
		}
	}
	if !strings.Contains(page, `<a class="button" href="/events/jinan-2025/proceedings.pdf">`) {
		t.Fatal("no proceedings button for a reader")
	}
	if strings.Contains(page, `href="/librarian/proceedings?event=jinan-2025"`) {
		t.Error("a reader is offered the librarians' builder")
	}
	if strings.Contains(page, "/librarian/events/jinan-2025/edit") {
		t.Error("a reader is offered the edit link")
	}
}

// TestSignOutEndsTheSessionOnTheServer: a copy of the session cookie taken
// before signing out no longer opens the librarian's pages.
func TestSignOutEndsTheSessionOnTheServer(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	u, _ := url.Parse(e.url)
	var copied *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			copied = ck
		}
	}
	if copied == nil {
		t.Fatal("no session cookie after signing in")
	}
	resp, page := get(t, c, e.url+"/librarian/")
	m := csrfRe.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("the librarian's page: %d", resp.StatusCode)
	}
	out, err := c.PostForm(e.url+"/sign-out", url.Values{"csrf": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	out.Body.Close()
	thief := browserClient(t)
	thief.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: copied.Value, Path: "/"}})
	if resp, _ := get(t, thief, e.url+"/librarian/"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
		t.Errorf("a cookie copied before signing out still opens the librarian's pages: %d", resp.StatusCode)
	}
}

// TestFormErrorsSpeakThePageLanguage: the record form's validation messages
// are said in the page's language (they were English on Russian and
// Chinese pages), each under its field.
func TestFormErrorsSpeakThePageLanguage(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	for lang, want := range map[string][]string{
		"ru": {"обязательное поле", `"2025-13-45": дата должна иметь вид ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД`, `строка 2: "поэт" — не роль`},
		"zh": {"必填", `"2025-13-45" 应为 YYYY、YYYY-MM 或 YYYY-MM-DD 格式的真实日期`, `第 2 行："поэт" 不是角色`},
		"en": {"is required", `"2025-13-45" must be YYYY, YYYY-MM or YYYY-MM-DD and a real calendar date`, `line 2: "поэт" is not a role`},
	} {
		csrf := formToken(t, c, e.url+"/librarian/records/new?lang="+lang)
		r, err := c.PostForm(e.url+"/librarian/records/new", url.Values{"csrf": {csrf}, "kind": {"report"}, "title": {""},
			"date": {"2025-13-45"}, "contributors": {"Петров, Иван; author\nСидоров, Пётр; поэт"}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		page := html.UnescapeString(string(body))
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d", lang, r.StatusCode)
		}
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the form does not say %q\n%s", lang, w, between(page, `class="field invalid"`, "</form>"))
			}
		}
	}
}

// TestFormRolesInThePageLanguage: a role typed in the page's language
// ("докладчик") is saved as its code, and the edit form names roles in
// the page's language.
func TestFormRolesInThePageLanguage(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	csrf := formToken(t, c, e.url+"/librarian/records/new?lang=ru")
	r, err := c.PostForm(e.url+"/librarian/records/new", url.Values{"csrf": {csrf}, "id": {"roles-ru"}, "kind": {"presentation"},
		"title": {"Роли по-русски"}, "contributors": {"Петров, Иван; Докладчик\nСидорова, Анна; председатель\nWang, Li; author"}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	var rec struct {
		Contributors []struct{ Family, Role string }
	}
	e.do("GET", "/api/v1/records/roles-ru", e.librarian, nil).json(t, &rec)
	if len(rec.Contributors) != 3 || rec.Contributors[0].Role != "speaker" || rec.Contributors[1].Role != "chair" || rec.Contributors[2].Role != "author" {
		t.Fatalf("saved %+v (form answered %d)", rec.Contributors, r.StatusCode)
	}
	_, page := get(t, c, e.url+"/librarian/records/roles-ru/edit?lang=zh")
	if !strings.Contains(html.UnescapeString(page), "Петров, Иван; 报告人") {
		t.Errorf("the Chinese edit form does not name the role in Chinese:\n%s", between(page, `name="contributors"`, "</textarea>"))
	}
}
