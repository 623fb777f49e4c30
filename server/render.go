package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// pageData is what every page template receives.
type pageData struct {
	Title string
	Nav   string
	CSRF  string
	Page  any
}

var funcs = template.FuncMap{
	"date": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2 Jan 2006")
	},
	"conf":       func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
	"confAttr":   func(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) },
	"pathEscape": url.PathEscape,
	"add":        func(a, b int) int { return a + b },
	"swatch":     func(key string) string { return "sw sw-" + strings.SplitN(key, "-", 2)[0] },
	"layerClass": func(key string) string { return cssName(key) },
}

func parsePages() (map[string]*template.Template, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := path.Base(f)
		if name == "base.html" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/base.html", f)
		if err != nil {
			return nil, fmt.Errorf("parsing template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// sizeHint returns the last rendered size of page.
func (s *Server) sizeHint(page string) *atomic.Int64 {
	if h, ok := s.sizes[page]; ok {
		return h
	}
	return new(atomic.Int64)
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, page, title string, data any) error {
	s.renderStatus(w, r, http.StatusOK, page, title, data)
	return nil
}

// renderStatus executes a page into a buffer first, so a template error
// becomes a clean 500 instead of half a page.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	t, ok := s.pages[page]
	if !ok {
		s.log.Error("no template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	pd := pageData{Title: title, Nav: strings.TrimSuffix(page, ".html"), CSRF: s.csrfToken(w, r), Page: data}
	var buf bytes.Buffer
	// Start at the size this page had last time: growing a buffer to a
	// 50 KB article page by doubling copies and clears it several times.
	hint := s.sizeHint(page)
	buf.Grow(int(hint.Load()))
	if err := t.ExecuteTemplate(&buf, "base", pd); err != nil {
		s.log.Error("rendering page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hint.Store(int64(buf.Len()))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	writeBuffer(w, &buf)
}
