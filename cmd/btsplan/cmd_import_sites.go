package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"btsplan/planning"
)

// runImportSites is "btsplan import sites": it sends the file to POST
// /v1/sites in-process, so the CLI accepts exactly what the API accepts
// and fails with the same problems (naming the line or the feature).
func runImportSites(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("import sites", "import sites --file F --format opencellid|geojson [--name NAME] [--group-distance-m 30] [--province CODE] [--allow-outside-dem]", env.stderr)
	file := fs.String("file", "", "OpenCelliD cell CSV or GeoJSON FeatureCollection of Point sites (required; - for stdin)")
	format := fs.String("format", "", "opencellid or geojson (required)")
	name := fs.String("name", "", "network name; importing a name again makes a new version (default the format)")
	group := fs.Float64("group-distance-m", planning.DefaultGroupDistanceM, "OpenCelliD: cells of one carrier within this distance are one site, m")
	province := fs.String("province", "", "province code whose radio defaults fill the values the file lacks (default national)")
	source := fs.String("source", "", "where the data came from (default the file name)")
	licence := fs.String("licence", "", "the data's licence (OpenCelliD: CC BY-SA 4.0)")
	allowOutside := fs.Bool("allow-outside-dem", false, "import sites that no loaded DEM tile covers (refused by default)")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	if *file == "" || *format == "" {
		fs.Usage()
		return fmt.Errorf("import sites: --file and --format are required")
	}
	q := url.Values{"format": {*format}}
	if *name != "" {
		q.Set("name", *name)
	}
	if *format == planning.FormatOpenCelliD {
		q.Set("group_distance_m", strconv.FormatFloat(*group, 'g', -1, 64))
	}
	if *province != "" {
		q.Set("province", *province)
	}
	if *source == "" {
		*source = *file
	}
	q.Set("source", *source)
	if *licence != "" {
		q.Set("licence", *licence)
	}
	if *allowOutside {
		q.Set("allow_outside_dem", "true")
	}

	ct := "application/geo+json"
	if *format == planning.FormatOpenCelliD {
		ct = "text/csv"
	}
	return postFile(ctx, env, *file, "/v1/sites?"+q.Encode(), ct)
}
