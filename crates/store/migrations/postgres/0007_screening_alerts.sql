-- The screening review queue: one row per possible match of a case with a listed entry.
--
-- What was matched (the listed entry, both names, the score, the explanation) is sealed in
-- facts, and the analyst's reason in reason, both under the root key: even the listed name
-- would tell who the case is. Plain are only the columns the queue filters and sorts on.
-- A pending alert has no decision; a decided one has its analyst and reason; a lapsed one (no
-- longer a possible match before anyone decided) has only the time it lapsed.

CREATE TABLE screening_alerts (
    id              UUID PRIMARY KEY,
    case_id         UUID NOT NULL REFERENCES cases (id),
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'match', 'no_match', 'lapsed')),
    raised_at       TIMESTAMPTZ NOT NULL,
    facts           BYTEA NOT NULL,
    decided_at      TIMESTAMPTZ,
    decided_by      UUID REFERENCES users (id),
    reason          BYTEA,
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK ((status IN ('match', 'no_match')) = (decided_by IS NOT NULL)),
    CHECK ((decided_by IS NULL) = (reason IS NULL))
);
CREATE INDEX screening_alerts_by_case ON screening_alerts (case_id);
CREATE INDEX screening_alerts_queue ON screening_alerts (organisation_id, status, raised_at);
