package planning_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"btsplan/planning"
)

func TestWebhookSignature(t *testing.T) {
	const secret = "s3cret-of-at-least-16"
	at := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
	body := []byte(`{"event":"approve","case_id":7}`)
	header := planning.SignWebhook(secret, at, body)
	if !strings.HasPrefix(header, "t=1772420400,v1=") || len(header) != len("t=1772420400,v1=")+64 {
		t.Fatalf("SignWebhook = %q, want t=1772420400,v1=<64 hex digits>", header)
	}
	tests := []struct {
		name    string
		secret  string
		header  string
		body    []byte
		now     time.Time
		wantErr string
	}{
		{"as sent", secret, header, body, at.Add(time.Minute), ""},
		{"tampered body", secret, header, []byte(`{"event":"approve","case_id":8}`), at, "does not match"},
		{"other secret", "another-secret-16chars", header, body, at, "does not match"},
		{"replayed later", secret, header, body, at.Add(time.Hour), "away from now"},
		{"tampered timestamp", secret, strings.Replace(header, "t=1772420400", "t=1772420401", 1), body, at, "does not match"},
		{"no signature", secret, "t=1772420400", body, at, "malformed"},
		{"garbage", secret, "v1=zz", body, at, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := planning.VerifyWebhook(tt.secret, tt.header, tt.body, tt.now, planning.WebhookTolerance)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("VerifyWebhook = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("VerifyWebhook = %v, want an error saying %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckWebhookURL(t *testing.T) {
	tests := []struct {
		name, url    string
		allowPrivate bool
		wantErr      string // "" for accepted
	}{
		{"https", "https://hooks.example.org/btsplan?x=1", false, ""},
		{"http with port", "http://hooks.example.org:8080/in", false, ""},
		{"public address", "https://203.0.113.10/in", false, ""},
		{"ftp", "ftp://hooks.example.org/in", false, "scheme must be http or https"},
		{"javascript", "javascript:alert(1)", false, "scheme must be http or https"},
		{"no scheme", "hooks.example.org/in", false, "scheme must be http or https"},
		{"missing host", "http:///in", false, "no host"},
		{"opaque", "https:hooks.example.org", false, "no host"},
		{"port only", "http://:8080/in", false, "no host"},
		{"userinfo", "https://user:pw@hooks.example.org/in", false, "user name or password"},
		{"user only", "https://user@hooks.example.org/in", false, "user name or password"},
		{"fragment", "https://hooks.example.org/in#x", false, "fragment"},
		{"bad port", "https://hooks.example.org:99999/in", false, "port"},
		{"empty", "", false, "empty"},
		{"upper-case scheme", "HTTPS://hooks.example.org/in", false, "lower case"},
		{"mixed-case scheme", "Http://hooks.example.org/in", true, "lower case"},
		{"control character", "https://hooks.example.org/\n", false, "control"},
		{"loopback", "http://127.0.0.1:9000/in", false, "not a public address"},
		{"localhost", "http://localhost:9000/in", false, "this machine"},
		{"localhost subdomain", "http://api.localhost/in", false, "this machine"},
		{"private", "http://10.1.2.3/in", false, "not a public address"},
		{"private 192.168", "http://192.168.1.1/in", false, "not a public address"},
		{"link-local metadata", "http://169.254.169.254/latest/meta-data", false, "not a public address"},
		{"ipv6 loopback", "http://[::1]:8080/in", false, "not a public address"},
		{"ipv4-mapped loopback", "http://[::ffff:127.0.0.1]/in", false, "not a public address"},
		{"unspecified", "http://0.0.0.0/in", false, "not a public address"},
		{"cgnat", "http://100.64.0.1/in", false, "not a public address"},
		{"loopback allowed", "http://127.0.0.1:9000/in", true, ""},
		{"localhost allowed", "http://localhost:9000/in", true, ""},
		{"ftp even when private is allowed", "ftp://127.0.0.1/in", true, "scheme"},
		{"userinfo even when private is allowed", "http://u:p@127.0.0.1/in", true, "user name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := planning.CheckWebhookURL("/url", tt.url, tt.allowPrivate)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("CheckWebhookURL(%q) = %v, want nil", tt.url, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CheckWebhookURL(%q) = %v, want an error saying %q", tt.url, err, tt.wantErr)
			}
			if planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != "/url" {
				t.Errorf("CheckWebhookURL(%q): kind %v field %q, want Invalid naming /url", tt.url, planning.KindOf(err), planning.FieldOf(err))
			}
		})
	}
}

func TestPublicAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "203.0.113.10": true, "2001:4860:4860::8888": true,
		"127.0.0.1": false, "10.0.0.1": false, "172.16.5.4": false, "192.168.0.1": false, "169.254.1.1": false,
		"100.64.1.1": false, "0.0.0.0": false, "0.1.2.3": false, "224.0.0.1": false, "::1": false, "fe80::1": false,
		"fc00::1": false, "::": false, "::ffff:10.0.0.1": false,
	} {
		if got := planning.PublicAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("PublicAddr(%s) = %v, want %v", addr, got, want)
		}
	}
}
