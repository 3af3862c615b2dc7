package planning

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Notifications of issue 8: when a case changes state, every organization
// concerned (its carrier, the lead authority, every authority a finding of
// its current assessment names, every authority whose area of interest
// holds the site) is told through its webhooks. The delivery is queued in
// the transaction that changes the case (CaseChange.Notice), so that a
// change is never lost nor a notification invented; a job delivers it,
// signed with the webhook's secret (SignWebhook), and retries with backoff.

// Webhook is an organization's HTTP endpoint for case notifications.
type Webhook struct {
	ID  int64
	Org string
	URL string
	// Secret signs every delivery (HMAC-SHA256). It is shown once, when
	// the webhook is registered.
	Secret string
	// Events are the case events the webhook wants; empty for all.
	Events    []CaseEvent
	CreatedBy int64
	Created   time.Time
}

// Notice is the notification of one change of a case's state, which the
// store turns, in the change's own transaction, into one delivery for
// every webhook concerned.
type Notice struct {
	Event    CaseEvent
	From, To CaseState
	At       time.Time
	// Orgs are the organizations planning knows to be concerned: the
	// carrier and the lead authority. The store adds the authorities that
	// the current assessment's findings name and those whose area of
	// interest holds the site.
	Orgs []string
}

// DeliveryStatus is how far a delivery is.
type DeliveryStatus string

// The delivery statuses.
const (
	DeliveryPending   DeliveryStatus = "pending"   // queued or being retried
	DeliveryDelivered DeliveryStatus = "delivered" // a 2xx answer
	DeliveryFailed    DeliveryStatus = "failed"    // every attempt failed, or the webhook was deleted
)

// Delivery is one notification sent (or to be sent) to one webhook.
type Delivery struct {
	ID        int64
	WebhookID int64
	CaseID    int64
	Event     CaseEvent
	Body      []byte // the JSON document signed and posted, as stored
	Status    DeliveryStatus
	Created   time.Time
	Attempts  []DeliveryAttempt
}

// DeliveryAttempt is one try at a delivery.
type DeliveryAttempt struct {
	Attempt    int
	At         time.Time
	StatusCode int // 0 when no answer came
	Error      string
	DurationMS int
}

// The limits of webhooks.
const (
	MaxWebhookURLChars  = 2048
	MinWebhookSecret    = 16  // characters: a shorter secret can be guessed
	MaxWebhookSecret    = 256 // characters
	MaxWebhooksPerOrg   = 20
	DefaultDeliveryPage = 50
	// WebhookTolerance is how old a signature's timestamp a receiver
	// should accept (VerifyWebhook): replays older than it are refused.
	WebhookTolerance = 5 * time.Minute
)

// SignatureHeader is the HTTP header of a delivery's signature.
const SignatureHeader = "X-Btsplan-Signature"

// SignWebhook returns the signature header value of body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<unix seconds>.<body>" keyed
// by secret>". Signing the timestamp with the body lets a receiver refuse
// a replayed delivery.
func SignWebhook(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(webhookMAC(secret, ts, body))
}

func webhookMAC(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// VerifyWebhook checks header (SignatureHeader's value) against body, as a
// receiver does: the MAC must match (compared in constant time) and the
// timestamp be within tolerance of now. Errors: Invalid, saying why.
func VerifyWebhook(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return Errorf(Invalid, "malformed %s header", SignatureHeader)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return Errorf(Invalid, "the signature's timestamp is %v away from now", d.Round(time.Second))
	}
	want := webhookMAC(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return Errorf(Invalid, "the signature does not match the body")
}

// NewWebhookSecret returns a random secret of 32 bytes in hex.
func NewWebhookSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// CheckWebhookURL refuses a webhook URL that is not an absolute http or
// https URL with a host, that carries userinfo or a fragment, or (unless
// allowPrivate) whose host is a loopback, private, link-local,
// unspecified or multicast address or a name under "localhost": a
// webhook must not make the service call into its own network (SSRF).
// Names are resolved only when delivering, where the dialer checks the
// address again (PublicAddr). Errors: Invalid naming field.
func CheckWebhookURL(field, raw string, allowPrivate bool) error {
	if strings.TrimSpace(raw) == "" {
		return FieldError(field, "the URL is empty: want http://host/… or https://host/…")
	}
	if err := CheckLine(field, raw, MaxWebhookURLChars); err != nil {
		return err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return FieldError(field, "not a URL: %v", errors.Unwrap(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return FieldError(field, "the scheme must be http or https, not %q", truncate(u.Scheme, 20))
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return FieldError(field, "the URL has no host (want http://host/… or https://host/…)")
	case u.User != nil:
		return FieldError(field, "the URL must not carry a user name or password: sign with the secret instead")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return FieldError(field, "the URL must not have a fragment")
	case !strings.HasPrefix(raw, u.Scheme+"://"):
		// url.Parse folds the scheme's case; the stored URL is the raw one.
		return FieldError(field, "the URL must begin with http:// or https:// in lower case")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return FieldError(field, "port %q is not 1 to 65535", truncate(p, 10))
		}
	}
	if allowPrivate {
		return nil
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return FieldError(field, "%s is this machine: webhooks go to public addresses", host)
	}
	if a, err := netip.ParseAddr(host); err == nil && !PublicAddr(a) {
		return FieldError(field, "%s is not a public address (loopback, private, link-local or reserved): webhooks go to public addresses", a)
	}
	return nil
}

// PublicAddr reports whether a is an address a webhook may be delivered
// to: not loopback, private (RFC 1918, fc00::/7), link-local, unspecified,
// multicast, carrier-grade NAT (100.64.0.0/10) or an IPv4-mapped form of
// one of those.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	switch {
	case !a.IsValid(), a.IsLoopback(), a.IsPrivate(), a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast(),
		a.IsInterfaceLocalMulticast(), a.IsMulticast(), a.IsUnspecified():
		return false
	case a.Is4() && netip.MustParsePrefix("100.64.0.0/10").Contains(a), a.Is4() && a.As4()[0] == 0:
		return false
	}
	return true
}

