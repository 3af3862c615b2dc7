package data

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/planning"
)

var (
	//go:embed sql/webhook_insert.sql
	qWebhookInsert string
	//go:embed sql/webhooks.sql
	qWebhooks string
	//go:embed sql/webhook.sql
	qWebhook string
	//go:embed sql/webhook_delete.sql
	qWebhookDelete string
	//go:embed sql/webhook_deliveries_insert.sql
	qWebhookDeliveriesInsert string
	//go:embed sql/webhook_deliveries.sql
	qWebhookDeliveries string
	//go:embed sql/webhook_attempts.sql
	qWebhookAttempts string
	//go:embed sql/webhook_delivery.sql
	qWebhookDelivery string
	//go:embed sql/webhook_attempt_insert.sql
	qWebhookAttemptInsert string
	//go:embed sql/area_check.sql
	qAreaCheck string
	//go:embed sql/area_insert.sql
	qAreaInsert string
	//go:embed sql/areas.sql
	qAreas string
	//go:embed sql/area.sql
	qArea string
	//go:embed sql/area_delete.sql
	qAreaDelete string
	//go:embed sql/expired_approvals.sql
	qExpiredApprovals string
)

// WebhookStore stores webhooks, their deliveries and attempts, and areas
// of interest; it implements planning.WebhookStore and
// planning.ExpiryStore.
type WebhookStore struct{ db *DB }

var (
	_ planning.WebhookStore = (*WebhookStore)(nil)
	_ planning.ExpiryStore  = (*WebhookStore)(nil)
)

// NewWebhookStore returns a WebhookStore on db.
func NewWebhookStore(db *DB) *WebhookStore { return &WebhookStore{db: db} }

func (s *WebhookStore) tx(ctx context.Context, op string, f func(pgx.Tx) error) error {
	if err := pgx.BeginFunc(ctx, s.db.pool, f); err != nil {
		return opError(op, translate(err))
	}
	return nil
}

// CreateWebhook stores w and its audit row (given the webhook's id as
// detail "webhook_id"). Errors: Invalid when its organization has
// planning.MaxWebhooksPerOrg already; Unavailable.
func (s *WebhookStore) CreateWebhook(ctx context.Context, w *planning.Webhook, audit planning.AuditEntry) error {
	events := make([]string, len(w.Events))
	for i, e := range w.Events {
		events[i] = string(e)
	}
	return s.tx(ctx, "create webhook", func(tx pgx.Tx) error {
		// One registration of an organization at a time, so the count holds.
		if err := s.db.exec(ctx, tx, qLockName, "webhook:"+w.Org); err != nil {
			return err
		}
		err := s.db.queryRow(ctx, tx, qWebhookInsert, []any{w.Org, w.URL, w.Secret, events, nullID(w.CreatedBy),
			planning.MaxWebhooksPerOrg}, &w.ID, &w.Created)
		if planning.KindOf(err) == planning.NotFound {
			return planning.FieldError("/url", "%s has %d webhooks already: delete one first", w.Org, planning.MaxWebhooksPerOrg)
		}
		if err != nil {
			return err
		}
		return s.db.insertAudit(ctx, tx, []planning.AuditEntry{auditWithID(audit, "webhook_id", w.ID)})
	})
}

func scanWebhook(r pgx.CollectableRow) (planning.Webhook, error) {
	var w planning.Webhook
	var events []string
	err := r.Scan(&w.ID, &w.Org, &w.URL, &w.Secret, &events, &w.CreatedBy, &w.Created)
	for _, e := range events {
		w.Events = append(w.Events, planning.CaseEvent(e))
	}
	return w, err
}

// Webhooks returns the live webhooks of org ("" for all). Errors: Unavailable.
func (s *WebhookStore) Webhooks(ctx context.Context, org string) ([]planning.Webhook, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qWebhooks, nullString(org))
	if err != nil {
		return nil, opError("webhooks", translate(err))
	}
	ws, err := pgx.CollectRows(rows, scanWebhook)
	if err != nil {
		return nil, opError("webhooks", translate(err))
	}
	return ws, nil
}

// Webhook returns live webhook id. Errors: NotFound, Unavailable.
func (s *WebhookStore) Webhook(ctx context.Context, id int64) (planning.Webhook, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qWebhook, id)
	if err != nil {
		return planning.Webhook{}, opError("webhook", translate(err))
	}
	w, err := pgx.CollectExactlyOneRow(rows, scanWebhook)
	if err != nil {
		return planning.Webhook{}, opError(fmt.Sprintf("webhook %d", id), translate(err))
	}
	return w, nil
}

// DeleteWebhook deletes webhook id and fails its pending deliveries, with
// the audit row. Errors: NotFound, Unavailable.
func (s *WebhookStore) DeleteWebhook(ctx context.Context, id int64, audit planning.AuditEntry) error {
	return s.tx(ctx, fmt.Sprintf("delete webhook %d", id), func(tx pgx.Tx) error {
		var got int64
		if err := s.db.queryRow(ctx, tx, qWebhookDelete, []any{id}, &got); err != nil {
			return err
		}
		return s.db.insertAudit(ctx, tx, []planning.AuditEntry{auditWithID(audit, "webhook_id", id)})
	})
}

