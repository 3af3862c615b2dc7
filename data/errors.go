package data

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"btsplan/planning"
)

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
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &pe) && pe.Code == "57014":
		return &planning.Error{Kind: planning.Unavailable, Err: err}
	case pgconn.SafeToRetry(err) || pgconn.Timeout(err):
		return &planning.Error{Kind: planning.Unavailable, Err: err}
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return &planning.Error{Kind: planning.Unavailable, Err: err}
	}
	return err
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
