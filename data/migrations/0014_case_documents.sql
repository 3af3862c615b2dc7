-- 0014: a case's documents (issue 8): comments with a visibility,
-- attachments (PDF or images) kept in the database, and the tracking of a
-- decision's conditions (who marked them met or waived, with what note and
-- what evidence).
--
-- Attachments are bytea rows rather than files on disk: the upload, its
-- audit row and a condition that cites it commit in one transaction, a
-- backup of the database holds the whole case, and there is no second
-- store to keep in step. They are bounded (20 MiB by default, see
-- api.Config.MaxAttachmentBytes), and PostgreSQL moves values this large
-- out of line (TOAST), so the case tables stay small.

-- Comments: "case" ones are seen by the carrier of the case and the
-- reviewers; "internal" ones by reviewers only (never by a carrier).
ALTER TABLE case_comment
    ADD COLUMN visibility   text NOT NULL DEFAULT 'case' CHECK (visibility IN ('case', 'internal')),
    ADD COLUMN organization text NOT NULL DEFAULT '',
    ADD COLUMN proposal_id  bigint REFERENCES proposal (id);

-- One uploaded file of a case. The same bytes (sha256) are stored once per
-- case: a second upload returns the first.
CREATE TABLE case_attachment (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES review_case (id),
    proposal_id  bigint REFERENCES proposal (id), -- the revision current at upload
    user_id      bigint NOT NULL REFERENCES app_user (id),
    organization text NOT NULL DEFAULT '',
    filename     text NOT NULL CHECK (filename <> '' AND length(filename) <= 200),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size_bytes   bigint NOT NULL CHECK (size_bytes > 0 AND size_bytes = octet_length(body)),
    sha256       bytea NOT NULL CHECK (octet_length(sha256) = 32),
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (case_id, sha256)
);
CREATE INDEX case_attachment_case ON case_attachment (case_id, id);

-- An attachment is evidence: like the audit trail, it is never changed
-- nor deleted.
CREATE TRIGGER case_attachment_append_only BEFORE UPDATE OR DELETE ON case_attachment
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER case_attachment_no_truncate BEFORE TRUNCATE ON case_attachment
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- A condition's tracking: the reviewer's note when marking it met or
-- waived, and the evidence the carrier reported (an attachment of the same
-- case, and its note). The decision's own note on the condition stays in
-- note.
ALTER TABLE decision_condition
    ADD COLUMN status_note            text NOT NULL DEFAULT '',
    ADD COLUMN evidence_attachment_id bigint REFERENCES case_attachment (id),
    ADD COLUMN evidence_note          text NOT NULL DEFAULT '';
