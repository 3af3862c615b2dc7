package api

import (
	"errors"
	"testing"

	"btsplan/planning"
)

// A village_ids list over the cap is one error naming the list, not one
// per item: a 1 MiB body of zeros once answered with a problem listing
// half a million of them.
func TestSearchParamsVillageIDsOverCap(t *testing.T) {
	carrier := "452-04"
	in := searchRequest{Carrier: &carrier, VillageIDs: make([]int64, 100*planning.MaxSearchVillageIDs)}
	_, err := in.params()
	if err == nil {
		t.Fatal("params() accepted too many village ids")
	}
	got := fieldReasons(err)
	if len(got) != 1 || got[0].Field != planning.FieldSearchVillageIDs {
		t.Fatalf("params() = %d field errors (first %v), want one naming %s", len(got), got[:min(len(got), 1)], planning.FieldSearchVillageIDs)
	}
	if n := len(err.Error()); n > 300 {
		t.Errorf("error of %d bytes", n)
	}
	// Under the cap each bad id is still named.
	in.VillageIDs = []int64{1, 0, -3}
	_, err = in.params()
	var pe *planning.Error
	if got := fieldReasons(err); len(got) != 2 || got[0].Field != "/village_ids/1" || got[1].Field != "/village_ids/2" || !errors.As(err, &pe) {
		t.Errorf("params() = %v, want errors naming /village_ids/1 and /village_ids/2", got)
	}
}

// Too many antennas are one error naming the list, not five per empty
// antenna.
func TestSearchParamsAntennasOverCap(t *testing.T) {
	carrier := "452-04"
	in := searchRequest{Carrier: &carrier, Antennas: make([]antennaIn, 1000*planning.MaxAntennas)}
	_, err := in.params()
	got := fieldReasons(err)
	if len(got) != 1 || got[0].Field != planning.FieldSearchAntennas {
		t.Fatalf("params() = %d field errors (first %v), want one naming %s", len(got), got[:min(len(got), 1)], planning.FieldSearchAntennas)
	}
	in.Antennas = make([]antennaIn, 1)
	if _, err := in.params(); len(fieldReasons(err)) != 5 {
		t.Errorf("one empty antenna: %v, want its five members named", err)
	}
}
