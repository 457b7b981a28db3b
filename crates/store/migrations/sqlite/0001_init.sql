-- Corridor store, schema 1 (SQLite).
-- Columns named after a sensitive field hold ciphertext sealed by the app (XChaCha20-Poly1305,
-- associated data = table, column, record). Plain columns are the ones the system filters on.

CREATE TABLE corridor_meta (
    singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
    magic          TEXT    NOT NULL,
    schema_version INTEGER NOT NULL
);
INSERT INTO corridor_meta (singleton, magic, schema_version) VALUES (1, 'corridor-store', 1);

CREATE TABLE keyring (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    format_version  INTEGER NOT NULL,
    kdf_memory_kib  INTEGER NOT NULL,
    kdf_iterations  INTEGER NOT NULL,
    kdf_parallelism INTEGER NOT NULL,
    salt            BLOB    NOT NULL,
    verifier        BLOB    NOT NULL
);

CREATE TABLE organisations (
    id         BLOB PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE cases (
    id                     BLOB PRIMARY KEY,
    organisation_id        BLOB NOT NULL REFERENCES organisations (id),
    program                TEXT NOT NULL,
    stage                  TEXT NOT NULL,
    custody                TEXT NOT NULL,
    proceedings            TEXT NOT NULL,
    risk_level             TEXT NOT NULL,
    final_order_date       TEXT,
    scheduled_removal_date TEXT,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    -- sealed
    names                  BLOB NOT NULL,
    person                 BLOB NOT NULL,
    us_status              BLOB NOT NULL,
    russia_risk            BLOB NOT NULL,
    notes                  BLOB
);
CREATE INDEX cases_by_org_stage ON cases (organisation_id, stage);
CREATE INDEX cases_by_removal ON cases (scheduled_removal_date) WHERE scheduled_removal_date IS NOT NULL;
CREATE INDEX cases_by_created ON cases (created_at, id);

-- The per-case data key, wrapped by the root key. Deleting the row crypto-shreds the case.
CREATE TABLE case_keys (
    case_id     BLOB PRIMARY KEY REFERENCES cases (id),
    wrapped_key BLOB NOT NULL
);

CREATE TABLE claims (
    id       BLOB PRIMARY KEY,
    case_id  BLOB    NOT NULL REFERENCES cases (id),
    position INTEGER NOT NULL,
    body     BLOB    NOT NULL
);
CREATE INDEX claims_by_case ON claims (case_id, position);

-- Hearing dates stay plain so that the dashboard can list the coming ones without unsealing.
CREATE TABLE hearings (
    case_id BLOB NOT NULL REFERENCES cases (id),
    on_date TEXT NOT NULL,
    kind    TEXT NOT NULL
);
CREATE INDEX hearings_by_date ON hearings (on_date);
CREATE INDEX hearings_by_case ON hearings (case_id);

CREATE TABLE stage_changes (
    case_id    BLOB NOT NULL REFERENCES cases (id),
    from_stage TEXT NOT NULL,
    to_stage   TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX stage_changes_by_case ON stage_changes (case_id);

-- What remains of a purged case: its key and every sealed value are gone.
CREATE TABLE tombstones (
    case_id         BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    created_at      TEXT NOT NULL,
    purged_at       TEXT NOT NULL
);
