-- 0013: notifications of issue 8. Organizations register webhooks; every
-- change of a case's state queues, in the change's own transaction, one
-- delivery per webhook concerned, which a River job posts, signed, and
-- retries; every attempt is kept. Authorities register areas of interest
-- and are notified of every case inside them. A case gains the state
-- "built" (the carrier reported the approved site built), which never
-- expires.

ALTER TABLE review_case DROP CONSTRAINT review_case_state_check;
ALTER TABLE review_case ADD CONSTRAINT review_case_state_check CHECK (state IN ('draft', 'submitted', 'assessed',
    'under_review', 'documents_requested', 'approved', 'approved_with_conditions', 'rejected',
    'relocation_requested', 'withdrawn', 'expired', 'built'));
-- The expiry job looks for approved cases.
CREATE INDEX review_case_state ON review_case (state);

-- A webhook of an organization. The secret signs deliveries (HMAC-SHA256)
-- and so is kept as given, not hashed. A deleted webhook stays for its
-- deliveries' history. events: the case events wanted, empty for all.
CREATE TABLE webhook (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization text NOT NULL REFERENCES organization (code),
    url          text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2048),
    secret       text NOT NULL CHECK (length(secret) BETWEEN 16 AND 256),
    events       text[] NOT NULL DEFAULT '{}',
    created_by   bigint REFERENCES app_user (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz
);
CREATE INDEX webhook_organization ON webhook (organization) WHERE deleted_at IS NULL;

-- One notification to one webhook: the body is the exact JSON document
-- signed and posted, the same for every attempt.
CREATE TABLE webhook_delivery (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id   bigint NOT NULL REFERENCES webhook (id),
    case_id      bigint NOT NULL REFERENCES review_case (id),
    event        text NOT NULL CHECK (event ~ '^[a-z][a-z_]*$'),
    body         text NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
CREATE INDEX webhook_delivery_webhook ON webhook_delivery (webhook_id, id DESC);

-- Every attempt at a delivery: the answer's status (NULL: none came), the
-- error, when and how long.
CREATE TABLE webhook_attempt (
    delivery_id bigint NOT NULL REFERENCES webhook_delivery (id),
    attempt     integer NOT NULL CHECK (attempt >= 1),
    at          timestamptz NOT NULL,
    status_code integer CHECK (status_code BETWEEN 100 AND 599),
    error       text NOT NULL DEFAULT '',
    duration_ms integer NOT NULL CHECK (duration_ms >= 0),
    PRIMARY KEY (delivery_id, attempt)
);

-- An authority's area of interest: it is notified of every case whose
-- site lies inside.
CREATE TABLE area_of_interest (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization      text NOT NULL,
    organization_kind text NOT NULL GENERATED ALWAYS AS ('authority') STORED,
    name              text NOT NULL DEFAULT '',
    geom              geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)) CHECK (NOT ST_IsEmpty(geom)),
    created_by        bigint REFERENCES app_user (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    deleted_at        timestamptz,
    FOREIGN KEY (organization, organization_kind) REFERENCES organization (code, kind)
);
CREATE INDEX area_of_interest_geom ON area_of_interest USING gist (geom) WHERE deleted_at IS NULL;
CREATE INDEX area_of_interest_organization ON area_of_interest (organization) WHERE deleted_at IS NULL;
