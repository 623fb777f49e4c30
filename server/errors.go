package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Error kinds. Handlers and Corpus implementations wrap these; statusOf maps
// them to HTTP statuses in one table.
var (
	ErrBadRequest   = errors.New("bad request")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrTooLarge     = errors.New("request too large")
	ErrRateLimited  = errors.New("rate limited")
	ErrUnavailable  = errors.New("unavailable")
	// ErrNotImplemented marks operations a Corpus does not support.
	ErrNotImplemented = errors.New("not implemented")
)

var kinds = []struct {
	err    error
	status int
	code   string
}{
	{ErrNotFound, http.StatusNotFound, "not_found"},
	{ErrBadRequest, http.StatusBadRequest, "bad_request"},
	{ErrUnauthorized, http.StatusUnauthorized, "unauthorized"},
	{ErrForbidden, http.StatusForbidden, "forbidden"},
	{ErrTooLarge, http.StatusRequestEntityTooLarge, "too_large"},
	{ErrRateLimited, http.StatusTooManyRequests, "rate_limited"},
	{ErrUnavailable, http.StatusServiceUnavailable, "unavailable"},
	{ErrNotImplemented, http.StatusNotImplemented, "not_implemented"},
	{context.DeadlineExceeded, http.StatusGatewayTimeout, "timeout"},
}

// userError is an error whose message is safe to show a client. Errors
// without one show only "internal error"; their details go to the log.
type userError struct {
	kind error
	msg  string
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.kind }

// Errorf returns an error of the given kind with a message for the client.
func Errorf(kind error, format string, args ...any) error {
	return &userError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// classify returns the status, code and client-safe message for err.
func classify(err error) (status int, code, msg string) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("request body exceeds %d bytes", mbe.Limit)
	}
	status, code, msg = http.StatusInternalServerError, "internal", "internal error"
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			status, code = k.status, k.code
			msg = err.Error()
			break
		}
	}
	var ue *userError
	if errors.As(err, &ue) {
		msg = ue.msg
	}
	return status, code, msg
}

// handlerFunc is an HTTP handler that returns its error for one place to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// apiError is the one error shape of the JSON API.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (s *Server) apiHandler(f handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		err := f(w, r)
		if err == nil {
			return
		}
		status, code, msg := classify(err)
		s.logError(r, status, err)
		var body apiError
		body.Error.Code, body.Error.Message = code, msg
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="newslens"`)
		}
		writeJSON(w, status, body)
	})
}

func (s *Server) pageHandler(f handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		err := f(w, r)
		if err == nil {
			return
		}
		status, _, msg := classify(err)
		s.logError(r, status, err)
		s.renderStatus(w, r, status, "error.html", "Error", errorPage{Status: status, StatusText: http.StatusText(status), Message: msg})
	})
}

type errorPage struct {
	Status     int
	StatusText string
	Message    string
}

func (s *Server) logError(r *http.Request, status int, err error) {
	lvl := s.log.Debug
	if status >= 500 {
		lvl = s.log.Error
	}
	lvl("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":"internal","message":"internal error"}}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	writeBuffer(w, &buf)
}
