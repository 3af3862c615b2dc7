package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"btsplan/api"
)

// Small files whose first bytes are those of their type, as
// http.DetectContentType reads them.
var (
	pngBytes  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 64)...)
	pdfBytes  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	jpegBytes = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), bytes.Repeat([]byte{9}, 64)...)
)

// upload sends body raw as contentType to the attachments of proposal 1.
func (a *authzAPI) upload(t *testing.T, who, contentType, target string, body io.Reader, size int64, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", target, body)
	req.ContentLength = size
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return a.serve(req, who, headers...)
}

type attachmentBody struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	SizeBytes   int64  `json:"size_bytes"`
	SHA256      string `json:"sha256"`
	Uploader    string `json:"uploader"`
	Download    string `json:"download"`
}

func decodeAttachment(t *testing.T, rec *httptest.ResponseRecorder, want int) attachmentBody {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status = %d, want %d: %s", rec.Code, want, rec.Body)
	}
	var b attachmentBody
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatalf("attachment %s: %v", rec.Body, err)
	}
	return b
}

// countingReader yields n bytes of 'x' without holding them, and counts
// how many were read.
type countingReader struct {
	n, read int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), r.n-r.read)
	for i := range k {
		p[i] = 'x'
	}
	r.read += k
	return int(k), nil
}

