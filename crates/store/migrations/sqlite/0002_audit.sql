-- Corridor store (SQLite): the audit log. Adds tables only; corridor_meta.schema_version stays 1
-- (a build without this migration refuses the store anyway: sqlx finds migration 2 applied but
-- unknown to it).
--
-- One row per event, each holding the hash of the one before (see corridor_core::audit). The log
-- is plain text by design: ids, machine names and IP addresses, never a sealed value. `at` is
-- fixed-width UTC text with microseconds (2026-01-01T12:00:00.000000Z): one spelling per instant,
-- so that no changed byte leaves the time as it was. No foreign keys: the log outlives what it
-- is about (a purged case, a deleted user) and records requests for things that never existed.

CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY CHECK (seq >= 1),
    at              TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    organisation_id BLOB,
    action          TEXT    NOT NULL,
    case_id         BLOB,
    subject         TEXT,
    address         TEXT,
    outcome         TEXT    NOT NULL,
    prev_hash       BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    hash            BLOB    NOT NULL CHECK (length(hash) = 32)
);
CREATE INDEX audit_log_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_by_case ON audit_log (case_id, seq);
CREATE INDEX audit_log_by_action ON audit_log (action, seq);
CREATE INDEX audit_log_by_organisation ON audit_log (organisation_id, seq);

-- Corridor never changes or removes an entry. (Whoever can write to the file can drop these
-- triggers; `corridor audit verify` finds what they do next.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Where the chain ends: seq and hash of the last entry (0 and 32 zero bytes while empty), and the
-- app's seal over both under the root key (NULL until the first entry). Every append starts by
-- updating this row, which serialises appends.
CREATE TABLE audit_head (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    seq       INTEGER NOT NULL,
    hash      BLOB    NOT NULL,
    seal      BLOB
);
INSERT INTO audit_head (singleton, seq, hash, seal) VALUES (1, 0, zeroblob(32), NULL);
