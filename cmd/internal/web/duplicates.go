package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// duplicatesResponse is GET /api/v1/duplicates.
type duplicatesResponse struct {
	Groups []duplicateGroup `json:"groups"`
}

type duplicateGroup struct {
	Why string   `json:"why"`
	IDs []string `json:"ids"`
}

// listDuplicates lists the groups of records of the catalogue that are the
// same work as each other (the same DOI, or the same title, year and
// first contributor), oldest first; ?size= bounds how many groups.
func (s *Server) listDuplicates(c echo.Context) error {
	q, err := query(c, "size")
	if err != nil {
		return err
	}
	size, err := sizeParam(q)
	if err != nil {
		return err
	}
	groups, err := s.cfg.Store.FindDuplicateGroups(c.Request().Context(), size)
	if err != nil {
		return err
	}
	out := duplicatesResponse{Groups: []duplicateGroup{}}
	for _, g := range groups {
		out.Groups = append(out.Groups, duplicateGroup{Why: g.Why, IDs: g.IDs})
	}
	return c.JSON(http.StatusOK, out)
}
