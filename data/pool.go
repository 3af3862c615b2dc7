package data

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// PoolConfig tunes the connection pool.
type PoolConfig struct {
	MaxConns     int32         // 0 means pgx's default
	QueryTimeout time.Duration // per-query timeout added to the caller's context; 0 means none
	// ImportTimeout bounds the statements of a layer or admin-unit import
	// whose work grows with the file (the COPY and the INSERT…SELECT that
	// transforms and repairs it); 0 means only the caller's context. Every
	// other statement of an import gets QueryTimeout.
	ImportTimeout time.Duration
}

// defaultConnectTimeout bounds a connection attempt when the URL sets no
// connect_timeout: pgxpool lets a connect run on after its request gave
// up, so an unbounded one to a host that drops packets would pile up.
const defaultConnectTimeout = 5 * time.Second

// Open connects to the database named by url and checks that it answers.
// Geometries cross the wire as (E)WKB bytes (see geom.go), so no codec is
// registered: github.com/twpayne/pgx-geom is not served by our module proxy.
//
// The pool has a gate (gate.go): once the database is lost (a connection
// that fails, closes or is refused; SQLSTATE class 08, 57P01–57P03,
// 53300), new connections fail at once with an Unavailable error instead
// of dialling, while one prober retries with backoff until the database
// answers again.
func Open(ctx context.Context, url string, cfg PoolConfig) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	if pc.ConnConfig.ConnectTimeout <= 0 {
		pc.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	g := newGate()
	pc.BeforeConnect = g.beforeConnect
	pc.ConnConfig.Tracer = gateTracer{g}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	g.setProbe(pool.Ping)
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", translate(err))
	}
	return pool, nil
}

// DB is an open pool with the timeouts that every store applies. The
// stores share one DB; the caller owns the pool and closes it.
type DB struct {
	pool *pgxpool.Pool
	cfg  PoolConfig
}

// NewDB wraps pool with the timeouts of cfg (cfg.MaxConns is ignored: the
// pool is open already).
func NewDB(pool *pgxpool.Pool, cfg PoolConfig) *DB {
	return &DB{pool: pool, cfg: cfg}
}

// query returns ctx bounded by the per-query timeout. Every query of every
// store runs under it, so a slow database turns into an Unavailable error
// instead of a hung request.
func (d *DB) query(ctx context.Context) (context.Context, context.CancelFunc) {
	return withTimeout(ctx, d.cfg.QueryTimeout)
}

// bulk returns ctx bounded by the import timeout.
func (d *DB) bulk(ctx context.Context) (context.Context, context.CancelFunc) {
	return withTimeout(ctx, d.cfg.ImportTimeout)
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
