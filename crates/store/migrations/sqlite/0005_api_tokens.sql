-- API tokens: bearer tokens for the JSON API, each acting as one user and limited to scopes.
--
-- The token itself is never stored: token_hash is its SHA-256 digest (purpose "api"), so a copy
-- of the database grants no access. Every token expires (expires_at is required; the app bounds
-- the lifetime). Tokens are never deleted (the audit log names them by id); they are revoked.
-- The label is plain text, set by an administrator: a purpose, never a person's name.

CREATE TABLE api_tokens (
    id           BLOB PRIMARY KEY,
    user_id      BLOB NOT NULL REFERENCES users (id),
    label        TEXT NOT NULL,
    -- scope names separated by single spaces, e.g. "cases:read cases:share"
    scopes       TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);
