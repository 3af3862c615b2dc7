package api

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// failingReader fails as a connection cut by the read deadline does, with
// a network error whose text names addresses.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) {
	return 0, errors.New("read tcp 127.0.0.1:8080->127.0.0.1:51234: i/o timeout")
}

func TestReadBodyFailureIsPlain408(t *testing.T) {
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest("POST", "/v1/checks", io.NopCloser(failingReader{}))
	_, err := readBody(c, 1<<20)
	if got := statusOf(err); got != http.StatusRequestTimeout {
		t.Fatalf("status = %d, want 408 (%v)", got, err)
	}
	if strings.Contains(err.Error(), "127.0.0.1") || strings.Contains(err.Error(), "tcp") {
		t.Errorf("error %q shows the network error's text", err)
	}
}

func TestInstanceIsBounded(t *testing.T) {
	tests := []struct {
		name, uri string
		wantLen   int
	}{
		{"short", "/v1/proposals?limit=5", len("/v1/proposals?limit=5")},
		{"long", "/v1/layers?name=" + strings.Repeat("a", 20000), maxInstanceBytes + len("…")},
		{"long, multibyte at the cut", "/v1/layers?name=" + strings.Repeat("đ", 10000), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := instanceOf(tt.uri)
			if tt.wantLen >= 0 && len(got) != tt.wantLen {
				t.Errorf("len(instanceOf) = %d, want %d", len(got), tt.wantLen)
			}
			if len(got) > maxInstanceBytes+len("…") || !strings.HasPrefix(tt.uri, strings.TrimSuffix(got, "…")) {
				t.Errorf("instanceOf = %d bytes, not a prefix of the URI within the limit", len(got))
			}
		})
	}
}
