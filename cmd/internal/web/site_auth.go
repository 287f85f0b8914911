package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

// Librarians sign in by giving their token once: the server stores a
// session (catalog.WebSessionStore) and answers with an HttpOnly, SameSite
// cookie holding the session's random id, signed with the server's key.
// Every request finds the session in the store: signing out ends it there,
// so a copy of the cookie taken before no longer opens anything; revoking
// the token ends its sessions too. Forms carry a CSRF token derived from
// the session; the sign-in form, before there is a session, a random one
// matched against a cookie.

const (
	sessionCookie = "annals_session"
	preCSRFCookie = "annals_csrf"
	sessionLength = 12 * time.Hour
)

type session struct {
	id     string // in the store
	cookie string
	actor  catalog.Actor
}

func (st *site) sign(msg string) string {
	m := hmac.New(sha256.New, st.key)
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// currentSession reads and checks the session cookie.
func (st *site) currentSession(c echo.Context) (session, bool) {
	if s, ok := c.Get("site.session").(session); ok {
		return s, true
	}
	ck, err := c.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	id, sig, ok := strings.Cut(ck.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(st.sign("session."+id))) {
		return session{}, false // not one this server made: no need to ask the store
	}
	_, tok, err := st.cfg.Store.FindWebSession(c.Request().Context(), id)
	if err != nil {
		return session{}, false
	}
	s := session{id: id, cookie: ck.Value, actor: catalog.Actor{Name: tok.Name, Role: tok.Role}}
	c.Set("site.session", s)
	return s, true
}

// csrfToken is the CSRF token of a session's forms.
func (st *site) csrfToken(cookie string) string { return st.sign("csrf." + cookie) }

// checkCSRF refuses a form without the session's CSRF token, or posted
// from another site.
func (st *site) checkCSRF(c echo.Context, s session) error {
	if err := sameOrigin(c); err != nil {
		return err
	}
	return st.checkCSRFValue(s, c.FormValue("csrf"))
}

// sameOrigin refuses a form posted from another site.
func sameOrigin(c echo.Context) error {
	if origin := c.Request().Header.Get("Origin"); origin != "" {
		if u, err := url.Parse(origin); err != nil || u.Host != c.Request().Host {
			return catalog.Errorf(catalog.EFORBIDDEN, "The form was sent from another site.")
		}
	}
	return nil
}

// checkCSRFValue checks a form's CSRF token.
func (st *site) checkCSRFValue(s session, token string) error {
	if !hmac.Equal([]byte(token), []byte(st.csrfToken(s.cookie))) {
		return catalog.Errorf(catalog.EFORBIDDEN, "The form has expired; reload the page and send it again.")
	}
	return nil
}

// requireSession sends visitors without a session to the sign-in page,
// checks the CSRF token of every form, and attributes writes to the
// session's token.
func (st *site) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, ok := st.currentSession(c)
		if !ok || !s.actor.Role.AtLeast(catalog.RoleLibrarian) {
			if c.Request().Method != http.MethodGet {
				return st.fail(c, catalog.Errorf(catalog.EUNAUTHORIZED, "Sign in first."))
			}
			return c.Redirect(http.StatusSeeOther, "/sign-in?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		switch {
		case c.Request().Method != http.MethodPost:
		case c.Path() == uploadRoute:
			// files are streamed, not parsed into memory: the handler reads
			// the token from the form before the first file
			if err := sameOrigin(c); err != nil {
				return st.fail(c, err)
			}
		default:
			if err := st.checkCSRF(c, s); err != nil {
				return st.fail(c, err)
			}
		}
		c.Set(actorKey, s.actor)
		c.SetRequest(c.Request().WithContext(catalog.NewContextWithActor(c.Request().Context(), s.actor)))
		return next(c)
	}
}

type signInPage struct {
	*view
	Next  string
	Error string
}

// safeNext keeps a redirect after sign-in on this site: a path on it,
// judged after the clean-up a browser does before it follows a Location
// (it drops tabs and newlines, so "/\t/evil.example" is "//evil.example"
// to it). Anything else, and any control character or backslash, sends
// the librarian to their home page.
func safeNext(next string) string {
	const home = "/librarian/"
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return home
	}
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return home
	}
	return next
}

func (st *site) signInPage(c echo.Context) error {
	v := st.newView(c, "")
	v.Title, v.NoIndex = v.T("signin.title"), true
	buf := make([]byte, 16)
	rand.Read(buf)
	token := hex.EncodeToString(buf)
	c.SetCookie(&http.Cookie{Name: preCSRFCookie, Value: token, Path: "/sign-in", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: c.Scheme() == "https", MaxAge: 3600})
	v.CSRF = token
	return st.render(c, http.StatusOK, "signin", signInPage{view: v, Next: safeNext(c.QueryParam("next"))})
}

func (st *site) signIn(c echo.Context) error {
	v := st.newView(c, "")
	v.Title, v.NoIndex = v.T("signin.title"), true
	ck, err := c.Cookie(preCSRFCookie)
	if err != nil || ck.Value == "" || !hmac.Equal([]byte(ck.Value), []byte(c.FormValue("csrf"))) {
		return st.fail(c, catalog.Errorf(catalog.EFORBIDDEN, "The form has expired; reload the page and sign in again."))
	}
	v.CSRF = ck.Value
	next := safeNext(c.FormValue("next"))
	client := clientAddress(c)
	if err := st.failures.check(c, client); err != nil {
		return st.fail(c, err)
	}
	secret := strings.TrimSpace(c.FormValue("token"))
	tok, err := st.cfg.Store.FindTokenByHash(c.Request().Context(), catalog.HashTokenSecret(secret))
	if err != nil || secret == "" {
		st.failures.failed(c.Request().Context(), client)
		return st.render(c, http.StatusUnauthorized, "signin", signInPage{view: v, Next: next, Error: v.T("signin.bad")})
	}
	buf := make([]byte, 24)
	rand.Read(buf)
	now := time.Now().UTC()
	ws := &catalog.WebSession{ID: base64.RawURLEncoding.EncodeToString(buf), TokenID: tok.ID, Created: now, Expires: now.Add(sessionLength)}
	if err := st.cfg.Store.CreateWebSession(c.Request().Context(), ws); err != nil {
		return st.fail(c, err)
	}
	value := ws.ID + "." + st.sign("session."+ws.ID)
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: c.Scheme() == "https", MaxAge: int(sessionLength.Seconds())})
	return c.Redirect(http.StatusSeeOther, next)
}

func (st *site) signOut(c echo.Context) error {
	s, ok := st.currentSession(c)
	if ok {
		if err := st.checkCSRF(c, s); err != nil {
			return st.fail(c, err)
		}
		if err := st.cfg.Store.EndWebSession(c.Request().Context(), s.id); err != nil {
			return st.fail(c, err)
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return c.Redirect(http.StatusSeeOther, "/")
}
