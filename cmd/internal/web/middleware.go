package web

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// requestLogger logs one structured line per request.
func (s *Server) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURI: true, LogStatus: true, LogLatency: true, LogRequestID: true,
		LogRemoteIP: true, LogResponseSize: true, LogError: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{slog.String("method", v.Method), slog.String("uri", v.URI), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("request_id", v.RequestID),
				slog.String("remote_ip", v.RemoteIP), slog.Int64("bytes_out", v.ResponseSize)}
			if a, ok := actorOf(c); ok {
				attrs = append(attrs, slog.String("actor", a.Name))
			}
			s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// HEAD is answered on every GET route, as RFC 9110 asks (Echo routes only
// the methods registered): routeHeadAsGet, before routing, makes a HEAD a
// GET so that the GET route is found; restoreHead, right after routing,
// makes it a HEAD again, so that handlers and net/http know to send the
// headers without the body.

const headKey = "annals.head"

func routeHeadAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if req := c.Request(); req.Method == http.MethodHead {
			req.Method = http.MethodGet
			c.Set(headKey, true)
		}
		return next(c)
	}
}

func restoreHead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Get(headKey) == true {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}

// securityHeaders sets headers that keep browsers from misreading or
// framing responses.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		return next(c)
	}
}

// byteSize writes a limit the way Echo's BodyLimit reads it.
func byteSize(n int64) string { return fmt.Sprintf("%dB", n) }
