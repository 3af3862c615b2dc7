package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"btsplan/data"
	"btsplan/planning"
)

// The River queues of notifications and of the expiry of approvals.
const (
	queueWebhooks = "webhooks"
	queueExpiry   = "expiry"
	// DefaultWebhookTimeout bounds one delivery attempt.
	DefaultWebhookTimeout = 10 * time.Second
	// DefaultExpiryInterval is how often the expiry of approvals runs.
	DefaultExpiryInterval = time.Hour
	// maxAnswerBytes is how much of a receiver's answer is read (and
	// dropped), so that the connection can be reused.
	maxAnswerBytes = 64 << 10
)

// WebhookDeliveryArgs are the arguments of the webhook-delivery job.
type WebhookDeliveryArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind names the job kind: planning.JobKindWebhookDelivery.
func (WebhookDeliveryArgs) Kind() string { return planning.JobKindWebhookDelivery }

// InsertOpts puts the job in the webhooks queue. Each delivery is queued
// once, by the transaction that changes the case.
func (WebhookDeliveryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueWebhooks}
}

// InsertDeliveriesTx queues the jobs of webhook deliveries ids in tx, the
// transaction that changes the case and stores the deliveries, so that
// they commit or roll back together; data.CaseStore.OnNotice calls it.
func (q *Queue) InsertDeliveriesTx(ctx context.Context, tx pgx.Tx, ids []int64) error {
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: WebhookDeliveryArgs{DeliveryID: id}, InsertOpts: q.insertOpts()}
	}
	if _, err := q.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("queue %d webhook deliveries: %w", len(ids), translate(err))
	}
	return nil
}

// webhookWorker posts deliveries.
type webhookWorker struct {
	river.WorkerDefaults[WebhookDeliveryArgs]
	store        *data.WebhookStore
	client       *http.Client
	allowPrivate bool
	log          *slog.Logger
}

// newWebhookClient is the HTTP client of deliveries: no proxy from the
// environment, no redirect followed (either would let a webhook reach an
// address it may not name), and, unless allowPrivate, a dialer that
// refuses every address that is not public (planning.PublicAddr) after
// the name is resolved, so that a name resolving to a private address
// (DNS rebinding) is refused too.
func newWebhookClient(allowPrivate bool, timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			a, err := netip.ParseAddr(host)
			if err != nil || !planning.PublicAddr(a) {
				return fmt.Errorf("webhook address %s is not public", host)
			}
			return nil
		}
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext:           d.DialContext,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       time.Minute,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Work posts the delivery, signed (planning.SignWebhook), and records the
// attempt. A 2xx answer delivers it; anything else (another status, no
// answer) is returned for River to retry with its backoff (attempt⁴
// seconds) until MaxAttempts, when the delivery is marked failed. A
// delivery that is gone, finished (its webhook deleted) or whose URL is
// no longer allowed is cancelled.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[WebhookDeliveryArgs]) error {
	id := job.Args.DeliveryID
	log := w.log.With("job", job.ID, "delivery", id, "attempt", job.Attempt)
	if w.store == nil {
		return errors.New("this worker has no webhook store")
	}
	d, err := w.store.Delivery(ctx, id)
	switch {
	case planning.KindOf(err) == planning.NotFound:
		return river.JobCancel(err)
	case err != nil:
		return err
	case d.Status != planning.DeliveryPending:
		log.Info("webhook delivery finished already", "status", d.Status)
		return nil
	}
	at := time.Now()
	a := planning.DeliveryAttempt{Attempt: job.Attempt, At: at}
	var final planning.DeliveryStatus
	if err := planning.CheckWebhookURL("url", d.URL, w.allowPrivate); err != nil {
		a.Error, final = err.Error(), planning.DeliveryFailed
	} else {
		a.StatusCode, err = w.post(ctx, d, at)
		a.DurationMS = int(time.Since(at).Milliseconds())
		switch {
		case err != nil:
			a.Error = err.Error()
		case a.StatusCode < 100 || a.StatusCode > 599:
			// Go reads any three digits; webhook_attempt keeps 100..599,
			// and an attempt it refused would leave the delivery pending.
			a.Error = "the receiver answered the invalid status " + strconv.Itoa(a.StatusCode)
			a.StatusCode = 0
		case a.StatusCode < 200 || a.StatusCode > 299:
			a.Error = "the receiver answered " + strconv.Itoa(a.StatusCode) + " " + http.StatusText(a.StatusCode)
		default:
			final = planning.DeliveryDelivered
		}
		if final == "" && job.Attempt >= job.MaxAttempts {
			final = planning.DeliveryFailed
		}
	}
	// Recorded even when Stop cancelled ctx meanwhile.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.store.RecordAttempt(rctx, id, a, final); err != nil {
		log.Warn("webhook delivery: record attempt", "err", err)
	}
	switch final {
	case planning.DeliveryDelivered:
		log.Info("webhook delivered", "status", a.StatusCode, "ms", a.DurationMS)
		return nil
	case planning.DeliveryFailed:
		log.Warn("webhook delivery failed for good", "err", a.Error)
		return river.JobCancel(errors.New(a.Error))
	}
	log.Info("webhook delivery failed; River retries it", "err", a.Error)
	return errors.New(a.Error)
}

// post sends d at t and returns the answer's status.
func (w *webhookWorker) post(ctx context.Context, d data.WebhookDelivery, t time.Time) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "btsplan-webhook/1")
	req.Header.Set("X-Btsplan-Event", string(d.Event))
	req.Header.Set("X-Btsplan-Delivery", strconv.FormatInt(d.ID, 10))
	req.Header.Set(planning.SignatureHeader, planning.SignWebhook(d.Secret, t, d.Body))
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswerBytes))
	return resp.StatusCode, nil
}

// ExpireApprovalsArgs are the arguments of the periodic expiry job: none.
type ExpireApprovalsArgs struct{}

// Kind names the job kind: planning.JobKindExpireApprovals.
func (ExpireApprovalsArgs) Kind() string { return planning.JobKindExpireApprovals }

// InsertOpts puts the job in the expiry queue, at most one queued or
// running at a time.
func (ExpireApprovalsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue: queueExpiry,
		UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}},
	}
}

// expiryWorker runs planning.Expiry.
type expiryWorker struct {
	river.WorkerDefaults[ExpireApprovalsArgs]
	expiry *planning.Expiry
	log    *slog.Logger
}

// Work expires the approvals whose validity ended; an error is retried.
func (w *expiryWorker) Work(ctx context.Context, job *river.Job[ExpireApprovalsArgs]) error {
	if w.expiry == nil {
		return errors.New("this worker has no expiry")
	}
	ids, err := w.expiry.Run(ctx)
	if len(ids) > 0 {
		w.log.Info("approvals expired", "job", job.ID, "cases", ids)
	}
	return err
}
