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
	QueryTimeout time.Duration // per-query timeout added to the caller's context
}

// Open connects to the database named by url and checks that it answers.
// Geometries cross the wire as (E)WKB bytes (see geom.go), so no codec is
// registered: github.com/twpayne/pgx-geom is not served by our module proxy.
func Open(ctx context.Context, url string, cfg PoolConfig) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", translate(err))
	}
	return pool, nil
}

