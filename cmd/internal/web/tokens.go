package web

import (
	"net/http"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/labstack/echo/v4"
)

type tokenRequest struct {
	Name string       `json:"name"`
	Role catalog.Role `json:"role"`
}

// createdToken is the answer to a token creation: the only time the secret
// is shown.
type createdToken struct {
	Token  catalog.Token `json:"token"`
	Secret string        `json:"secret"`
}

func (s *Server) createToken(c echo.Context) error {
	c.Set(nounKey, "token")
	req, err := decodeBody(s, c, func(b []byte) (req tokenRequest, err error) {
		return req, recordio.DecodeObject(b, &req, "token")
	})
	if err != nil {
		return err
	}
	secret, hash := catalog.NewTokenSecret()
	tok := catalog.Token{Name: req.Name, Role: req.Role}
	if err := s.cfg.Store.CreateToken(c.Request().Context(), &tok, hash); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, createdToken{Token: tok, Secret: secret})
}

func (s *Server) listTokens(c echo.Context) error {
	if _, err := query(c); err != nil {
		return err
	}
	tokens, err := s.cfg.Store.FindTokens(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"tokens": tokens})
}

func (s *Server) revokeToken(c echo.Context) error {
	if err := s.cfg.Store.RevokeToken(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