func auditCount(t *testing.T, a *authzAPI, action string) int {
	t.Helper()
	var n int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_event WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAttachments uploads, refuses, deduplicates and downloads
// attachments, with a size limit of 4 KiB.
func TestAttachments(t *testing.T) {
	const limit = 4 << 10
	a := newAuthzAPI(t, func(c *api.Config) { c.MaxAttachmentBytes = limit })
	if rec := a.do(t, "carrier", "POST", "/v1/proposals", dbSiteBody(t, "DOCS-1")); rec.Code != http.StatusCreated {
		t.Fatalf("submit = %d %s", rec.Code, rec.Body)
	}
	const target = "/v1/proposals/1/attachments?filename=plan.png"
	sum := sha256.Sum256(pngBytes)
	sumHex := hex.EncodeToString(sum[:])

	t.Run("refused", func(t *testing.T) {
		tests := []struct {
			name, ct, target string
			body             []byte
			headers          []string
			want             int
			field            string
		}{
			{"declared text/plain", "text/plain", target, pngBytes, nil, 415, ""},
			{"no Content-Type", "", target, pngBytes, nil, 415, ""},
			{"a PNG declared as a PDF", "application/pdf", "/v1/proposals/1/attachments?filename=letter.pdf", pngBytes, nil, 415, ""},
			{"a PDF declared as a JPEG", "image/jpeg", target, pdfBytes, nil, 415, ""},
			{"a JPEG declared as a PNG", "image/png", target, jpegBytes, nil, 415, ""},
			{"compressed", "image/png", target, pngBytes, []string{"Content-Encoding", "gzip"}, 415, ""},
			{"checksum of other bytes", "image/png", target, pngBytes, []string{"X-Checksum-Sha256", strings.Repeat("ab", 32)}, 422, "X-Checksum-Sha256"},
			{"checksum not hex", "image/png", target, pngBytes, []string{"X-Checksum-Sha256", "sha-256=abc"}, 400, "X-Checksum-Sha256"},
			{"no filename", "image/png", "/v1/proposals/1/attachments", pngBytes, nil, 400, "filename"},
			{"a path as filename", "image/png", "/v1/proposals/1/attachments?filename=../etc/passwd", pngBytes, nil, 422, "filename"},
			{"unknown parameter", "image/png", target + "&name=x", pngBytes, nil, 400, "name"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rec := a.upload(t, "carrier", tt.ct, tt.target, bytes.NewReader(tt.body), int64(len(tt.body)), tt.headers...)
				p := decodeProblem(t, rec, tt.want)
				if p.Field != tt.field {
					t.Errorf("field = %q, want %q (%s)", p.Field, tt.field, p.Detail)
				}
			})
		}
		// Two checksums, the first right: which one would count?
		req := httptest.NewRequest("POST", target, bytes.NewReader(pngBytes))
		req.Header.Set("Content-Type", "image/png")
		req.Header.Add("X-Checksum-Sha256", sumHex)
		req.Header.Add("X-Checksum-Sha256", strings.Repeat("ab", 32))
		if p := decodeProblem(t, a.serve(req, "carrier"), http.StatusBadRequest); p.Field != "X-Checksum-Sha256" {
			t.Errorf("checksum given twice: field = %q, want X-Checksum-Sha256 (%s)", p.Field, p.Detail)
		}
		if n := auditCount(t, a, "case.attach"); n != 0 {
			t.Errorf("%d audit rows after refused uploads, want 0", n)
		}
	})

	t.Run("413 before the body is read", func(t *testing.T) {
		// Declared too large: refused before a byte is read.
		r := &countingReader{n: 10 * limit}
		p := decodeProblem(t, a.upload(t, "carrier", "image/png", target, r, r.n), http.StatusRequestEntityTooLarge)
		if r.read != 0 {
			t.Errorf("read %d bytes of a body declared too large, want 0", r.read)
		}
		if !strings.Contains(p.Detail, fmt.Sprint(limit)) {
			t.Errorf("detail %q does not name the limit", p.Detail)
		}
		// Sent without a length: reading stops just past the limit.
		r = &countingReader{n: 100 * limit}
		decodeProblem(t, a.upload(t, "carrier", "image/png", target, r, -1), http.StatusRequestEntityTooLarge)
		if r.read > 2*limit {
			t.Errorf("read %d bytes of a %d-byte body over a %d-byte limit: the whole body was read", r.read, r.n, limit)
		}
	})

	var first, pdf attachmentBody
	t.Run("upload and duplicate", func(t *testing.T) {
		rec := a.upload(t, "carrier", "image/png", target, bytes.NewReader(pngBytes), int64(len(pngBytes)), "X-Checksum-Sha256", strings.ToUpper(sumHex))
		first = decodeAttachment(t, rec, http.StatusCreated)
		if first.SHA256 != sumHex || first.SizeBytes != int64(len(pngBytes)) || first.ContentType != "image/png" ||
			first.Filename != "plan.png" || first.Uploader != "viettel" || rec.Header().Get("Location") != first.Download {
			t.Errorf("attachment = %+v, Location %q", first, rec.Header().Get("Location"))
		}
		// The same bytes again, by the reviewer under another name: the first one.
		again := decodeAttachment(t, a.upload(t, "reviewer", "image/png", "/v1/proposals/1/attachments?filename=copy.png",
			bytes.NewReader(pngBytes), int64(len(pngBytes))), http.StatusOK)
		if again != first {
			t.Errorf("duplicate upload = %+v, want the first %+v", again, first)
		}
		pdf = decodeAttachment(t, a.upload(t, "reviewer", "application/pdf", "/v1/proposals/1/attachments?filename=bi%C3%AAn%20b%E1%BA%A3n.pdf",
			bytes.NewReader(pdfBytes), int64(len(pdfBytes))), http.StatusCreated)
		if n := auditCount(t, a, "case.attach"); n != 2 {
			t.Errorf("%d audit rows case.attach, want 2 (the duplicate stores nothing)", n)
		}
		var list struct{ Items []attachmentBody }
		rec = a.do(t, "reviewer", "GET", "/v1/proposals/1/attachments", "")
		if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Items) != 2 || list.Items[0] != first {
			t.Errorf("list = %d %s, want the two attachments, the PNG first", rec.Code, rec.Body)
		}
	})

	t.Run("download", func(t *testing.T) {
		rec := a.do(t, "carrier", "GET", first.Download, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("download = %d %s", rec.Code, rec.Body)
		}
		got := sha256.Sum256(rec.Body.Bytes())
		h := rec.Header()
		if hex.EncodeToString(got[:]) != sumHex || h.Get("ETag") != `"`+sumHex+`"` {
			t.Errorf("downloaded sha256 %x, ETag %q; want %s both", got, h.Get("ETag"), sumHex)
		}
		for k, want := range map[string]string{"Content-Type": "image/png", "X-Content-Type-Options": "nosniff",
			"Content-Disposition": `attachment; filename=plan.png`} {
			if h.Get(k) != want {
				t.Errorf("%s = %q, want %q", k, h.Get(k), want)
			}
		}
		if rec := a.do(t, "carrier", "GET", first.Download, "", "If-None-Match", `"`+sumHex+`"`); rec.Code != http.StatusNotModified {
			t.Errorf("If-None-Match with the ETag = %d, want 304", rec.Code)
		}
		rec = a.do(t, "reviewer", "GET", pdf.Download, "")
		if !bytes.Equal(rec.Body.Bytes(), pdfBytes) || !strings.Contains(rec.Header().Get("Content-Disposition"), "filename*=utf-8''bi%C3%AAn%20b%E1%BA%A3n.pdf") {
			t.Errorf("PDF download: Content-Disposition %q, %d bytes", rec.Header().Get("Content-Disposition"), rec.Body.Len())
		}
		decodeProblem(t, a.do(t, "carrier", "GET", "/v1/proposals/1/attachments/99", ""), http.StatusNotFound)
	})
}

