package planning

import "fmt"

// ListPage is a page of a list newest first: Limit rows from Offset.
type ListPage struct {
	Limit  int // 1..MaxPageSize; 0 means DefaultPageSize
	Offset int // 0..MaxListOffset
}

// Check fills in the default limit and checks the page. Errors: Invalid
// naming "limit" or "offset".
func (pg *ListPage) Check() error {
	if pg.Limit == 0 {
		pg.Limit = DefaultPageSize
	}
	if pg.Limit < 1 || pg.Limit > MaxPageSize {
		return &Error{Kind: Invalid, Field: "limit", Err: fmt.Errorf("limit %d: want 1 to %d", pg.Limit, MaxPageSize)}
	}
	if pg.Offset < 0 || pg.Offset > MaxListOffset {
		return &Error{Kind: Invalid, Field: "offset", Err: fmt.Errorf("offset %d: want 0 to %d", pg.Offset, MaxListOffset)}
	}
	return nil
}
