-- Case lists newest first and recently updated first read an index backwards instead of
-- sorting every case (the tie-break on id runs in the same direction).
CREATE INDEX cases_by_updated ON cases (updated_at, id);
