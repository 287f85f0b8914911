package web

import (
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

const actorKey = "annals.actor"

// authenticate reads a bearer token if one is sent. Without one the request
// is anonymous; with a wrong or revoked one it is refused, even for reads,
// so that a script with a broken token finds out at once.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		if h == "" {
			return next(c)
		}
		client := clientAddress(c)
		if err := s.failures.check(c, client); err != nil {
			return err
		}
		scheme, secret, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			return catalog.Errorf(catalog.EUNAUTHORIZED, "The Authorization header must be \"Bearer TOKEN\".")
		}
		tok, err := s.cfg.Store.FindTokenByHash(c.Request().Context(), catalog.HashTokenSecret(strings.TrimSpace(secret)))
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			s.failures.failed(c.Request().Context(), client)
			return catalog.Errorf(catalog.EUNAUTHORIZED, "The token is not known or was revoked.")
		}
		if err != nil {
			return err
		}
		actor := catalog.Actor{Name: tok.Name, Role: tok.Role}
		c.Set(actorKey, actor)
		c.SetRequest(c.Request().WithContext(catalog.NewContextWithActor(c.Request().Context(), actor)))
		return next(c)
	}
}

// actorOf returns who sent the request, if they sent a valid token.
func actorOf(c echo.Context) (catalog.Actor, bool) {
	a, ok := c.Get(actorKey).(catalog.Actor)
	return a, ok
}

// requireRole refuses requests without a token (401) or with a token of a
// lower role (403).
func requireRole(min catalog.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			a, ok := actorOf(c)
			if !ok {
				return catalog.Errorf(catalog.EUNAUTHORIZED,
					"%s %s needs a token: send \"Authorization: Bearer TOKEN\" (an admin makes one with \"annals token create\").",
					c.Request().Method, c.Path())
			}
			if !a.Role.AtLeast(min) {
				return catalog.Errorf(catalog.EFORBIDDEN, "This needs the %s role; the token %q has the %s role.", min, a.Name, a.Role)
			}
			return next(c)
		}
	}
}

// canSeeUnpublished reports whether the request may see drafts and
// withdrawn records.
func canSeeUnpublished(c echo.Context) bool {
	_, ok := actorOf(c)
	return ok
}
