-- 0006: who may do what, and the review of a case from submission to a
-- signed decision (issue 8).
--
-- Users belong to one organization and hold roles (data, not a CHECK);
-- they authenticate with bearer tokens of which only a SHA-256 hash is
-- kept. A case groups the revisions of one (carrier, site code); its state
-- follows planning/workflow.go's state machine and every change of it is
-- written together with a case_event row and an audit_event row in one
-- transaction. audit_event, case_event and rule_set_file are append-only:
-- a trigger refuses UPDATE, DELETE and TRUNCATE.
--
-- Not here yet, on purpose (issue 8's later steps): attachments and
-- webhooks. Their tables come with the code that writes them.

-- Roles are data so that a new role is a row, not a schema change; what
-- each role may do is planning's (planning/workflow.go, planning/user.go).
CREATE TABLE role (
    code    text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
    name_vi text NOT NULL,
    name_en text NOT NULL,
    note    text NOT NULL DEFAULT ''
);
INSERT INTO role (code, name_vi, name_en, note) VALUES
    ('carrier',  'Doanh nghiệp viễn thông', 'Carrier',
     'submits, revises and withdraws its own organization''s proposals'),
    ('reviewer', 'Cán bộ thẩm định', 'Reviewer',
     'sees every case of its province and records decisions for its own authority'),
    ('analyst',  'Chuyên viên phân tích', 'Analyst',
     'reads and exports everything public, writes nothing'),
    ('admin',    'Quản trị', 'Administrator',
     'manages layers, rules, networks, DEMs and users');

-- "user" is a reserved word; app_user is the person (or robot) behind a token.
CREATE TABLE app_user (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
    organization text NOT NULL REFERENCES organization (code),
    -- The province (top-level admin unit code) a reviewer works for; ''
    -- for every province.
    province     text NOT NULL DEFAULT '',
    disabled     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_user_organization ON app_user (organization);

CREATE TABLE user_role (
    user_id bigint NOT NULL REFERENCES app_user (id),
    role    text NOT NULL REFERENCES role (code),
    PRIMARY KEY (user_id, role)
);

-- Bearer tokens. The token is 32 random bytes, so an unsalted SHA-256 is
-- enough (nothing to brute-force); prefix is its first characters, not
-- secret, unique, and is how a token is found before its hash is compared
-- in constant time.
CREATE TABLE api_token (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES app_user (id),
    prefix       text NOT NULL UNIQUE CHECK (prefix ~ '^btsp_[A-Za-z0-9_-]{8}$'),
    hash         bytea NOT NULL CHECK (octet_length(hash) = 32),
    note         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL CHECK (expires_at > created_at),
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_token_user ON api_token (user_id);

-- A case: every revision of one (carrier, site code). version is the
-- case's ETag: every change increments it, and a change that names an
-- older version is refused. The review clock (Decree 32/2016: 15 working
-- days, 30 for batches of 10 to 50 stations) starts at submission and is
-- computed by planning.Calendar; due_date is stored for the overdue list
-- and is NULL while the clock is paused or stopped.
CREATE TABLE review_case (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    carrier            text NOT NULL,
    carrier_kind       text NOT NULL GENERATED ALWAYS AS ('carrier') STORED,
    site_code          text NOT NULL CHECK (site_code <> ''),
    province           text NOT NULL DEFAULT '',
    state              text NOT NULL CHECK (state IN ('draft', 'submitted', 'assessed', 'under_review',
                           'documents_requested', 'approved', 'approved_with_conditions', 'rejected',
                           'relocation_requested', 'withdrawn', 'expired')),
    version            integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    proposal_id        bigint REFERENCES proposal (id), -- the current revision
    stations           integer NOT NULL DEFAULT 1 CHECK (stations >= 1),
    clock_working_days integer NOT NULL DEFAULT 15 CHECK (clock_working_days > 0),
    clock_started_at   timestamptz,
    clock_stopped_at   timestamptz CHECK (clock_stopped_at >= clock_started_at),
    due_date           date,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (carrier, carrier_kind) REFERENCES organization (code, kind),
    UNIQUE (carrier, site_code)
);
CREATE INDEX review_case_province_state ON review_case (province, state);
CREATE INDEX review_case_due ON review_case (due_date) WHERE due_date IS NOT NULL;

ALTER TABLE proposal ADD COLUMN case_id bigint REFERENCES review_case (id);
CREATE INDEX proposal_case ON proposal (case_id, revision DESC);

-- Proposals stored before this migration become assessed cases whose
-- clock starts at their latest revision.
INSERT INTO review_case (carrier, site_code, province, state, proposal_id, clock_started_at, created_at, updated_at)
SELECT DISTINCT ON (carrier, site_code) carrier, site_code, province,
       CASE status WHEN 'withdrawn' THEN 'withdrawn' WHEN 'approved' THEN 'approved'
                   WHEN 'rejected' THEN 'rejected' ELSE 'assessed' END,
       id, created_at, created_at, updated_at
FROM proposal
ORDER BY carrier, site_code, revision DESC;
UPDATE proposal AS p SET case_id = c.id
FROM review_case AS c
WHERE c.carrier = p.carrier AND c.site_code = p.site_code;

-- Pauses of the review clock: a request for documents opens one, their
-- resubmission closes it. At most one is open per case.
CREATE TABLE case_pause (
    case_id    bigint NOT NULL REFERENCES review_case (id),
    paused_at  timestamptz NOT NULL,
    resumed_at timestamptz CHECK (resumed_at >= paused_at),
    PRIMARY KEY (case_id, paused_at)
);
CREATE UNIQUE INDEX case_pause_open ON case_pause (case_id) WHERE resumed_at IS NULL;

-- The transitions of each case, as planning's state machine allowed them.
CREATE TABLE case_event (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES review_case (id),
    at            timestamptz NOT NULL DEFAULT now(),
    event         text NOT NULL CHECK (event ~ '^[a-z][a-z_]*$'),
    state_before  text NOT NULL,
    state_after   text NOT NULL,
    actor_user_id bigint REFERENCES app_user (id), -- NULL for the system (CLI, jobs)
    actor         text NOT NULL CHECK (actor <> ''),
    proposal_id   bigint REFERENCES proposal (id),
    note          text NOT NULL DEFAULT ''
);
CREATE INDEX case_event_case ON case_event (case_id, id);

-- The authorities whose signature an assessment needs: every authority
-- that a CONDITIONAL finding (severity condition) names. Written with the
-- assessment.
CREATE TABLE required_signature (
    assessment_id  bigint NOT NULL REFERENCES assessment (id),
    authority      text NOT NULL,
    authority_kind text NOT NULL GENERATED ALWAYS AS ('authority') STORED,
    FOREIGN KEY (authority, authority_kind) REFERENCES organization (code, kind),
    PRIMARY KEY (assessment_id, authority)
);

-- One authority's consent or refusal of one assessment, signed by one of
-- its reviewers. A second signature of the same authority is refused.
CREATE TABLE signature (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id        bigint NOT NULL REFERENCES review_case (id),
    assessment_id  bigint NOT NULL REFERENCES assessment (id),
    authority      text NOT NULL,
    authority_kind text NOT NULL GENERATED ALWAYS AS ('authority') STORED,
    consent        boolean NOT NULL,
    user_id        bigint NOT NULL REFERENCES app_user (id),
    note           text NOT NULL DEFAULT '',
    signed_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (authority, authority_kind) REFERENCES organization (code, kind),
    UNIQUE (assessment_id, authority)
);
CREATE INDEX signature_case ON signature (case_id);

-- Decisions (the table of 0002, unused until now): the outcome names the
-- state the case went to; an approval is valid until valid_until, after
-- which an unbuilt site must be reviewed again.
ALTER TABLE decision DROP CONSTRAINT decision_decision_check;
ALTER TABLE decision
    ADD COLUMN case_id bigint REFERENCES review_case (id),
    ADD COLUMN user_id bigint REFERENCES app_user (id),
    ADD COLUMN valid_until date,
    ADD CONSTRAINT decision_outcome CHECK (decision IN ('approve', 'reject',
        'approved', 'approved_with_conditions', 'rejected', 'relocation_requested')),
    ADD CONSTRAINT decision_validity CHECK (
        (decision IN ('approved', 'approved_with_conditions')) = (valid_until IS NOT NULL)
        OR decision IN ('approve', 'reject'));
CREATE INDEX decision_case ON decision (case_id, id);

-- Typed conditions of a decision, tracked to the end: open, met or waived.
CREATE TABLE decision_condition (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    decision_id       bigint NOT NULL REFERENCES decision (id),
    ordinal           integer NOT NULL CHECK (ordinal >= 0),
    type              text NOT NULL CHECK (type IN ('max_height', 'camouflage', 'share_with_carrier',
                          'consent_letter', 'other')),
    params            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'met', 'waived')),
    status_changed_by bigint REFERENCES app_user (id),
    status_changed_at timestamptz,
    note              text NOT NULL DEFAULT '',
    UNIQUE (decision_id, ordinal)
);

-- Comments on a case.
CREATE TABLE case_comment (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES review_case (id),
    user_id    bigint NOT NULL REFERENCES app_user (id),
    body       text NOT NULL CHECK (body <> '' AND length(body) <= 10000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_comment_case ON case_comment (case_id, id);

-- Idempotency-Key of submissions: a retried POST with the same key and the
-- same request returns the proposal the first one stored.
CREATE TABLE idempotency_key (
    organization text NOT NULL REFERENCES organization (code),
    key          text NOT NULL CHECK (key <> '' AND length(key) <= 255),
    request_hash text NOT NULL CHECK (request_hash <> ''),
    proposal_id  bigint NOT NULL REFERENCES proposal (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization, key)
);

-- The text of every rule set an assessment used, keyed by its version
-- (planning.RuleSet.Version, a hash of the rules): with the layer versions
-- it makes any past assessment reproducible. Written once per version.
CREATE TABLE rule_set_file (
    version    text NOT NULL CHECK (version <> ''),
    ordinal    integer NOT NULL CHECK (ordinal >= 0),
    name       text NOT NULL CHECK (name <> ''),
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (version, ordinal)
);

-- The audit trail gains who (user and organization), the request, the
-- case and the state before and after. The 0002 columns keep working.
ALTER TABLE audit_event
    ADD COLUMN actor_user_id bigint REFERENCES app_user (id),
    ADD COLUMN organization  text NOT NULL DEFAULT '',
    ADD COLUMN request_id    text NOT NULL DEFAULT '',
    ADD COLUMN case_id       bigint REFERENCES review_case (id),
    ADD COLUMN state_before  text NOT NULL DEFAULT '',
    ADD COLUMN state_after   text NOT NULL DEFAULT '';
CREATE INDEX audit_event_case ON audit_event (case_id, id);

-- Append-only tables: the database itself refuses to change or delete a
-- row, whatever the application does. (The owner of a table can still
-- disable its triggers; the service should run as a role that owns none.)
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'audit rows are never changed; record a new event instead';
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER case_event_append_only BEFORE UPDATE OR DELETE ON case_event
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER case_event_no_truncate BEFORE TRUNCATE ON case_event
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER rule_set_file_append_only BEFORE UPDATE OR DELETE ON rule_set_file
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER rule_set_file_no_truncate BEFORE TRUNCATE ON rule_set_file
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
