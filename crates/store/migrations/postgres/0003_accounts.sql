-- Accounts (issue 3). Same shape as the SQLite schema; see there.

CREATE TABLE users (
    id              UUID        PRIMARY KEY,
    organisation_id UUID        NOT NULL REFERENCES organisations (id),
    username        TEXT        NOT NULL UNIQUE,
    role            TEXT        NOT NULL,
    password_hash   TEXT        NOT NULL,
    totp_secret     BYTEA,
    totp_enrolled   BOOLEAN     NOT NULL,
    totp_last_step  BIGINT,
    disabled        BOOLEAN     NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    CHECK (NOT totp_enrolled OR totp_secret IS NOT NULL)
);
CREATE INDEX users_by_org ON users (organisation_id, username);

CREATE TABLE recovery_codes (
    user_id   UUID  NOT NULL REFERENCES users (id),
    code_hash BYTEA NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE pending_logins (
    id_hash    BYTEA       PRIMARY KEY,
    user_id    UUID        NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    address    TEXT
);
CREATE INDEX pending_logins_by_user ON pending_logins (user_id);

CREATE TABLE sessions (
    id_hash      BYTEA       PRIMARY KEY,
    user_id      UUID        NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    address      TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_attempts (
    id           UUID        PRIMARY KEY,
    throttle_key TEXT        NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL,
    succeeded    BOOLEAN     NOT NULL
);
CREATE INDEX login_attempts_by_key ON login_attempts (throttle_key, attempted_at);
CREATE INDEX login_attempts_by_time ON login_attempts (attempted_at);

CREATE TABLE case_shares (
    case_id         UUID        NOT NULL REFERENCES cases (id),
    organisation_id UUID        NOT NULL REFERENCES organisations (id),
    granted_by      UUID        NOT NULL REFERENCES users (id),
    granted_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, organisation_id)
);
CREATE INDEX case_shares_by_org ON case_shares (organisation_id);
