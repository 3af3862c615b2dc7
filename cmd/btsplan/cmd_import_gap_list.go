package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
)

const gapListSynopsis = `import gap-list --file F.csv [--allow-unmatched] [--source TEXT]

Imports the official list of trắng sóng / lõm sóng villages as the next version of the
list (the latest applies). The CSV's header is province,commune,village,status,date;
status is trang_song, lom_song or covered (or trắng sóng, lõm sóng), date YYYY-MM-DD.
Each row is matched to the one village or hamlet of its commune with that name,
diacritics, đ, case and repeated spaces ignored for the comparison only. A bad line
fails the import, naming the file and line, and nothing is stored. A row that matches
no village, or several, is never guessed: it fails the import too, unless
--allow-unmatched, which stores the rows that match and lists the others.`

// runImportGapList is "btsplan import gap-list": it sends the file to POST
// /v1/gap-lists in-process, so the CLI accepts exactly what the API
// accepts and fails with the same problems, prefixed with the file name.
func runImportGapList(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("import gap-list", gapListSynopsis, env.stderr)
	file := fs.String("file", "", "the list as CSV (required; - for stdin)")
	allow := fs.Bool("allow-unmatched", false, "store the rows that match a village when others match none or several (they are listed)")
	source := fs.String("source", "", "where the list came from (default the file name)")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	if *file == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("import gap-list: --file is required and nothing else may follow")
	}
	if *source == "" {
		*source = *file
	}
	q := url.Values{"source": {*source}}
	if *allow {
		q.Set("allow_unmatched", "true")
	}
	return postFile(ctx, env, *file, "/v1/gap-lists?"+q.Encode(), "text/csv")
}

// postFile sends file (- for stdin) to the API's import route target
// in-process, as contentType, and prints the answer; a problem is an error
// prefixed with the file name, saying that nothing was imported.
func postFile(ctx context.Context, env *environment, file, target, contentType string) error {
	a, err := loadApp(ctx, env)
	if err != nil {
		return err
	}
	defer a.close()
	h, err := a.inProcess(env)
	if err != nil {
		return err
	}
	f, _, err := openInput(file)
	if err != nil {
		return err
	}
	defer f.Close()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, target, f)
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		return fmt.Errorf("%s: %w (nothing was imported)", file, problemError(rec.Code, rec.Body.Bytes()))
	}
	return printIndented(env.stdout, rec.Body.Bytes())
}
