package web

import (
	"net/http"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/labstack/echo/v4"
)

func (s *Server) listEvents(c echo.Context) error {
	if _, err := query(c); err != nil {
		return err
	}
	events, err := s.cfg.Store.FindEvents(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"total": len(events), "events": events})
}

func (s *Server) getEvent(c echo.Context) error {
	if _, err := query(c); err != nil {
		return err
	}
	e, err := s.cfg.Store.FindEventByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return s.sendEvent(c, http.StatusOK, e)
}

func (s *Server) sendEvent(c echo.Context, status int, e *catalog.Event) error {
	c.Response().Header().Set("ETag", etag(e.Version))
	return c.JSON(status, e)
}

func (s *Server) createEvent(c echo.Context) error {
	c.Set(nounKey, "event")
	e, err := decodeBody(s, c, recordio.DecodeEvent)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.CreateEvent(c.Request().Context(), &e); err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/events/"+e.ID)
	return s.sendEvent(c, http.StatusCreated, &e)
}

// updateEvent replaces an event. If-Match is honoured when sent; events
// change rarely and are edited by few, so it is not required as it is for
// records.
func (s *Server) updateEvent(c echo.Context) error {
	c.Set(nounKey, "event")
	version, _, err := ifMatch(c)
	if err != nil {
		return err
	}
	e, err := decodeBody(s, c, recordio.DecodeEvent)
	if err != nil {
		return err
	}
	if e.ID, err = pathID(c, e.ID, "event"); err != nil {
		return err
	}
	if err := s.cfg.Store.UpdateEvent(c.Request().Context(), &e, version); err != nil {
		return err
	}
	return s.sendEvent(c, http.StatusOK, &e)
}

func (s *Server) deleteEvent(c echo.Context) error {
	if _, err := query(c); err != nil {
		return err
	}
	version, _, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteEvent(c.Request().Context(), c.Param("id"), version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) eventHistory(c echo.Context) error {
	if _, err := query(c); err != nil {
		return err
	}
	return s.sendHistory(c, catalog.EntityEvent, c.Param("id"))
}
