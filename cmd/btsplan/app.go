package main

import (
	"context"
	"crypto/subtle"
	"errors"
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
	"btsplan/data/jobs"
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
	radio  *planning.RadioBook
	nets   *planning.NetworkService
	gaps   *planning.GapService
	users  *data.UserStore
	review *planning.Review
	docs   *planning.Documents
	fill   *planning.GapFillService
	lists  *planning.GapListService

	search *planning.SiteSearchService
	// jobs queues background work (a stored proposal's coverage, in the
	// proposal's transaction) without working it; startWorkers works it.
	jobs *jobs.Queue
	// hooks stores webhooks, deliveries and areas of interest; notify and
	// decisions serve them and the public decisions; expiry expires
	// approvals (run by the workers).
	hooks     *data.WebhookStore
	notify    *planning.Notifications
	decisions *planning.Decisions
	expiry    *planning.Expiry
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
	if a.radio, err = loadRadioBook(cfg.RadioDir); err != nil {
		pool.Close()
		return nil, err
	}
	a.nets = planning.NewNetworkService(data.NewNetworkStore(db), a.orgs, a.radio)
	a.dems = dem.NewStore(pool, cfg.DataDir)
	a.dems.QueryTimeout = cfg.QueryTimeout
	covCfg := cfg.Coverage
	covCfg.OnWorker = lowerWorkerPriority
	covCfg.Radio = a.radio
	covStore := data.NewCoverageStore(db, cfg.DataDir)
	a.cov = planning.NewCoverageService(covCfg, dem.Terrain{Store: a.dems},
		covStore, data.NewProposalStore(db))
	if a.jobs, err = jobs.New(ctx, pool, a.cov, jobs.Config{Log: a.log}); err != nil {
		pool.Close()
		return nil, err
	}
	// Every stored proposal gets the job of its coverage in its own
	// transaction, whichever command stores it; a worker computes it.
	props := data.NewProposalStore(db)
	props.AfterCreate(a.jobs.InsertProposalCoverageTx)
	// Likewise every stored gap analysis gets its job.
	gapStore := data.NewGapStore(db)
	gapStore.AfterCreate(a.jobs.InsertGapAnalysisTx)
	a.gaps = planning.NewGapService(gapStore, a.nets, a.cov, a.jobs)
	a.fill = planning.NewGapFillService(planning.GapFillConfig{ShareDistanceM: cfg.ShareDistanceM},
		data.NewGapFillStore(db), a.nets, a.cov, dem.CoverageGrids{Store: covStore}, data.NewProposalStore(db))
	a.lists = planning.NewGapListService(data.NewGapListStore(db), nil)
	a.svc = planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db),
		props, a.admin, a.orgs, a.layers, nil)
	if err := a.svc.CheckRules(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("rule book: %w (is the database migrated? run btsplan migrate)", err)
	}
	cal, err := planning.DefaultCalendar()
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("review calendar: %w", err)
	}
	cases := data.NewCaseStore(db)
	cases.AfterCreate(a.jobs.InsertProposalCoverageTx)
	// Every change of a case's state queues its webhook deliveries in its
	// own transaction.
	cases.OnNotice(a.jobs.InsertDeliveriesTx)
	a.review = planning.NewReview(planning.ReviewConfig{}, a.svc, cases, props, cal, nil)
	a.docs = planning.NewDocuments(a.review, data.NewDocumentStore(db))
	// Every stored best-site search gets its job too.
	searchStore := data.NewSiteSearchStore(db)
	searchStore.AfterCreate(a.jobs.InsertSiteSearchTx)
	a.search = planning.NewSiteSearchService(searchStore, a.svc, a.gaps, data.NewGapFillStore(db),
		dem.Terrain{Store: a.dems}, a.review, a.jobs)
	a.hooks = data.NewWebhookStore(db)
	a.notify = planning.NewNotifications(planning.NotifyConfig{AllowPrivate: cfg.WebhookAllowPrivate}, a.hooks, nil)
	a.decisions = planning.NewDecisions(cases)
	a.expiry = planning.NewExpiry(a.review, a.hooks)
	a.users = data.NewUserStore(db)
	return a, nil
}