// Deliveries returns a page of webhook id's deliveries, newest first, with
// their attempts. Errors: Unavailable.
func (s *WebhookStore) Deliveries(ctx context.Context, webhookID int64, limit, offset int) ([]planning.Delivery, error) {
	const op = "webhook deliveries"
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qWebhookDeliveries, webhookID, limit, offset)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.Delivery, error) {
		var d planning.Delivery
		var event, status, body string
		err := r.Scan(&d.ID, &d.WebhookID, &d.CaseID, &event, &body, &status, &d.Created)
		d.Event, d.Status, d.Body = planning.CaseEvent(event), planning.DeliveryStatus(status), []byte(body)
		return d, err
	})
	if err != nil {
		return nil, opError(op, translate(err))
	}
	if len(ds) == 0 {
		return ds, nil
	}
	ids := make([]int64, len(ds))
	at := map[int64]int{}
	for i, d := range ds {
		ids[i], at[d.ID] = d.ID, i
	}
	rows, err = s.db.pool.Query(ctx, qWebhookAttempts, ids)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	type attempt struct {
		delivery int64
		a        planning.DeliveryAttempt
	}
	as, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (attempt, error) {
		var x attempt
		var code, ms int32
		var n int32
		err := r.Scan(&x.delivery, &n, &x.a.At, &code, &x.a.Error, &ms)
		x.a.Attempt, x.a.StatusCode, x.a.DurationMS = int(n), int(code), int(ms)
		return x, err
	})
	if err != nil {
		return nil, opError(op, translate(err))
	}
	for _, x := range as {
		ds[at[x.delivery]].Attempts = append(ds[at[x.delivery]].Attempts, x.a)
	}
	return ds, nil
}

// WebhookDelivery is a delivery with its webhook's URL and secret, as the
// delivering job needs it.
type WebhookDelivery struct {
	planning.Delivery
	URL    string
	Secret string
}

// Delivery returns delivery id with its webhook's URL and secret.
// Errors: NotFound, Unavailable.
func (s *WebhookStore) Delivery(ctx context.Context, id int64) (WebhookDelivery, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var d WebhookDelivery
	var event, status, body string
	err := s.db.pool.QueryRow(ctx, qWebhookDelivery, id).Scan(&d.ID, &d.WebhookID, &d.CaseID, &event, &body, &status,
		&d.Created, &d.URL, &d.Secret)
	if err != nil {
		return d, opError(fmt.Sprintf("webhook delivery %d", id), translate(err))
	}
	d.Event, d.Status, d.Body = planning.CaseEvent(event), planning.DeliveryStatus(status), []byte(body)
	return d, nil
}

// RecordAttempt records attempt a at delivery id and, when final is not
// "", finishes the delivery with that status. Errors: Unavailable.
func (s *WebhookStore) RecordAttempt(ctx context.Context, id int64, a planning.DeliveryAttempt, final planning.DeliveryStatus) error {
	var code *int
	if a.StatusCode != 0 {
		code = &a.StatusCode
	}
	var st *string
	if final != "" {
		f := string(final)
		st = &f
	}
	return s.tx(ctx, fmt.Sprintf("record attempt %d of delivery %d", a.Attempt, id), func(tx pgx.Tx) error {
		return s.db.exec(ctx, tx, qWebhookAttemptInsert, id, a.Attempt, a.At, code, truncateText(a.Error, 1000), a.DurationMS, st)
	})
}

// CreateArea stores a, with its audit row, after PostGIS has found it
// valid and within an admin unit of province ("" for any) in force today.
// Errors: Invalid naming "/geometry"; Invalid when the authority has
// planning.MaxAreasPerOrg already; Unavailable.
func (s *WebhookStore) CreateArea(ctx context.Context, a *planning.Area, province string, audit planning.AuditEntry) error {
	g, err := ewkbOf(a.Geom)
	if err != nil {
		return opError("create area of interest", planning.FieldError("/geometry", "%v", err))
	}
	return s.tx(ctx, "create area of interest", func(tx pgx.Tx) error {
		var reason *string
		var inside bool
		if err := s.db.queryRow(ctx, tx, qAreaCheck, []any{g, nullString(province)}, &reason, &inside); err != nil {
			return err
		}
		switch {
		case reason != nil:
			return planning.FieldError("/geometry", "the area is not a valid polygon: %s", *reason)
		case !inside && province != "":
			return planning.FieldError("/geometry", "the area lies outside province %s", province)
		case !inside:
			return planning.FieldError("/geometry", "the area lies outside every loaded admin unit")
		}
		if err := s.db.exec(ctx, tx, qLockName, "area:"+a.Org); err != nil {
			return err
		}
		err := s.db.queryRow(ctx, tx, qAreaInsert, []any{a.Org, a.Name, g, nullID(a.CreatedBy), planning.MaxAreasPerOrg}, &a.ID, &a.Created)
		if planning.KindOf(err) == planning.NotFound {
			return planning.FieldError("/geometry", "%s has %d areas of interest already: delete one first", a.Org, planning.MaxAreasPerOrg)
		}
		if err != nil {
			return err
		}
		return s.db.insertAudit(ctx, tx, []planning.AuditEntry{auditWithID(audit, "area_id", a.ID)})
	})
}

