package itm_test

import (
	"fmt"

	"btsplan/geo/itm"
)

func ExampleP2P() {
	// A 10 km path over flat land at 100 m: 112 intervals of 89.29 m.
	pfl := []float64{112, 10000.0 / 112}
	for range 113 {
		pfl = append(pfl, 100)
	}
	p := itm.Params{
		HTxM: 30, HRxM: 1.5, Climate: itm.ClimateEquatorial, N0: 301,
		FreqMHz: 700, Polarization: itm.PolarizationHorizontal, Epsilon: 25, SigmaSPerM: 0.02,
		MDVar:   itm.MDVarMobile + itm.MDVarNoLocation,
		TimePct: 50, LocationPct: 50, SituationPct: 50,
	}
	r, err := itm.P2P(p, pfl)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("loss %.2f dB (free space %.2f dB), mode %d, code %d, warnings %v\n",
		r.LossDB, r.Intermediate.AFsDB, r.Mode, r.ReturnCode, r.Warnings)

	p.HTxM = 0.2
	_, err = itm.P2P(p, pfl)
	fmt.Println(err)
	// Output:
	// loss 127.61 dB (free space 109.35 dB), mode 1, code 0, warnings NO_WARNINGS
	// itm: tx antenna height 0.2 m outside [0.5, 3000] m (code 1000)
}
