package planning

import (
	"unicode"
	"unicode/utf8"
)

// Length limits of the text a caller may store, in characters (Unicode code
// points). They keep one request's cost, its log lines and every report that
// echoes the text bounded.
const (
	// MaxCodeChars bounds identifiers: site codes, organization codes (MNC),
	// admin-unit codes, category codes.
	MaxCodeChars = 64
	// MaxNameChars bounds names: layer names, place names, titles.
	MaxNameChars = 200
	// MaxTextChars bounds free text: descriptions, comments, the values of
	// imported feature properties.
	MaxTextChars = 10000
)

// CheckLine reports why s cannot be stored as a one-line text of at most
// maxChars characters: it is not valid UTF-8, it holds a NUL or another
// control character, or it is too long. The error is Invalid, names field,
// and never repeats s (which may be megabytes of garbage).
func CheckLine(field, s string, maxChars int) error {
	return checkText(field, s, maxChars, false)
}

// CheckText is CheckLine for free text, where tabs and line breaks are
// allowed.
func CheckText(field, s string, maxChars int) error {
	return checkText(field, s, maxChars, true)
}

func checkText(field, s string, maxChars int, multiline bool) error {
	// Check the byte length first: a rune is at most 4 bytes, so a string
	// longer than 4×max is too long whatever it holds, and is not walked.
	if len(s) > 4*maxChars {
		return FieldError(field, "is %d bytes long; at most %d characters are allowed", len(s), maxChars)
	}
	n := 0
	for i, r := range s {
		n++
		switch {
		case r == utf8.RuneError && !validRuneAt(s, i):
			return FieldError(field, "is not valid UTF-8 (at byte %d)", i)
		case r == 0:
			return FieldError(field, "contains a NUL character (at byte %d)", i)
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r):
			return FieldError(field, "contains the control character %U (at byte %d)", r, i)
		case hidesText(r):
			return FieldError(field, "contains the invisible formatting character %U (at byte %d)", r, i)
		}
	}
	if n > maxChars {
		return FieldError(field, "is %d characters long; at most %d are allowed", n, maxChars)
	}
	return nil
}

// validRuneAt reports whether the U+FFFD at byte i of s was really written
// as that character, rather than decoded from a bad byte.
func validRuneAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 3
}

// hidesText reports a character that changes how the text around it is
// shown without being seen itself: the bidirectional embeddings,
// overrides and isolates (U+202A–U+202E, U+2066–U+2069), with which a site
// code can read differently in a report than in the database, the
// directional marks, and the zero-width characters other than the joiners
// some scripts need (U+200B, U+2060, U+FEFF).
func hidesText(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069,
		r == 0x200E, r == 0x200F, r == 0x061C,
		r == 0x200B, r == 0x2060, r == 0xFEFF:
		return true
	}
	return false
}
