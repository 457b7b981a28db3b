-- Corridor store (PostgreSQL): the audit log. Same shape as the SQLite migration; see there.
-- `at` is TIMESTAMPTZ here: PostgreSQL stores it as whole microseconds, one value per instant.

CREATE TABLE audit_log (
    seq             BIGINT PRIMARY KEY CHECK (seq >= 1),
    at              TIMESTAMPTZ NOT NULL,
    actor           TEXT  NOT NULL,
    organisation_id UUID,
    action          TEXT  NOT NULL,
    case_id         UUID,
    subject         TEXT,
    address         TEXT,
    outcome         TEXT  NOT NULL,
    prev_hash       BYTEA NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash            BYTEA NOT NULL CHECK (octet_length(hash) = 32)
);
CREATE INDEX audit_log_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_by_case ON audit_log (case_id, seq);
CREATE INDEX audit_log_by_action ON audit_log (action, seq);
CREATE INDEX audit_log_by_organisation ON audit_log (organisation_id, seq);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE audit_head (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    seq       BIGINT NOT NULL,
    hash      BYTEA  NOT NULL,
    seal      BYTEA
);
INSERT INTO audit_head (singleton, seq, hash, seal) VALUES (1, 0, decode(repeat('00', 32), 'hex'), NULL);
