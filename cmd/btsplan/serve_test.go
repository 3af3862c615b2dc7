package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestConfigServerSettings(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(c config) bool
		wantErr string
	}{
		{"defaults", nil, func(c config) bool {
			return c.ReadHeaderTimeout == 10*time.Second && c.ReadTimeout == 30*time.Second &&
				c.WriteTimeout == 2*time.Minute && c.IdleTimeout == 2*time.Minute &&
				c.UploadTimeout == 15*time.Minute && c.UploadMinRate == 65536 &&
				c.StreamTimeout == 10*time.Minute && c.MaxInFlight == 64 && c.CORSOrigins == nil
		}, ""},
		{"set", map[string]string{"BTSPLAN_READ_TIMEOUT": "5s", "BTSPLAN_MAX_IN_FLIGHT": "8",
			"BTSPLAN_CORS_ORIGINS": "https://gis.example.vn, http://localhost:3000"}, func(c config) bool {
			return c.ReadTimeout == 5*time.Second && c.MaxInFlight == 8 &&
				reflect.DeepEqual(c.CORSOrigins, []string{"https://gis.example.vn", "http://localhost:3000"})
		}, ""},
		{"bad duration", map[string]string{"BTSPLAN_WRITE_TIMEOUT": "soon"}, nil, "BTSPLAN_WRITE_TIMEOUT"},
		{"zero duration", map[string]string{"BTSPLAN_IDLE_TIMEOUT": "0s"}, nil, "BTSPLAN_IDLE_TIMEOUT"},
		{"bad rate", map[string]string{"BTSPLAN_UPLOAD_MIN_RATE": "-1"}, nil, "BTSPLAN_UPLOAD_MIN_RATE"},
		{"bad cap", map[string]string{"BTSPLAN_MAX_IN_FLIGHT": "0"}, nil, "BTSPLAN_MAX_IN_FLIGHT"},
		{"wildcard origin", map[string]string{"BTSPLAN_CORS_ORIGINS": "*"}, nil, "BTSPLAN_CORS_ORIGINS"},
		{"origin with a path", map[string]string{"BTSPLAN_CORS_ORIGINS": "https://gis.example.vn/map"}, nil, "BTSPLAN_CORS_ORIGINS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("loadConfig = %v, want an error naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(c) {
				t.Errorf("loadConfig = %+v, %v", c, err)
			}
		})
	}
}

// TestServerCutsSlowBody: the server of serve drops a client that sends
// its body a byte at a time, after its read timeout, instead of holding
// the connection for as long as the client likes.
func TestServerCutsSlowBody(t *testing.T) {
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"BTSPLAN_READ_TIMEOUT": "300ms"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(cfg, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, "body too slow", http.StatusRequestTimeout)
			return
		}
		fmt.Fprintln(w, "ok")
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const size = 400
	fmt.Fprintf(conn, "POST /v1/checks HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", size)
	sent := make(chan int, 1)
	go func() {
		n := 0
		for ; n < size; n++ {
			if _, err := conn.Write([]byte{' '}); err != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		sent <- n
	}()
	// The whole body would take 20 s; the test gives up after 10.
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.Copy(io.Discard, bufio.NewReader(conn))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server still holds a body sent at 20 bytes/s after 10 s")
	}
	conn.Close()
	if n := <-sent; n >= size {
		t.Errorf("the client sent all %d bytes before the server gave up", n)
	}
}
