package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

func cmdServe(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("serve", "serve [--addr HOST:PORT]", env.stderr)
	addr := fs.String("addr", "", "listen address (default BTSPLAN_ADDR or :8080)")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	a, err := openApp(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	// The job queue's workers compute the coverage of new proposals,
	// queued in PostgreSQL with them, until the server stops.
	stopWorkers, err := a.startWorkers(ctx, cfg.Workers)
	if err != nil {
		return err
	}
	defer stopWorkers()
	h, err := a.handler(a.authenticator())
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return serve(ctx, env, a, h, ln)
}

// serve runs the HTTP server on ln until ctx ends, then drains the
// requests in flight for up to 10 s.
func serve(ctx context.Context, env *environment, a *app, h http.Handler, ln net.Listener) error {
	srv := newHTTPServer(a.cfg, h)
	url := "http://" + displayAddr(ln.Addr())
	a.log.Info("serving", "url", url)
	fmt.Fprintf(env.stdout, "btsplan: serving the API and the web map on %s (Ctrl-C stops)\n", url)
	fmt.Fprintf(env.stdout, "  web map:  %s/\n  openapi:  %s/openapi.json\n  try:      curl -s %s/v1/proposals?limit=5\n", url, url, url)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newHTTPServer returns the server of serve with its timeouts. ReadTimeout
// and WriteTimeout are those of plain requests; the API moves its
// connection's deadlines per route (api.Config), so layer uploads and
// streamed exports get theirs, and it lifts the read deadline once a body
// is in.
func newHTTPServer(cfg config, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
}

// displayAddr turns a listen address such as [::]:8080 into one a browser
// can open.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
