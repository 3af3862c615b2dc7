package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
)

// check and export call the API handler in-process rather than repeating
// its decoding and encoding: the CLI then accepts exactly what the API
// accepts, and answers with the same JSON and the same problems.

// streamWriter is an http.ResponseWriter that sends a 2xx body straight to
// out and keeps any other body for the error message.
type streamWriter struct {
	out    io.Writer
	header http.Header
	status int
	errBuf bytes.Buffer
}

func newStreamWriter(out io.Writer) *streamWriter {
	return &streamWriter{out: out, header: http.Header{}}
}

func (w *streamWriter) Header() http.Header { return w.header }

func (w *streamWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *streamWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status >= 300 {
		return w.errBuf.Write(b)
	}
	return w.out.Write(b)
}

func (w *streamWriter) Flush() {}

// get streams the body of GET target to out; a non-2xx answer is an error
// carrying the problem's detail.
func get(ctx context.Context, h http.Handler, target string, out io.Writer) error {
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	w := newStreamWriter(out)
	h.ServeHTTP(w, req)
	if w.status >= 300 {
		return problemError(w.status, w.errBuf.Bytes())
	}
	return nil
}

// post sends body to target and returns the status and the answer.
func post(ctx context.Context, h http.Handler, target string, body []byte) (int, []byte) {
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// problemError turns an application/problem+json answer into an error
// that names the fields and reasons.
func problemError(status int, body []byte) error {
	var p struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
		Errors []struct {
			Field  string `json:"field"`
			Reason string `json:"reason"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &p); err != nil || (p.Title == "" && p.Detail == "") {
		return fmt.Errorf("HTTP %d: %s", status, strings.TrimSpace(string(body)))
	}
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	var b strings.Builder
	b.WriteString(msg)
	for _, e := range p.Errors {
		fmt.Fprintf(&b, "\n  %s: %s", e.Field, e.Reason)
	}
	return fmt.Errorf("%s", b.String())
}
