-- Accounts (issue 3): users and their second factors, pending logins, sessions, login
-- throttling, and cases shared with other organisations.
--
-- No credential is stored in a form that can be replayed: passwords as Argon2id PHC strings,
-- TOTP secrets sealed under the root key (associated data users/totp_secret/<user id>),
-- recovery codes and bearer tokens as SHA-256 digests, throttling keys as keyed digests.
-- Users are never deleted (the audit log names them); they are disabled.

CREATE TABLE users (
    id              BLOB    PRIMARY KEY,
    organisation_id BLOB    NOT NULL REFERENCES organisations (id),
    username        TEXT    NOT NULL UNIQUE,
    role            TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    -- sealed
    totp_secret     BLOB,
    totp_enrolled   INTEGER NOT NULL CHECK (totp_enrolled IN (0, 1)),
    -- the last TOTP step accepted; a code of this step or an earlier one is a replay
    totp_last_step  INTEGER,
    disabled        INTEGER NOT NULL CHECK (disabled IN (0, 1)),
    created_at      TEXT    NOT NULL,
    CHECK (totp_enrolled = 0 OR totp_secret IS NOT NULL)
);
CREATE INDEX users_by_org ON users (organisation_id, username);

CREATE TABLE recovery_codes (
    user_id   BLOB NOT NULL REFERENCES users (id),
    code_hash BLOB NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- A login whose password was right and that waits for its second factor (or enrolment).
CREATE TABLE pending_logins (
    id_hash    BLOB PRIMARY KEY,
    user_id    BLOB NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    address    TEXT
);
CREATE INDEX pending_logins_by_user ON pending_logins (user_id);

CREATE TABLE sessions (
    id_hash      BLOB PRIMARY KEY,
    user_id      BLOB NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    address      TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- One row per login attempt, per throttling key ("user:…" or "addr:…", keyed digests).
CREATE TABLE login_attempts (
    id           BLOB    PRIMARY KEY,
    throttle_key TEXT    NOT NULL,
    attempted_at TEXT    NOT NULL,
    succeeded    INTEGER NOT NULL CHECK (succeeded IN (0, 1))
);
CREATE INDEX login_attempts_by_key ON login_attempts (throttle_key, attempted_at);
CREATE INDEX login_attempts_by_time ON login_attempts (attempted_at);

-- A case shared with an organisation other than its owner.
CREATE TABLE case_shares (
    case_id         BLOB NOT NULL REFERENCES cases (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    granted_by      BLOB NOT NULL REFERENCES users (id),
    granted_at      TEXT NOT NULL,
    PRIMARY KEY (case_id, organisation_id)
);
CREATE INDEX case_shares_by_org ON case_shares (organisation_id);
