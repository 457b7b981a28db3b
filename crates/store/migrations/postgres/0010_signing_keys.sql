-- Each organisation's Ed25519 key for signing referral dossiers: the seed wrapped under the
-- root key and bound to the organisation, the public key (hex) in plain so that anyone may
-- check a dossier against it.
CREATE TABLE signing_keys (
    organisation_id UUID PRIMARY KEY REFERENCES organisations (id),
    wrapped_key BYTEA NOT NULL,
    public_key TEXT NOT NULL CHECK (length(public_key) = 64),
    created_at TIMESTAMPTZ NOT NULL
);
