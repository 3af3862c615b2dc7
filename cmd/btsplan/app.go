package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"btsplan/api"
	"btsplan/data"
	"btsplan/data/dem"
	"btsplan/planning"
	"btsplan/web"
)

// app is the service wired over the database: what serve, check, export,
// import and demo share. Wiring lives here and only here.
type app struct {
	cfg    config
	log    *slog.Logger
	pool   *pgxpool.Pool
	db     *data.DB
	book   *planning.RuleBook
	admin  *data.AdminStore
	layers *data.LayerStore
	orgs   *data.OrgStore
	svc    *planning.Service
	cov    *planning.CoverageService
	dems   *dem.Store
	queue  *planning.CoverageQueue // serve's background coverage; nil elsewhere
}

// loadApp reads the configuration from the environment and opens the app.
func loadApp(ctx context.Context, env *environment) (*app, error) {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return nil, err
	}
	return openApp(ctx, env, cfg)
}

// openApp loads the configuration and the rule book, opens the pool and
// builds the service. The rule book is checked against the authorities in
// the database, so a rule naming an unknown authority stops the start.
func openApp(ctx context.Context, env *environment, cfg config) (*app, error) {
	if err := cfg.needDB(); err != nil {
		return nil, err
	}
	book, err := loadRuleBook(cfg.RulesDir)
	if err != nil {
		return nil, err
	}
	pool, err := data.Open(ctx, cfg.DatabaseURL, data.PoolConfig{MaxConns: cfg.DBMaxConns})
	if err != nil {
		return nil, err
	}
	pc := data.PoolConfig{MaxConns: cfg.DBMaxConns, QueryTimeout: cfg.QueryTimeout}
	db := data.NewDB(pool, pc)
	a := &app{
		cfg:    cfg,
		log:    newLogger(env, cfg.LogLevel),
		pool:   pool,
		db:     db,
		book:   book,
		admin:  data.NewAdminStore(db),
		layers: data.NewLayerStore(db, book),
		orgs:   data.NewOrgStore(db),
	}
	a.svc = planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db),
		data.NewProposalStore(db), a.admin, a.orgs, a.layers, nil)
	a.dems = dem.NewStore(pool, cfg.DataDir)
	a.dems.QueryTimeout = cfg.QueryTimeout
	covCfg := cfg.Coverage
	covCfg.OnWorker = lowerWorkerPriority
	a.cov = planning.NewCoverageService(covCfg, demTerrain{a.dems},
		data.NewCoverageStore(db, cfg.DataDir), data.NewProposalStore(db))
	if err := a.svc.CheckRules(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("rule book: %w (is the database migrated? run btsplan migrate)", err)
	}
	return a, nil
}

func (a *app) close() { a.pool.Close() }

// inProcess returns the handler for check, export and demo, which call
// the API in-process. Their requests stay out of the log unless they fail
// (or BTSPLAN_LOG_LEVEL asks for them): the answers are the output.
func (a *app) inProcess(env *environment) (http.Handler, error) {
	if a.cfg.LogLevel == "info" {
		a.log = newLogger(env, "error")
	}
	return a.handler()
}

// handler is the HTTP API with the web map, as serve runs it; check and
// export call it in-process so that the CLI and the API answer alike.
func (a *app) handler() (http.Handler, error) {
	var webFS fs.FS = web.Static()
	if a.cfg.WebDir != "" {
		webFS = os.DirFS(a.cfg.WebDir)
	}
	cfg := api.Config{
		MaxBodyBytes:  a.cfg.MaxBodyBytes,
		MaxLayerBytes: a.cfg.MaxLayerBytes,
		Ready: func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			return a.pool.Ping(ctx)
		},
		PoolStats: func() (acquired, idle, total int32) {
			s := a.pool.Stat()
			return s.AcquiredConns(), s.IdleConns(), s.TotalConns()
		},
		Web:      webFS,
		Orgs:     a.orgs,
		Coverage: a.cov,
	}
	if a.queue != nil {
		cfg.CoverageQueue = a.queue
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return api.NewHandler(a.log, cfg, a.svc), nil
}

// loadRuleBook loads the shipped national rule set and, when dir is set,
// the province rule files in it.
func loadRuleBook(dir string) (*planning.RuleBook, error) {
	if dir == "" {
		return planning.LoadRuleBook(nil)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("BTSPLAN_RULES_DIR: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("BTSPLAN_RULES_DIR: %s is not a folder", dir)
	}
	return planning.LoadRuleBook(os.DirFS(dir))
}

// newLogger returns the JSON logger of every command, on stderr.
func newLogger(env *environment, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated by loadConfig
	return slog.New(slog.NewJSONHandler(env.stderr, &slog.HandlerOptions{Level: l}))
}
