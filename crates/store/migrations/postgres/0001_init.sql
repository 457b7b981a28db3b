-- Corridor store, schema 1 (PostgreSQL). Same shape as the SQLite schema; see there.

CREATE TABLE corridor_meta (
    singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
    magic          TEXT    NOT NULL,
    schema_version INTEGER NOT NULL
);
INSERT INTO corridor_meta (singleton, magic, schema_version) VALUES (1, 'corridor-store', 1);

CREATE TABLE keyring (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    format_version  INTEGER NOT NULL,
    kdf_memory_kib  BIGINT  NOT NULL,
    kdf_iterations  BIGINT  NOT NULL,
    kdf_parallelism BIGINT  NOT NULL,
    salt            BYTEA   NOT NULL,
    verifier        BYTEA   NOT NULL
);

CREATE TABLE organisations (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE cases (
    id                     UUID PRIMARY KEY,
    organisation_id        UUID NOT NULL REFERENCES organisations (id),
    program                TEXT NOT NULL,
    stage                  TEXT NOT NULL,
    custody                TEXT NOT NULL,
    proceedings            TEXT NOT NULL,
    risk_level             TEXT NOT NULL,
    final_order_date       DATE,
    scheduled_removal_date DATE,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL,
    names                  BYTEA NOT NULL,
    person                 BYTEA NOT NULL,
    us_status              BYTEA NOT NULL,
    russia_risk            BYTEA NOT NULL,
    notes                  BYTEA
);
CREATE INDEX cases_by_org_stage ON cases (organisation_id, stage);
CREATE INDEX cases_by_removal ON cases (scheduled_removal_date) WHERE scheduled_removal_date IS NOT NULL;
CREATE INDEX cases_by_created ON cases (created_at, id);

CREATE TABLE case_keys (
    case_id     UUID PRIMARY KEY REFERENCES cases (id),
    wrapped_key BYTEA NOT NULL
);

CREATE TABLE claims (
    id       UUID PRIMARY KEY,
    case_id  UUID    NOT NULL REFERENCES cases (id),
    position INTEGER NOT NULL,
    body     BYTEA   NOT NULL
);
CREATE INDEX claims_by_case ON claims (case_id, position);

CREATE TABLE hearings (
    case_id UUID NOT NULL REFERENCES cases (id),
    on_date DATE NOT NULL,
    kind    TEXT NOT NULL
);
CREATE INDEX hearings_by_date ON hearings (on_date);
CREATE INDEX hearings_by_case ON hearings (case_id);

CREATE TABLE stage_changes (
    case_id    UUID NOT NULL REFERENCES cases (id),
    from_stage TEXT NOT NULL,
    to_stage   TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX stage_changes_by_case ON stage_changes (case_id);

-- What remains of a purged case: its key and every sealed value are gone.
CREATE TABLE tombstones (
    case_id         UUID PRIMARY KEY,
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    created_at      TIMESTAMPTZ NOT NULL,
    purged_at       TIMESTAMPTZ NOT NULL
);
