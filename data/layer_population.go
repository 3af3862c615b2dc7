package data

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
)

//go:embed sql/layer_set_population_field.sql
var qLayerSetPopulationField string

// populationRE is the form of a population the gap analysis can read: a
// whole number (a JSON number or a string of digits).
var populationRE = regexp.MustCompile(`^[0-9]{1,10}$`)

// checkPopulation checks f's population property key when the import
// names one: missing or null is allowed (an unknown population), anything
// else must be a whole number ≥ 0.
func checkPopulation(f *feature, key string) error {
	if key == "" {
		return nil
	}
	v, ok, err := f.prop(key)
	if err != nil {
		return err
	}
	if !ok {
		return nil
	}
	if !populationRE.MatchString(strings.TrimSpace(v)) {
		return fmt.Errorf("population %q of property %q is not a whole number of people", shorten(v), shorten(key))
	}
	return nil
}

// escapePointer escapes one reference token of a JSON pointer (RFC 6901).
func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