// WebhookStore stores webhooks, their deliveries and areas of interest.
type WebhookStore interface {
	// CreateWebhook stores w, filling in ID and Created, with the audit
	// row. Errors: Invalid when its organization has MaxWebhooksPerOrg
	// already.
	CreateWebhook(ctx context.Context, w *Webhook, audit AuditEntry) error
	// Webhooks returns the live webhooks of org ("" for every one), in id
	// order, with their secrets.
	Webhooks(ctx context.Context, org string) ([]Webhook, error)
	// Webhook returns live webhook id, or NotFound.
	Webhook(ctx context.Context, id int64) (Webhook, error)
	// DeleteWebhook deletes webhook id, with the audit row: its pending
	// deliveries fail. Errors: NotFound.
	DeleteWebhook(ctx context.Context, id int64, audit AuditEntry) error
	// Deliveries returns a page of webhook id's deliveries, newest first,
	// with their attempts.
	Deliveries(ctx context.Context, webhookID int64, limit, offset int) ([]Delivery, error)
	// CreateArea stores a, filling in ID and Created, with the audit row.
	// Errors: Invalid naming "/geometry" for a geometry that is not valid
	// (self-intersecting rings, …) or lies in no admin unit of province
	// ("" for any).
	CreateArea(ctx context.Context, a *Area, province string, audit AuditEntry) error
	// Areas returns the live areas of org ("" for every one), in id order.
	Areas(ctx context.Context, org string) ([]Area, error)
	// Area returns live area id, or NotFound.
	Area(ctx context.Context, id int64) (Area, error)
	// DeleteArea deletes area id, with the audit row. Errors: NotFound.
	DeleteArea(ctx context.Context, id int64, audit AuditEntry) error
}

// NotifyConfig holds the notifications' settings.
type NotifyConfig struct {
	// AllowPrivate lets webhooks name loopback and private addresses
	// (BTSPLAN_WEBHOOK_ALLOW_PRIVATE): for tests and closed networks.
	AllowPrivate bool
}

// Notifications manages webhooks and areas of interest: who may register
// them, and their checks. It is safe for concurrent use.
type Notifications struct {
	cfg   NotifyConfig
	store WebhookStore
	now   func() time.Time
}

// NewNotifications returns the service over store; now may be nil.
func NewNotifications(cfg NotifyConfig, store WebhookStore, now func() time.Time) *Notifications {
	if now == nil {
		now = time.Now
	}
	return &Notifications{cfg: cfg, store: store, now: now}
}

// AllowPrivate reports whether webhooks may name private addresses.
func (n *Notifications) AllowPrivate() bool { return n.cfg.AllowPrivate }

// WebhookInput is what a registration asks for.
type WebhookInput struct {
	URL    string
	Secret string // "" for a random one
	Events []CaseEvent
}

// mayManageWebhooks: a carrier, a reviewer or an admin manages its own
// organization's webhooks (an admin every organization's); an analyst
// writes nothing.
func mayManageWebhooks(p Principal) bool { return p.HasAny(RoleCarrier, RoleReviewer, RoleAdmin) }

