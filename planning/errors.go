package planning

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that api/ can map it to a status in one place.
type Kind int

// The error kinds. The zero value is Internal so that an unclassified error
// is never shown to a client as its own fault.
const (
	Internal    Kind = iota // a bug or an unexpected failure
	Invalid                 // the caller sent something unusable
	NotFound                // the thing asked for does not exist
	Exists                  // the thing to create exists already
	Unavailable             // a dependency (the database) is down or too slow
	// Unauthenticated: no credentials, or unknown, expired or revoked ones
	// (api: 401).
	Unauthenticated
	// Forbidden: the caller is known but its roles do not allow the action
	// (api: 403).
	Forbidden
	// WrongState: the action does not fit the thing's current state, such
	// as a transition the case's state machine refuses (api: 409). It is not
	// called Conflict because that is a verdict.
	WrongState
	// Stale: the caller acted on an older version of the thing than the
	// stored one, such as a decision with an old ETag (api: 412).
	Stale
)

func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not found"
	case Exists:
		return "exists"
	case Unavailable:
		return "unavailable"
	case Unauthenticated:
		return "unauthenticated"
	case Forbidden:
		return "forbidden"
	case WrongState:
		return "wrong state"
	case Stale:
		return "stale"
	default:
		return "internal"
	}
}

// Error is the error type of btsplan's domain. Op names the operation,
// Field names the offending input (a JSON pointer such as
// "/geometry/coordinates", a CLI flag or a file:line) when the error is
// about one input.
type Error struct {
	Op    string
	Kind  Kind
	Field string
	Err   error
}

func (e *Error) Error() string {
	msg := ""
	if e.Op != "" {
		msg = e.Op + ": "
	}
	if e.Field != "" {
		msg += e.Field + ": "
	}
	if e.Err != nil {
		msg += e.Err.Error()
	} else {
		msg += e.Kind.String()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k with a formatted message.
func Errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Err: fmt.Errorf(format, args...)}
}

// FieldError returns an Invalid *Error about the input named field.
func FieldError(field, format string, args ...any) error {
	return &Error{Kind: Invalid, Field: field, Err: fmt.Errorf(format, args...)}
}

// KindOf returns the Kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// FieldOf returns the Field of the first *Error in err's chain that names one.
func FieldOf(err error) string {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return ""
		}
		if e.Field != "" {
			return e.Field
		}
		err = e.Err
	}
	return ""
}

// DuplicateError is the Exists error of a submission whose content (its
// SiteHash) was stored already for the same carrier and site code: it
// names that proposal, so that the caller can be sent to it.
type DuplicateError struct {
	ProposalID int64 // the stored proposal with the same content
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("the same content was submitted already as proposal %d", e.ProposalID)
}

// DuplicateOf returns the proposal that a duplicate submission matched, if
// err is (or wraps) a *DuplicateError.
func DuplicateOf(err error) (proposalID int64, ok bool) {
	var d *DuplicateError
	if errors.As(err, &d) && d.ProposalID > 0 {
		return d.ProposalID, true
	}
	return 0, false
}
