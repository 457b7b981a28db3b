-- Issued referral dossiers: the case, the version, when, the signing key's fingerprint, and the
-- two files as sealed blobs named by random ids. Purged with the case.
CREATE TABLE dossiers (
    case_id BLOB NOT NULL REFERENCES cases (id),
    version BIGINT NOT NULL CHECK (version >= 1),
    issued_at TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    pdf_blob TEXT NOT NULL,
    json_blob TEXT NOT NULL,
    PRIMARY KEY (case_id, version)
);
