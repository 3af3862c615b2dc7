package jobs

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestWebhookClientRefusesPrivate: the delivery client checks the address
// it dials, after resolution, so that a name that resolves to a private
// address is refused as its literal would be; with the allowance it
// connects. It never follows a redirect.
func TestWebhookClientRefusesPrivate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	named := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	for _, url := range []string{srv.URL, named} {
		resp, err := newWebhookClient(false, 5*time.Second).Post(url, "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
			t.Errorf("POST %s without the allowance: %d, want the dial refused", url, resp.StatusCode)
		} else if !strings.Contains(err.Error(), "is not public") {
			t.Errorf("POST %s: %v, want \"is not public\"", url, err)
		}
	}
	c := newWebhookClient(true, 5*time.Second)
	resp, err := c.Post(named, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("POST %s with the allowance: %v", named, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status = %d, want 204", resp.StatusCode)
	}
	resp, err = c.Post(srv.URL+"/redirect", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("a redirect answered %d, want 302 as the result (not followed)", resp.StatusCode)
	}
}