func scanArea(r pgx.CollectableRow) (planning.Area, error) {
	var a planning.Area
	var wkb []byte
	if err := r.Scan(&a.ID, &a.Org, &a.Name, &wkb, &a.CreatedBy, &a.Created); err != nil {
		return a, err
	}
	g, err := orbOf(wkb)
	if err != nil {
		return a, err
	}
	mp, ok := g.(orb.MultiPolygon)
	if !ok {
		return a, fmt.Errorf("area %d: a %T, not a MultiPolygon", a.ID, g)
	}
	a.Geom = mp
	return a, nil
}

// Areas returns the live areas of org ("" for all). Errors: Unavailable.
func (s *WebhookStore) Areas(ctx context.Context, org string) ([]planning.Area, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qAreas, nullString(org))
	if err != nil {
		return nil, opError("areas of interest", translate(err))
	}
	as, err := pgx.CollectRows(rows, scanArea)
	if err != nil {
		return nil, opError("areas of interest", translate(err))
	}
	return as, nil
}

// Area returns live area id. Errors: NotFound, Unavailable.
func (s *WebhookStore) Area(ctx context.Context, id int64) (planning.Area, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qArea, id)
	if err != nil {
		return planning.Area{}, opError("area of interest", translate(err))
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanArea)
	if err != nil {
		return planning.Area{}, opError(fmt.Sprintf("area of interest %d", id), translate(err))
	}
	return a, nil
}

// DeleteArea deletes area id, with its audit row. Errors: NotFound,
// Unavailable.
func (s *WebhookStore) DeleteArea(ctx context.Context, id int64, audit planning.AuditEntry) error {
	return s.tx(ctx, fmt.Sprintf("delete area of interest %d", id), func(tx pgx.Tx) error {
		var got int64
		if err := s.db.queryRow(ctx, tx, qAreaDelete, []any{id}, &got); err != nil {
			return err
		}
		return s.db.insertAudit(ctx, tx, []planning.AuditEntry{auditWithID(audit, "area_id", id)})
	})
}

// auditWithID returns a with details key = id (a's map is not changed).
func auditWithID(a planning.AuditEntry, key string, id int64) planning.AuditEntry {
	a.Details = withDetail(a.Details, key, strconv.FormatInt(id, 10))
	return a
}

// ExpiredApprovals returns the approved cases whose validity ended before
// today. Errors: Unavailable.
func (s *WebhookStore) ExpiredApprovals(ctx context.Context, today time.Time) ([]int64, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qExpiredApprovals, dateUTC(today))
	if err != nil {
		return nil, opError("expired approvals", translate(err))
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, opError("expired approvals", translate(err))
	}
	return ids, nil
}

// noticeBody is the JSON document a webhook receives.
type noticeBody struct {
	Event       string    `json:"event"`
	At          time.Time `json:"at"`
	CaseID      int64     `json:"case_id"`
	Carrier     string    `json:"carrier"`
	SiteCode    string    `json:"site_code"`
	Province    string    `json:"province"`
	StateBefore string    `json:"state_before"`
	StateAfter  string    `json:"state_after"`
	ProposalID  int64     `json:"proposal_id"`
	Revision    int       `json:"revision"`
	Case        string    `json:"case"` // the case's path in the API
}

// queueNotice stores, in tx, one delivery of n (the change of case c) to
// every webhook concerned, and hands their ids to queue (which queues
// their jobs in tx). Without a queue nothing is stored: nobody would
// deliver it.
func queueNotice(ctx context.Context, db *DB, tx pgx.Tx, c *planning.Case, n *planning.Notice,
	queue func(ctx context.Context, tx pgx.Tx, deliveryIDs []int64) error) error {
	if n == nil || queue == nil {
		return nil
	}
	body, err := json.Marshal(noticeBody{Event: string(n.Event), At: n.At.UTC(), CaseID: c.ID, Carrier: c.Carrier,
		SiteCode: c.SiteCode, Province: c.Province, StateBefore: string(n.From), StateAfter: string(n.To),
		ProposalID: c.ProposalID, Revision: c.Revision, Case: fmt.Sprintf("/v1/proposals/%d/case", c.ProposalID)})
	if err != nil {
		return err
	}
	qctx, cancel := db.query(ctx)
	rows, err := tx.Query(qctx, qWebhookDeliveriesInsert, c.ID, string(n.Event), string(body), n.Orgs, n.At)
	if err != nil {
		cancel()
		return translate(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	cancel()
	if err != nil {
		return translate(err)
	}
	if len(ids) == 0 {
		return nil
	}
	return queue(ctx, tx, ids)
}

func nullString(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// truncateText cuts s to at most n bytes on a rune boundary.
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
