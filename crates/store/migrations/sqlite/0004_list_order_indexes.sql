-- Case lists newest first and recently updated first read an index backwards instead of
-- sorting every case (the tie-break on id runs in the same direction).
CREATE INDEX cases_by_updated ON cases (updated_at, id);
-- An organisation's own list (the common case) walks these in order, newest first.
CREATE INDEX cases_by_org_created ON cases (organisation_id, created_at, id);
CREATE INDEX cases_by_org_updated ON cases (organisation_id, updated_at, id);