// TestDocumentsIsolation: another carrier gets 404 for a case's comments
// and attachments, before and after the decision is public; a carrier
// never sees internal comments.
func TestDocumentsIsolation(t *testing.T) {
	a := newAuthzAPI(t)
	if rec := a.do(t, "carrier", "POST", "/v1/proposals", dbSiteBody(t, "ISO-1")); rec.Code != http.StatusCreated {
		t.Fatalf("submit = %d %s", rec.Code, rec.Body)
	}
	comment := func(who, body string, want int) {
		t.Helper()
		rec := a.do(t, who, "POST", "/v1/proposals/1/comments", body)
		if rec.Code != want {
			t.Errorf("comment %s as %s = %d %s, want %d", body, who, rec.Code, rec.Body, want)
		}
	}
	comment("carrier", `{"text":"Xin gửi bản vẽ cột."}`, http.StatusCreated)
	comment("reviewer", `{"text":"internal: check the forest layer","visibility":"internal"}`, http.StatusCreated)
	comment("reviewer", `{"text":"Please send the consent letter."}`, http.StatusCreated)
	comment("carrier", `{"text":"sneaky","visibility":"internal"}`, http.StatusForbidden)
	comment("carrier", `{"text":"x","visibility":"public"}`, http.StatusUnprocessableEntity)
	comment("carrier", `{"text":"a\u0000b"}`, http.StatusUnprocessableEntity)
	comment("carrier", `{"text":"`+strings.Repeat("x", 10001)+`"}`, http.StatusUnprocessableEntity)
	comment("carrier", `{"visibility":"case"}`, http.StatusUnprocessableEntity)
	comment("carrier", `{"text":"x","extra":1}`, http.StatusUnprocessableEntity)
	if n := auditCount(t, a, "case.comment"); n != 3 {
		t.Errorf("%d audit rows case.comment, want 3", n)
	}

	texts := func(who string) []string {
		t.Helper()
		rec := a.do(t, who, "GET", "/v1/proposals/1/comments", "")
		var list struct {
			Items []struct{ Text, Visibility string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || rec.Code != 200 {
			t.Fatalf("comments as %s = %d %s", who, rec.Code, rec.Body)
		}
		var out []string
		for _, c := range list.Items {
			out = append(out, c.Visibility+":"+c.Text)
		}
		return out
	}
	if got := texts("carrier"); len(got) != 2 || strings.Contains(strings.Join(got, "|"), "internal") {
		t.Errorf("carrier's comments = %q, want the two case comments, no internal one", got)
	}
	if got := texts("reviewer"); len(got) != 3 || got[1] != "internal:internal: check the forest layer" {
		t.Errorf("reviewer's comments = %q, want all three in order", got)
	}
	hidden := func(stage string) {
		t.Helper()
		for _, target := range []string{"/v1/proposals/1/comments", "/v1/proposals/1/attachments", "/v1/proposals/1/attachments/1"} {
			if rec := a.do(t, "other", "GET", target, ""); rec.Code != http.StatusNotFound {
				t.Errorf("%s: other carrier GET %s = %d, want 404", stage, target, rec.Code)
			}
		}
		if rec := a.do(t, "other", "POST", "/v1/proposals/1/comments", `{"text":"hi"}`); rec.Code != http.StatusNotFound {
			t.Errorf("%s: other carrier comments = %d, want 404", stage, rec.Code)
		}
		if rec := a.upload(t, "other", "image/png", "/v1/proposals/1/attachments?filename=x.png", bytes.NewReader(pngBytes), int64(len(pngBytes))); rec.Code != http.StatusNotFound {
			t.Errorf("%s: other carrier uploads = %d, want 404", stage, rec.Code)
		}
		// Refused before its body is read: another carrier cannot make
		// the server read and hash megabytes it will not store.
		r := &countingReader{n: 1 << 20}
		if rec := a.upload(t, "other", "image/png", "/v1/proposals/1/attachments?filename=x.png", r, r.n); rec.Code != http.StatusNotFound || r.read != 0 {
			t.Errorf("%s: other carrier uploads 1 MiB = %d, read %d bytes; want 404 before reading", stage, rec.Code, r.read)
		}
	}
	if rec := a.upload(t, "carrier", "image/png", "/v1/proposals/1/attachments?filename=x.png", bytes.NewReader(pngBytes), int64(len(pngBytes))); rec.Code != http.StatusCreated {
		t.Fatalf("upload = %d %s", rec.Code, rec.Body)
	}
	hidden("pending")
	decideWithConditions(t, a)
	if rec := a.do(t, "other", "GET", "/v1/proposals/1/case", ""); rec.Code != http.StatusOK {
		t.Fatalf("the decided case is public: other carrier GET case = %d", rec.Code)
	}
	hidden("decided")
}

// decideWithConditions takes case 1 from assessed to approved with two
// conditions (max height, camouflage) and returns its ETag.
func decideWithConditions(t *testing.T, a *authzAPI) string {
	t.Helper()
	etag := a.do(t, "reviewer", "GET", "/v1/proposals/1/case", "").Header().Get("ETag")
	rec := a.do(t, "reviewer", "POST", "/v1/proposals/1/actions", `{"event":"start_review"}`, "If-Match", etag)
	if rec.Code != http.StatusOK {
		t.Fatalf("start review = %d %s", rec.Code, rec.Body)
	}
	decision := `{"outcome":"approve_with_conditions","note":"OK","conditions":[
		{"type":"max_height","params":{"height_m":"36.5"}},{"type":"camouflage","params":{"style":"tree"},"note":"paint it green"}]}`
	rec = a.do(t, "reviewer", "POST", "/v1/proposals/1/decisions", decision, "If-Match", rec.Header().Get("ETag"))
	if rec.Code != http.StatusCreated {
		t.Fatalf("decide = %d %s", rec.Code, rec.Body)
	}
	return rec.Header().Get("ETag")
}

// TestConditions marks a decision's conditions: the carrier reports
// evidence but cannot mark; the reviewer marks met and waived on the
// current ETag only; a settled condition stays settled.
func TestConditions(t *testing.T) {
	a := newAuthzAPI(t)
	if rec := a.do(t, "carrier", "POST", "/v1/proposals", dbSiteBody(t, "COND-1")); rec.Code != http.StatusCreated {
		t.Fatalf("submit = %d %s", rec.Code, rec.Body)
	}
	if rec := a.do(t, "reviewer", "POST", "/v1/proposals/1/conditions/1", `{"status":"met"}`, "If-Match", `"case-1-v1"`); rec.Code != http.StatusNotFound {
		t.Errorf("condition of an undecided case = %d %s, want 404 (no such condition)", rec.Code, rec.Body)
	}
	etag := decideWithConditions(t, a)
	var c caseBody
	rec := a.do(t, "carrier", "GET", "/v1/proposals/1/case", "")
	c = decodeCase(t, rec.Code, rec, rec.Body.Bytes(), http.StatusOK)
	if len(c.Decisions) != 1 || len(c.Decisions[0].Conditions) != 2 {
		t.Fatalf("case = %+v", c)
	}
	var ids struct {
		Decisions []struct{ Conditions []struct{ ID int64 } }
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &ids)
	height, camo := ids.Decisions[0].Conditions[0].ID, ids.Decisions[0].Conditions[1].ID
	at := func(id int64) string { return fmt.Sprintf("/v1/proposals/1/conditions/%d", id) }
	up := decodeAttachment(t, a.upload(t, "carrier", "application/pdf", "/v1/proposals/1/attachments?filename=survey.pdf",
		bytes.NewReader(pdfBytes), int64(len(pdfBytes))), http.StatusCreated)
	stale := strings.Replace(etag, "-v", "-v9", 1)

	tests := []struct {
		name, who string
		id        int64
		body      string
		etag      string
		want      int
		field     string
	}{
		{"no If-Match", "reviewer", height, `{"status":"met"}`, "", 428, "If-Match"},
		{"stale ETag", "reviewer", height, `{"status":"met","note":"measured"}`, stale, 412, "If-Match"},
		{"carrier marks met", "carrier", height, `{"status":"met"}`, etag, 403, "/status"},
		{"reviewer reports evidence", "reviewer", height, `{"status":"open","evidence_attachment_id":1}`, etag, 403, "/status"},
		{"unknown status", "reviewer", height, `{"status":"done"}`, etag, 422, "/status"},
		{"no status", "reviewer", height, `{"note":"x"}`, etag, 422, "/status"},
		{"evidence of no attachment", "carrier", height, `{"status":"open","evidence_attachment_id":99}`, etag, 422, "/evidence_attachment_id"},
		{"evidence without attachment", "carrier", height, `{"status":"open","note":"done"}`, etag, 422, "/evidence_attachment_id"},
		{"no such condition", "reviewer", 999, `{"status":"met"}`, etag, 404, ""},
		{"other carrier", "other", height, `{"status":"open","evidence_attachment_id":1}`, etag, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h []string
			if tt.etag != "" {
				h = []string{"If-Match", tt.etag}
			}
			p := decodeProblem(t, a.do(t, tt.who, "POST", at(tt.id), tt.body, h...), tt.want)
			if p.Field != tt.field {
				t.Errorf("field = %q, want %q (%s)", p.Field, tt.field, p.Detail)
			}
		})
	}

	step := func(who string, id int64, body string) caseBody {
		t.Helper()
		rec := a.do(t, who, "POST", at(id), body, "If-Match", etag)
		c := decodeCase(t, rec.Code, rec, rec.Body.Bytes(), http.StatusOK)
		etag = c.ETag
		return c
	}
	step("carrier", height, fmt.Sprintf(`{"status":"open","note":"as-built survey","evidence_attachment_id":%d}`, up.ID))
	c = step("reviewer", height, fmt.Sprintf(`{"status":"met","note":"36 m measured","evidence_attachment_id":%d}`, up.ID))
	c = step("reviewer", camo, `{"status":"waived","note":"no trees nearby"}`)
	if got := c.Decisions[0].Conditions; got[0].Status != "met" || got[1].Status != "waived" || c.State != "approved_with_conditions" {
		t.Errorf("conditions after marking = %+v", got)
	}
	// The old ETag lost: the case moved on with each change.
	p := decodeProblem(t, a.do(t, "reviewer", "POST", at(camo), `{"status":"met"}`, "If-Match", `"case-1-v4"`), http.StatusPreconditionFailed)
	if p.Field != "If-Match" {
		t.Errorf("stale field = %q", p.Field)
	}
	p = decodeProblem(t, a.do(t, "reviewer", "POST", at(camo), `{"status":"met"}`, "If-Match", etag), http.StatusConflict)
	if !strings.Contains(p.Detail, "waived already") {
		t.Errorf("settled condition: %q", p.Detail)
	}
	for action, want := range map[string]int{"case.condition.evidence": 1, "case.condition.met": 1, "case.condition.waived": 1} {
		if n := auditCount(t, a, action); n != want {
			t.Errorf("%d audit rows %s, want %d", n, action, want)
		}
	}
	var evidence int64
	var note string
	if err := a.pool.QueryRow(context.Background(), `SELECT evidence_attachment_id, status_note FROM decision_condition WHERE id = $1`, height).Scan(&evidence, &note); err != nil || evidence != up.ID || note != "36 m measured" {
		t.Errorf("stored condition: evidence %d, note %q, %v", evidence, note, err)
	}
}

// TestDecisionLetter renders the letter of a decided case in both
// languages and reads it as HTML: the outcome, the conditions and their
// status, the validity, the rule-set version and the layer versions.
func TestDecisionLetter(t *testing.T) {
	a := newAuthzAPI(t)
	// A forest far from the site: a layer the assessment uses, no finding.
	far := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ten":"Rừng xa"},"geometry":{"type":"Polygon",
		"coordinates":[[[105.9,21.6],[105.91,21.6],[105.91,21.61],[105.9,21.6]]]}}]}`
	if rec := a.do(t, "admin", "POST", "/v1/layers?kind=landuse&name=rung-xa&category=RDD", far); rec.Code != http.StatusCreated {
		t.Fatalf("layer import = %d %s", rec.Code, rec.Body)
	}
	if rec := a.do(t, "carrier", "POST", "/v1/proposals", dbSiteBody(t, "LETTER-1")); rec.Code != http.StatusCreated {
		t.Fatalf("submit = %d %s", rec.Code, rec.Body)
	}
	p := decodeProblem(t, a.do(t, "carrier", "GET", "/v1/proposals/1/decision-letter.html", ""), http.StatusConflict)
	if !strings.Contains(p.Detail, "assessed") || p.Type != "urn:btsplan:problem:wrong-state" {
		t.Errorf("letter of an undecided case: %+v, want 409 naming the state", p)
	}
	etag := decideWithConditions(t, a)
	rec := a.do(t, "reviewer", "POST", "/v1/proposals/1/conditions/1", `{"status":"met","note":"đã kiểm tra"}`, "If-Match", etag)
	if rec.Code != http.StatusOK {
		t.Fatalf("mark met = %d %s", rec.Code, rec.Body)
	}
	var rep struct {
		RuleSetVersion string         `json:"rule_set_version"`
		LayerVersions  map[string]int `json:"layer_versions"`
	}
	if err := json.Unmarshal(a.do(t, "carrier", "GET", "/v1/proposals/1/report", "").Body.Bytes(), &rep); err != nil || rep.RuleSetVersion == "" || rep.LayerVersions["rung-xa"] != 1 {
		t.Fatalf("report: %+v %v; want a rule set and layer rung-xa v1", rep, err)
	}
	validUntil := time.Now().In(time.FixedZone("ICT", 7*3600)).AddDate(0, 18, 0).Format("2006-01-02")
	tests := []struct {
		lang, outcome, met, open, height string
	}{
		{"vi", "CHẤP THUẬN CÓ ĐIỀU KIỆN", "đã đáp ứng", "chưa đáp ứng", "Chiều cao công trình không quá 36,5 m"},
		{"en", "APPROVED WITH CONDITIONS", "met", "open", "Structure no higher than 36.5 m"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			for _, who := range []string{"carrier", "other", "analyst"} { // public once decided
				rec := a.do(t, who, "GET", "/v1/proposals/1/decision-letter.html?lang="+tt.lang, "")
				if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
					rec.Header().Get("Content-Language") != tt.lang {
					t.Fatalf("letter as %s = %d %q %.300s", who, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
				}
			}
			doc, err := html.Parse(a.do(t, "carrier", "GET", "/v1/proposals/1/decision-letter.html?lang="+tt.lang, "").Body)
			if err != nil {
				t.Fatal(err)
			}
			if got := attr(element(doc, "html", ""), "lang"); got != tt.lang {
				t.Errorf("html lang = %q", got)
			}
			if got := words(element(doc, "span", "outcome")); got != tt.outcome {
				t.Errorf("outcome = %q, want %q", got, tt.outcome)
			}
			if got := words(element(doc, "td", "valid-until")); got != validUntil {
				t.Errorf("valid until = %q, want %q", got, validUntil)
			}
			conds := elements(doc, "tr", "condition")
			if len(conds) != 2 {
				t.Fatalf("%d condition rows, want 2", len(conds))
			}
			if c := words(conds[0]); !strings.Contains(c, tt.height) || !strings.Contains(c, tt.met) || !strings.Contains(c, "đã kiểm tra") {
				t.Errorf("condition 1 = %q, want %q, %q and the note", c, tt.height, tt.met)
			}
			if c := words(conds[1]); !strings.Contains(c, "tree") || !strings.Contains(c, tt.open) {
				t.Errorf("condition 2 = %q, want the camouflage, %s", c, tt.open)
			}
			if got := words(element(element(doc, "tr", "rule-set"), "td", "")); got != rep.RuleSetVersion {
				t.Errorf("rule-set version = %q, want %q", got, rep.RuleSetVersion)
			}
			layers := ""
			for _, n := range elements(doc, "tr", "layer") {
				layers += words(n) + "|"
			}
			if !strings.Contains(layers, "rung-xa") || !strings.Contains(layers, "v1") {
				t.Errorf("layer versions = %q, want rung-xa v1", layers)
			}
			if element(doc, "svg", "map") == nil {
				t.Error("no site map")
			}
		})
	}
	decodeProblem(t, a.do(t, "carrier", "GET", "/v1/proposals/1/decision-letter.html?lang=fr", ""), http.StatusBadRequest)
}

// element returns the first element named tag whose class list holds
// class ("" for any), depth first, or nil.
func element(n *html.Node, tag, class string) *html.Node {
	all := elements(n, tag, class)
	if len(all) == 0 {
		return nil
	}
	return all[0]
}

func elements(n *html.Node, tag, class string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n == nil {
			return
		}
		if n.Type == html.ElementNode && n.Data == tag && (class == "" || hasClass(n, class)) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// words is the text of n and its descendants, spaces collapsed.
func words(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n == nil {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteString(" ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// TestDocumentResponsesMatchOpenAPI validates the answers of the document
// routes and of the decision letter against openapi.json.
func TestDocumentResponsesMatchOpenAPI(t *testing.T) {
	a := newAuthzAPI(t)
	router := a.openAPIRouter(t)
	if rec := a.do(t, "carrier", "POST", "/v1/proposals", dbSiteBody(t, "DOCAPI-1")); rec.Code != http.StatusCreated {
		t.Fatalf("submit = %d %s", rec.Code, rec.Body)
	}
	// binary: a body kin-openapi cannot decode (a file, HTML); the status
	// and headers are still checked.
	check := func(name, method, target string, rec *httptest.ResponseRecorder, want int, binary bool) {
		t.Run(name, func(t *testing.T) {
			if rec.Code != want {
				t.Fatalf("status = %d, want %d: %.300s", rec.Code, want, rec.Body)
			}
			validateResponse(t, router, method, target, rec, binary)
		})
	}
	up := "/v1/proposals/1/attachments?filename=a.png"
	check("letter before a decision", "GET", "/v1/proposals/1/decision-letter.html",
		a.do(t, "carrier", "GET", "/v1/proposals/1/decision-letter.html", ""), 409, false)
	check("comment", "POST", "/v1/proposals/1/comments", a.do(t, "carrier", "POST", "/v1/proposals/1/comments", `{"text":"hi"}`), 201, false)
	check("bad comment", "POST", "/v1/proposals/1/comments", a.do(t, "carrier", "POST", "/v1/proposals/1/comments", `{"text":""}`), 422, false)
	check("comments", "GET", "/v1/proposals/1/comments", a.do(t, "reviewer", "GET", "/v1/proposals/1/comments", ""), 200, false)
	check("upload", "POST", up, a.upload(t, "carrier", "image/png", up, bytes.NewReader(pngBytes), int64(len(pngBytes))), 201, false)
	check("duplicate upload", "POST", up, a.upload(t, "carrier", "image/png", up, bytes.NewReader(pngBytes), int64(len(pngBytes))), 200, false)
	check("upload of the wrong type", "POST", up, a.upload(t, "carrier", "application/pdf", up, bytes.NewReader(pngBytes), int64(len(pngBytes))), 415, false)
	check("attachments", "GET", "/v1/proposals/1/attachments", a.do(t, "carrier", "GET", "/v1/proposals/1/attachments", ""), 200, false)
	check("download", "GET", "/v1/proposals/1/attachments/1", a.do(t, "carrier", "GET", "/v1/proposals/1/attachments/1", ""), 200, true)
	check("hidden attachment", "GET", "/v1/proposals/1/attachments/1", a.do(t, "other", "GET", "/v1/proposals/1/attachments/1", ""), 404, false)
	etag := decideWithConditions(t, a)
	check("condition without If-Match", "POST", "/v1/proposals/1/conditions/1",
		a.do(t, "reviewer", "POST", "/v1/proposals/1/conditions/1", `{"status":"met"}`), 428, false)
	check("condition met", "POST", "/v1/proposals/1/conditions/1",
		a.do(t, "reviewer", "POST", "/v1/proposals/1/conditions/1", `{"status":"met","evidence_attachment_id":1}`, "If-Match", etag), 200, false)
	check("condition stale", "POST", "/v1/proposals/1/conditions/2",
		a.do(t, "reviewer", "POST", "/v1/proposals/1/conditions/2", `{"status":"waived"}`, "If-Match", etag), 412, false)
	check("letter", "GET", "/v1/proposals/1/decision-letter.html?lang=en",
		a.do(t, "analyst", "GET", "/v1/proposals/1/decision-letter.html?lang=en", ""), 200, true)
}
