-- Evidence items and their verification.
--
-- What an item shows, its source, its file's name, type, length, SHA-256 and metadata are
-- sealed in facts (under the root key, bound to the item); the file itself is a sealed blob
-- whose object name (blob) is random and says nothing. Plain are only what lists and rules
-- filter on: the case, the kind, the verification status, who uploaded it and when, and the
-- item it was derived from (a copy stripped of metadata, an excerpt).

CREATE TABLE evidence_items (
    id              UUID PRIMARY KEY,
    case_id         UUID NOT NULL REFERENCES cases (id),
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN
                        ('unverified', 'in_review', 'verified', 'disputed', 'rejected')),
    derived_from    UUID REFERENCES evidence_items (id),
    uploaded_by     UUID REFERENCES users (id),
    uploaded_at     TIMESTAMPTZ NOT NULL,
    blob            TEXT UNIQUE,
    facts           BYTEA NOT NULL
);
CREATE INDEX evidence_items_by_case ON evidence_items (case_id, uploaded_at);

-- Each verification step, in order; the checks and the written reason are sealed in body.
CREATE TABLE evidence_reviews (
    evidence_id UUID NOT NULL REFERENCES evidence_items (id),
    seq         INTEGER NOT NULL,
    reviewer    UUID NOT NULL REFERENCES users (id),
    at          TIMESTAMPTZ NOT NULL,
    step        TEXT NOT NULL CHECK (step IN ('start_review', 'verify', 'dispute', 'reject')),
    body        BYTEA NOT NULL,
    PRIMARY KEY (evidence_id, seq)
);
