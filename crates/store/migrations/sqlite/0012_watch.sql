-- The removal watch: flights that carry people out of the country, what is reported about
-- them, check-ins with people after removal, and what staff did about the watch's alerts.
--
-- A flight is only an id, its organisation and when it was first recorded; everything reported
-- about it (date, airports, carrier, source, note) is sealed in each report's body under the
-- root key. Reports are numbered from 0 in the order they arrived; (flight, position) is
-- unique so that two reports landing at once cannot both take the same place.

CREATE TABLE removal_flights (
    id              BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    created_at      TEXT NOT NULL
);
CREATE INDEX removal_flights_by_organisation ON removal_flights (organisation_id, created_at);

CREATE TABLE flight_reports (
    id          BLOB PRIMARY KEY,
    flight_id   BLOB NOT NULL REFERENCES removal_flights (id),
    position    BIGINT NOT NULL CHECK (position >= 0),
    recorded_at TEXT NOT NULL,
    -- sealed (root key): date, airports, carrier, source, note
    body        BLOB NOT NULL,
    UNIQUE (flight_id, position)
);

-- Who a report says is on the flight, and how sure it is. Plain (only ids and the confidence)
-- so that purging a case removes it from every flight, and so that the watch finds the flights
-- of detained people without opening anything.
CREATE TABLE flight_passengers (
    report_id  BLOB NOT NULL REFERENCES flight_reports (id),
    flight_id  BLOB NOT NULL REFERENCES removal_flights (id),
    case_id    BLOB NOT NULL REFERENCES cases (id),
    confidence TEXT NOT NULL CHECK (confidence IN ('low', 'medium', 'high', 'confirmed')),
    PRIMARY KEY (report_id, case_id)
);
CREATE INDEX flight_passengers_by_case ON flight_passengers (case_id);

-- Check-ins with a person after removal. Plain are the case and the date, which the watch
-- counts and the calendar shows; the channel, the note and who recorded it are sealed in body
-- under the case key, so that purging the case shreds them, in backups too.
CREATE TABLE check_ins (
    id          BLOB PRIMARY KEY,
    case_id     BLOB NOT NULL REFERENCES cases (id),
    on_date     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    -- sealed (case key): channel, note, who recorded it
    body        BLOB NOT NULL
);
CREATE INDEX check_ins_by_case ON check_ins (case_id, on_date);

-- What staff did about a watch alert: acknowledged it, assigned it. Alerts themselves are
-- computed, not stored; alert_key is a keyed digest the app makes of what raised the alert,
-- so the store never sees what it digests. The case is plain so that purging it removes its
-- marks.
CREATE TABLE alert_marks (
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    alert_key       BLOB NOT NULL,
    case_id         BLOB NOT NULL REFERENCES cases (id),
    acknowledged_by BLOB REFERENCES users (id),
    acknowledged_at TEXT,
    assigned_to     BLOB REFERENCES users (id),
    assigned_by     BLOB REFERENCES users (id),
    assigned_at     TEXT,
    PRIMARY KEY (organisation_id, alert_key),
    CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL)),
    CHECK ((assigned_to IS NULL) = (assigned_by IS NULL)),
    CHECK ((assigned_to IS NULL) = (assigned_at IS NULL))
);
CREATE INDEX alert_marks_by_case ON alert_marks (case_id);