// startWorkers works the job queue with n workers until the returned stop
// is called, which cancels the jobs under way (they are retried, here or
// by another worker) and waits up to 10 s for them to give up. n = 0
// starts nothing.
func (a *app) startWorkers(ctx context.Context, n int) (stop func(), err error) {
	if n == 0 {
		return func() {}, nil
	}
	q, err := jobs.New(ctx, a.pool, a.cov, jobs.Config{Workers: n, Log: a.log, Gaps: a.gaps, GapFill: a.fill, Assess: a.svc, Search: a.search,
		Webhooks: a.hooks, WebhookAllowPrivate: a.cfg.WebhookAllowPrivate, Expiry: a.expiry, ExpiryInterval: a.cfg.ExpiryInterval})
	if err != nil {
		return nil, err
	}
	if err := q.Start(ctx); err != nil {
		return nil, err
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := q.Stop(sctx); err != nil {
			a.log.Warn("stop workers", "err", err)
		}
	}, nil
}

func (a *app) close() { a.pool.Close() }

// inProcess returns the handler for check, export and demo, which call
// the API in-process. Their requests stay out of the log unless they fail
// (or BTSPLAN_LOG_LEVEL asks for them): the answers are the output.
func (a *app) inProcess(env *environment) (http.Handler, error) {
	if a.cfg.LogLevel == "info" {
		a.log = newLogger(env, "error")
	}
	text, _, _, err := planning.NewToken(nil)
	if err != nil {
		return nil, err
	}
	h, err := a.handler(cliAuth{token: text})
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+text)
		h.ServeHTTP(w, r)
	}), nil
}

// cliAuth is the in-process API's authenticator: the CLI already holds
// the database's rights, so its requests run as an admin named "cli",
// with a random token that never leaves the process.
type cliAuth struct{ token string }

func (c cliAuth) Authenticate(_ context.Context, tok string) (planning.Principal, error) {
	if subtle.ConstantTimeCompare([]byte(tok), []byte(c.token)) != 1 {
		return planning.Principal{}, &planning.Error{Op: "authenticate", Kind: planning.Unauthenticated,
			Err: errors.New("unknown token")}
	}
	return planning.Principal{Name: "cli", Roles: []planning.Role{planning.RoleAdmin}}, nil
}

// authenticator is serve's: bearer tokens from the database, cached for
// planning.DefaultTokenCacheTTL (a revocation takes effect within it).
func (a *app) authenticator() planning.Authenticator {
	return planning.NewTokenAuthenticator(a.users, planning.NewTokenCache(0, 0, nil), nil)
}

// handler is the HTTP API with the web map, as serve runs it; check and
// export call it in-process so that the CLI and the API answer alike.
func (a *app) handler(auth planning.Authenticator) (http.Handler, error) {
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
		Networks: a.nets,
		Gaps:     a.gaps,
		GapFill:  a.fill,
		GapLists: a.lists,

		Search:        a.search,
		MaxInFlight:   a.cfg.MaxInFlight,
		CORSOrigins:   a.cfg.CORSOrigins,
		ReadTimeout:   a.cfg.ReadTimeout,
		WriteTimeout:  a.cfg.WriteTimeout,
		UploadTimeout: a.cfg.UploadTimeout,
		UploadMinRate: a.cfg.UploadMinRate,
		StreamTimeout: a.cfg.StreamTimeout,
		Auth:          auth,
		Review:        a.review,
		Documents:     a.docs,
		Notify:        a.notify,
		Decisions:     a.decisions,

		MaxAttachmentBytes: a.cfg.MaxAttachment,
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

// loadRadioBook loads the shipped radio defaults and, when dir is set, the
// province radio defaults files in it.
func loadRadioBook(dir string) (*planning.RadioBook, error) {
	if dir == "" {
		return planning.LoadRadioBook(nil)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("BTSPLAN_RADIO_DIR: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("BTSPLAN_RADIO_DIR: %s is not a folder", dir)
	}
	return planning.LoadRadioBook(os.DirFS(dir))
}

// newLogger returns the JSON logger of every command, on stderr.
func newLogger(env *environment, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated by loadConfig
	return slog.New(slog.NewJSONHandler(env.stderr, &slog.HandlerOptions{Level: l}))
}
