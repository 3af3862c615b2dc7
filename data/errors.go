package data

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"btsplan/planning"
)

// Translate maps a pgx, pgconn or pool error to a planning kind: the one
// table of data/ and of its subpackages (dem, jobs), which add only what is
// theirs. Errors it does not know are returned as they are (Internal).
func Translate(err error) error { return translate(err) }

// publicError stands for a driver error in a client's fault (NotFound,
// Exists, Invalid): its message is plain, since api/ shows a 4xx error's
// text, and SQLSTATEs, constraint names and "no rows in result set" are
// not the client's business. Unwrap still reaches the driver error.
type publicError struct {
	msg string
	err error
}

func (e *publicError) Error() string { return e.msg }
func (e *publicError) Unwrap() error { return e.err }

// translate maps driver errors to planning kinds, once, at the edge of data/.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return &planning.Error{Kind: planning.NotFound, Err: &publicError{"not found", err}}
	case errors.As(err, &pe) && pe.Code == "23505":
		return &planning.Error{Kind: planning.Exists, Err: &publicError{"already exists", err}}
	case errors.As(err, &pe) && (pe.Code == "23503" || pe.Code == "23514"):
		// A foreign key (an unknown carrier or authority code) or a CHECK
		// (a height out of range) refused the caller's value.
		return &planning.Error{Kind: planning.Invalid, Err: &publicError{"a value was refused: an unknown code or one out of range", err}}
	case errors.As(err, &pe) && (pe.Code == "22023" || pe.Code == "XX000" && isGeomMessage(pe.Message)):
		return &planning.Error{Kind: planning.Invalid, Err: &publicError{"invalid geometry or coordinate system", err}}
	case errors.As(err, &pe) && (pe.Code == "22021" || pe.Code == "22P05" || pe.Code == "22003"):
		// A NUL or an invalid byte in text, or a number the column cannot
		// hold, that api/ and planning let through: a bug there, but the
		// client's value.
		return &planning.Error{Kind: planning.Invalid, Err: &publicError{"a text or number the database cannot store", err}}
	case unavailable(err):
		return &planning.Error{Kind: planning.Unavailable, Err: err}
	}
	return err
}

// unavailable reports an error that the same request, retried later, may
// well not meet: the database is gone, going, refusing connections, out of
// resources or too slow (a deadline, a cancelled statement), a transaction
// lost a serialization race, or the pool is closed.
func unavailable(err error) bool {
	var pe *pgconn.PgError
	var ne net.Error
	switch {
	case connLost(err),
		errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout(),
		errors.Is(err, puddle.ErrClosedPool),
		pgconn.SafeToRetry(err) || pgconn.Timeout(err):
		return true
	case errors.As(err, &pe):
		switch pe.Code {
		case "57014", // query_canceled: statement_timeout or a cancel request
			"57P05",                   // idle_session_timeout: the server closed the session
			"25P03",                   // idle_in_transaction_session_timeout: likewise
			"53000", "53100", "53200", // insufficient_resources, disk_full, out_of_memory
			"40001", "40P01": // serialization_failure, deadlock_detected: retry the request
			return true
		}
	}
	return false
}

// connLost reports an error that says the database server is unreachable
// or has dropped the connection: a connection that could not be made (for
// whatever reason, the server's refusal included), a socket that failed or
// closed, or one of the SQLSTATEs of a server going away
// (https://www.postgresql.org/docs/current/errcodes-appendix.html):
// class 08 (connection exception), 57P01 admin_shutdown, 57P02
// crash_shutdown, 57P03 cannot_connect_now (starting up or shutting down)
// and 53300 too_many_connections. Such an error closes the database gate
// (gate.go) until a probe gets through again.
func connLost(err error) bool {
	if err == nil {
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || errors.Is(err, errDatabaseDown) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case len(pe.Code) == 5 && pe.Code[:2] == "08",
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", pe.Code == "53300":
			return true
		}
		return false
	}
	if errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	// Any other socket error, except a read or write that timed out: that
	// is a slow query under its deadline, not a server that went away.
	var ne net.Error
	return errors.As(err, &ne) && !ne.Timeout()
}

func isGeomMessage(msg string) bool {
	for _, s := range []string{"geometry", "GEOS", "transform", "srid", "SRID"} {
		if containsFold(msg, s) {
			return true
		}
	}
	return false
}

func containsFold(s, sub string) bool {
	n, m := len(s), len(sub)
	for i := 0; i+m <= n; i++ {
		match := true
		for j := 0; j < m; j++ {
			a, b := s[i+j], sub[j]
			if a|0x20 != b|0x20 {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