// RegisterWebhook registers a webhook of p's organization. Errors:
// Forbidden (an analyst); Invalid naming "/url", "/secret" or
// "/events/i"; Unavailable.
func (n *Notifications) RegisterWebhook(ctx context.Context, p Principal, in WebhookInput, m RequestMeta) (Webhook, error) {
	const op = "register webhook"
	if !mayManageWebhooks(p) || p.Org == "" {
		return Webhook{}, &Error{Op: op, Kind: Forbidden, Err: errors.New("only a carrier, a reviewer or an admin registers its organization's webhooks")}
	}
	if err := CheckWebhookURL("/url", in.URL, n.cfg.AllowPrivate); err != nil {
		return Webhook{}, err
	}
	secret := in.Secret
	if secret == "" {
		var err error
		if secret, err = NewWebhookSecret(); err != nil {
			return Webhook{}, err
		}
	} else {
		if err := CheckLine("/secret", secret, MaxWebhookSecret); err != nil {
			return Webhook{}, err
		}
		if strings.TrimSpace(secret) != secret {
			// A receiver that trims its copy (as configuration readers
			// do) would check every signature with another key; sixteen
			// spaces are no secret either.
			return Webhook{}, FieldError("/secret", "the secret begins or ends with white space (omit it for a random one)")
		}
		if len([]rune(secret)) < MinWebhookSecret {
			return Webhook{}, FieldError("/secret", "a secret needs at least %d characters (omit it for a random one)", MinWebhookSecret)
		}
	}
	var events []CaseEvent
	for i, e := range in.Events {
		if !e.Valid() {
			return Webhook{}, FieldError(fmt.Sprintf("/events/%d", i), "unknown event %q", truncate(string(e), 40))
		}
		if !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	w := Webhook{Org: p.Org, URL: in.URL, Secret: secret, Events: events, CreatedBy: p.UserID}
	if err := n.store.CreateWebhook(ctx, &w, n.audit(p, "webhook.create", m, "url", in.URL)); err != nil {
		return Webhook{}, fmt.Errorf("%s: %w", op, err)
	}
	return w, nil
}

// Webhooks returns the webhooks p may see: its organization's, every
// one for an admin. Errors: Forbidden (an analyst); Unavailable.
func (n *Notifications) Webhooks(ctx context.Context, p Principal) ([]Webhook, error) {
	if !mayManageWebhooks(p) {
		return nil, &Error{Op: "list webhooks", Kind: Forbidden, Err: errors.New("an analyst has no webhooks")}
	}
	org := p.Org
	if p.Has(RoleAdmin) {
		org = ""
	}
	ws, err := n.store.Webhooks(ctx, org)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return ws, nil
}

// webhook returns webhook id if p may manage it; NotFound otherwise, so
// that another organization's webhooks do not leak.
func (n *Notifications) webhook(ctx context.Context, p Principal, id int64, op string) (Webhook, error) {
	if !mayManageWebhooks(p) {
		return Webhook{}, &Error{Op: op, Kind: Forbidden, Err: errors.New("an analyst has no webhooks")}
	}
	w, err := n.store.Webhook(ctx, id)
	if err == nil && !p.Has(RoleAdmin) && w.Org != p.Org {
		err = Errorf(NotFound, "webhook %d not found", id)
	}
	if err != nil {
		return Webhook{}, fmt.Errorf("%s %d: %w", op, id, err)
	}
	return w, nil
}

// DeleteWebhook deletes webhook id of p's organization (any for an
// admin). Errors: Forbidden; NotFound; Unavailable.
func (n *Notifications) DeleteWebhook(ctx context.Context, p Principal, id int64, m RequestMeta) error {
	w, err := n.webhook(ctx, p, id, "delete webhook")
	if err != nil {
		return err
	}
	return n.store.DeleteWebhook(ctx, id, n.audit(p, "webhook.delete", m, "url", w.URL, "organization", w.Org))
}

// audit is the audit row of p's action on a webhook or an area, with
// details as key, value pairs.
func (n *Notifications) audit(p Principal, action string, m RequestMeta, details ...string) AuditEntry {
	d := map[string]string{}
	for i := 0; i+1 < len(details); i += 2 {
		d[details[i]] = details[i+1]
	}
	return AuditEntry{At: n.now(), UserID: p.UserID, Actor: p.Actor(), Org: p.Org, Action: action,
		RequestID: m.RequestID, Details: d}
}

// Deliveries returns a page of the deliveries of webhook id, newest
// first, if p may manage it. limit 0 takes DefaultDeliveryPage. Errors:
// Invalid naming "limit" or "offset"; Forbidden; NotFound; Unavailable.
func (n *Notifications) Deliveries(ctx context.Context, p Principal, id int64, limit, offset int) ([]Delivery, error) {
	if limit == 0 {
		limit = DefaultDeliveryPage
	}
	if limit < 1 || limit > MaxPageSize {
		return nil, FieldError("limit", "limit %d: want 1 to %d", limit, MaxPageSize)
	}
	if offset < 0 || offset > MaxListOffset {
		return nil, FieldError("offset", "offset %d: want 0 to %d", offset, MaxListOffset)
	}
	if _, err := n.webhook(ctx, p, id, "webhook deliveries"); err != nil {
		return nil, err
	}
	ds, err := n.store.Deliveries(ctx, id, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("webhook deliveries %d: %w", id, err)
	}
	return ds, nil
}

// notice is the notification of case c's change from state from to its
// current one by ev; nil when the state stays (a signature).
func (r *Review) notice(c Case, ev CaseEvent, from CaseState, now time.Time) *Notice {
	if from == c.State {
		return nil
	}
	orgs := []string{c.Carrier}
	if r.cfg.LeadAuthority != c.Carrier {
		orgs = append(orgs, r.cfg.LeadAuthority)
	}
	return &Notice{Event: ev, From: from, To: c.State, At: now, Orgs: orgs}
}

// The kinds of the notification jobs: one delivery of a notification to
// one webhook, and the periodic expiry of approvals (Expiry.Run).
const (
	JobKindWebhookDelivery = "webhook_delivery"
	JobKindExpireApprovals = "expire_approvals"
)
