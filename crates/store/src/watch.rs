//! The removal watch: removal flights and the reports about them, who each report says is on
//! board, check-ins with people after removal, and what staff did about the watch's alerts.
//!
//! What a report says of a flight is sealed by the app under the root key, and what a check-in
//! records under the case key; plain are only the ids, the dates and times, a passenger's
//! confidence, and the alert marks (whose `alert_key` is a keyed digest the app makes: the
//! store never sees what it digests). A case's passenger rows, check-ins and marks are purged
//! with it; flights and their reports stay, being about the flight.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use corridor_core::{CaseId, CheckInId, Confidence, FlightId, FlightReportId, OrgId, UserId};
use corridor_crypto::Sealed;

use crate::Result;

/// A removal flight: one departure, whatever the reports about it say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlightRow {
    pub id: FlightId,
    pub organisation: OrgId,
    pub created_at: DateTime<Utc>,
}

/// One report about a flight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlightReportRow {
    pub id: FlightReportId,
    pub flight: FlightId,
    /// 0 for the flight's first report, then one more each time.
    pub position: u32,
    pub recorded_at: DateTime<Utc>,
    /// The date, airports, carrier, source and note, sealed under the root key.
    pub body: Sealed,
}

/// A case a report says is on its flight, and how sure the report is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassengerRow {
    pub report: FlightReportId,
    pub flight: FlightId,
    pub case_id: CaseId,
    pub confidence: Confidence,
}

/// A check-in with a person after removal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckInRow {
    pub id: CheckInId,
    pub case_id: CaseId,
    pub on_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    /// The channel, the note and who recorded it, sealed under the case key.
    pub body: Sealed,
}

/// What staff did about one of an organisation's watch alerts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertMarkRow {
    pub organisation: OrgId,
    /// A keyed digest made by the app of what raised the alert.
    pub alert_key: Vec<u8>,
    pub case_id: CaseId,
    /// Who acknowledged the alert, and when.
    pub acknowledged: Option<(UserId, DateTime<Utc>)>,
    pub assigned: Option<Assignment>,
}

/// Who an alert was assigned to, by whom, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub to: UserId,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// The watch's rows, as a backup carries them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WatchSnapshot {
    pub flights: Vec<FlightRow>,
    pub reports: Vec<FlightReportRow>,
    pub passengers: Vec<PassengerRow>,
    pub check_ins: Vec<CheckInRow>,
    pub alert_marks: Vec<AlertMarkRow>,
}

#[async_trait]
pub trait WatchStore: Send + Sync + 'static {
    /// A new flight with its first report (position 0) and that report's passengers, in one
    /// transaction. Fails with
    /// [`OrganisationNotFound`](crate::StoreError::OrganisationNotFound) if the organisation
    /// does not exist, and with [`CaseNotFound`](crate::StoreError::CaseNotFound) if a
    /// passenger's case is not live; then nothing is written.
    ///
    /// The report must name the flight (or it is refused with `FlightNotFound(report.flight)`)
    /// and be at position 0 (or `FlightReportConflict`). Passengers are written under `report`:
    /// their own `report` and `flight` fields are not read.
    async fn insert_flight(
        &self,
        flight: &FlightRow,
        report: &FlightReportRow,
        passengers: &[PassengerRow],
    ) -> Result<()>;
    /// Appends a report to a flight, with its passengers, in one transaction. Its position must
    /// be the next one (1 + the highest). Fails with
    /// [`FlightNotFound`](crate::StoreError::FlightNotFound) if there is no such flight, with
    /// [`FlightReportConflict`](crate::StoreError::FlightReportConflict) if the position is
    /// not the next (another report landed first: the caller reads again and retries), and
    /// with [`CaseNotFound`](crate::StoreError::CaseNotFound) if a passenger's case is not
    /// live; then nothing is written. Passengers are written under `report`, as in
    /// [`insert_flight`](WatchStore::insert_flight).
    async fn add_flight_report(
        &self,
        report: &FlightReportRow,
        passengers: &[PassengerRow],
    ) -> Result<()>;
    /// Flights, oldest first; of one organisation, or all when `None`.
    async fn flights(&self, organisation: Option<OrgId>) -> Result<Vec<FlightRow>>;
    async fn flight(&self, id: FlightId) -> Result<Option<FlightRow>>;
    /// A flight's reports in position order, and their passengers (by report position, then
    /// case id).
    async fn flight_reports(
        &self,
        flight: FlightId,
    ) -> Result<(Vec<FlightReportRow>, Vec<PassengerRow>)>;
    /// Every passenger row of live cases on flights of `organisation` (or of all when `None`):
    /// what the alert rule reads. By flight (oldest first), report position, then case id.
    async fn passengers(&self, organisation: Option<OrgId>) -> Result<Vec<PassengerRow>>;
    /// Records a check-in. Fails with [`CaseNotFound`](crate::StoreError::CaseNotFound) if the
    /// case is not live.
    async fn insert_check_in(&self, row: &CheckInRow) -> Result<()>;
    /// A case's check-ins, by date, then by when they were recorded.
    async fn check_ins(&self, case: CaseId) -> Result<Vec<CheckInRow>>;
    /// The marks of an organisation's alerts, by alert key.
    async fn alert_marks(&self, organisation: OrgId) -> Result<Vec<AlertMarkRow>>;
    /// Inserts or replaces the mark (organisation, alert key). Fails with
    /// [`OrganisationNotFound`](crate::StoreError::OrganisationNotFound),
    /// [`CaseNotFound`](crate::StoreError::CaseNotFound) if the case is not live, and
    /// [`UserNotFound`](crate::StoreError::UserNotFound) if a user it names does not exist.
    async fn put_alert_mark(&self, row: &AlertMarkRow) -> Result<()>;
}

/// Expands `impl WatchStore for $store` over the engine `$db`, and the module `watch_sql` whose
/// `read_all` and `insert_all` the snapshot code of `impl_sql_store!` calls. `impl_account_store!`
/// must be expanded beside it (marks check their users through `account_sql`).
macro_rules! impl_watch_store {
    ($store:ty, $db:ty) => {
        mod watch_sql {
            use corridor_core::{CaseId, CheckInId, FlightId, FlightReportId, OrgId, UserId};
            use sqlx::Row as _;

            use $crate::shared::{parse_column, sealed_column, u32_column};
            use $crate::watch::{
                AlertMarkRow, Assignment, CheckInRow, FlightReportRow, FlightRow, PassengerRow,
                WatchSnapshot,
            };
            use $crate::{Result, StoreError};

            pub(super) type DbRow = <$db as sqlx::Database>::Row;
            pub(super) type Conn = <$db as sqlx::Database>::Connection;

            pub(super) const FLIGHT_COLUMNS: &str = "id, organisation_id, created_at";
            pub(super) const REPORT_COLUMNS: &str = "id, flight_id, position, recorded_at, body";
            /// Qualified: passengers are read joined to their reports (and flights).
            pub(super) const PASSENGER_COLUMNS: &str =
                "p.report_id, p.flight_id, p.case_id, p.confidence";
            pub(super) const CHECK_IN_COLUMNS: &str = "id, case_id, on_date, recorded_at, body";
            pub(super) const MARK_COLUMNS: &str = "organisation_id, alert_key, case_id, \
                 acknowledged_by, acknowledged_at, assigned_to, assigned_by, assigned_at";

            pub(super) fn flight_from_row(row: &DbRow) -> Result<FlightRow> {
                Ok(FlightRow {
                    id: FlightId(row.try_get("id")?),
                    organisation: OrgId(row.try_get("organisation_id")?),
                    created_at: row.try_get("created_at")?,
                })
            }

            pub(super) fn report_from_row(row: &DbRow) -> Result<FlightReportRow> {
                Ok(FlightReportRow {
                    id: FlightReportId(row.try_get("id")?),
                    flight: FlightId(row.try_get("flight_id")?),
                    position: u32_column(row.try_get("position")?, "flight_reports", "position")?,
                    recorded_at: row.try_get("recorded_at")?,
                    body: sealed_column(row.try_get("body")?, "flight_reports", "body")?,
                })
            }

            pub(super) fn passenger_from_row(row: &DbRow) -> Result<PassengerRow> {
                Ok(PassengerRow {
                    report: FlightReportId(row.try_get("report_id")?),
                    flight: FlightId(row.try_get("flight_id")?),
                    case_id: CaseId(row.try_get("case_id")?),
                    confidence: parse_column(
                        &row.try_get::<String, _>("confidence")?,
                        "flight_passengers",
                        "confidence",
                    )?,
                })
            }

            pub(super) fn check_in_from_row(row: &DbRow) -> Result<CheckInRow> {
                Ok(CheckInRow {
                    id: CheckInId(row.try_get("id")?),
                    case_id: CaseId(row.try_get("case_id")?),
                    on_date: row.try_get("on_date")?,
                    recorded_at: row.try_get("recorded_at")?,
                    body: sealed_column(row.try_get("body")?, "check_ins", "body")?,
                })
            }

            fn half_set(column: &'static str) -> StoreError {
                StoreError::Corrupt {
                    table: "alert_marks",
                    column,
                    reason: "set without the columns that go with it".to_owned(),
                }
            }

            pub(super) fn mark_from_row(row: &DbRow) -> Result<AlertMarkRow> {
                let user = |column: &str| -> Result<Option<UserId>> {
                    Ok(row.try_get::<Option<uuid::Uuid>, _>(column)?.map(UserId))
                };
                let acknowledged = match (
                    user("acknowledged_by")?,
                    row.try_get::<Option<chrono::DateTime<chrono::Utc>>, _>("acknowledged_at")?,
                ) {
                    (Some(by), Some(at)) => Some((by, at)),
                    (None, None) => None,
                    _ => return Err(half_set("acknowledged_by")),
                };
                let assigned = match (
                    user("assigned_to")?,
                    user("assigned_by")?,
                    row.try_get::<Option<chrono::DateTime<chrono::Utc>>, _>("assigned_at")?,
                ) {
                    (Some(to), Some(by), Some(at)) => Some(Assignment { to, by, at }),
                    (None, None, None) => None,
                    _ => return Err(half_set("assigned_to")),
                };
                Ok(AlertMarkRow {
                    organisation: OrgId(row.try_get("organisation_id")?),
                    alert_key: row.try_get("alert_key")?,
                    case_id: CaseId(row.try_get("case_id")?),
                    acknowledged,
                    assigned,
                })
            }

            pub(super) async fn insert_flight(conn: &mut Conn, row: &FlightRow) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO removal_flights ({FLIGHT_COLUMNS}) VALUES ($1, $2, $3)"
                ))
                .bind(row.id.0)
                .bind(row.organisation.0)
                .bind(row.created_at)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            pub(super) async fn insert_report(
                conn: &mut Conn,
                row: &FlightReportRow,
            ) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO flight_reports ({REPORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"
                ))
                .bind(row.id.0)
                .bind(row.flight.0)
                .bind(i64::from(row.position))
                .bind(row.recorded_at)
                .bind(row.body.as_bytes())
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            pub(super) async fn insert_passenger(
                conn: &mut Conn,
                row: &PassengerRow,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO flight_passengers (report_id, flight_id, case_id, confidence) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(row.report.0)
                .bind(row.flight.0)
                .bind(row.case_id.0)
                .bind(row.confidence.as_str())
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            pub(super) async fn insert_check_in(conn: &mut Conn, row: &CheckInRow) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO check_ins ({CHECK_IN_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"
                ))
                .bind(row.id.0)
                .bind(row.case_id.0)
                .bind(row.on_date)
                .bind(row.recorded_at)
                .bind(row.body.as_bytes())
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            /// Inserts the mark, or replaces every column of the one with its key.
            pub(super) async fn put_mark(conn: &mut Conn, row: &AlertMarkRow) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO alert_marks ({MARK_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (organisation_id, alert_key) DO UPDATE SET \
                     case_id = excluded.case_id, \
                     acknowledged_by = excluded.acknowledged_by, \
                     acknowledged_at = excluded.acknowledged_at, \
                     assigned_to = excluded.assigned_to, \
                     assigned_by = excluded.assigned_by, \
                     assigned_at = excluded.assigned_at"
                ))
                .bind(row.organisation.0)
                .bind(row.alert_key.as_slice())
                .bind(row.case_id.0)
                .bind(row.acknowledged.map(|(by, _)| by.0))
                .bind(row.acknowledged.map(|(_, at)| at))
                .bind(row.assigned.as_ref().map(|a| a.to.0))
                .bind(row.assigned.as_ref().map(|a| a.by.0))
                .bind(row.assigned.as_ref().map(|a| a.at))
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            pub(super) async fn case_is_live(conn: &mut Conn, case: CaseId) -> Result<bool> {
                Ok(sqlx::query("SELECT 1 FROM cases WHERE id = $1")
                    .bind(case.0)
                    .fetch_optional(&mut *conn)
                    .await?
                    .is_some())
            }

            pub(super) async fn organisation_exists(conn: &mut Conn, id: OrgId) -> Result<bool> {
                Ok(sqlx::query("SELECT 1 FROM organisations WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut *conn)
                    .await?
                    .is_some())
            }

            /// Writes a report's passengers, each under that report, once every case is known
            /// to be live (inside the caller's transaction).
            pub(super) async fn insert_passengers(
                conn: &mut Conn,
                report: &FlightReportRow,
                passengers: &[PassengerRow],
            ) -> Result<()> {
                for passenger in passengers {
                    if !case_is_live(conn, passenger.case_id).await? {
                        return Err(StoreError::CaseNotFound(passenger.case_id));
                    }
                }
                for passenger in passengers {
                    let row = PassengerRow {
                        report: report.id,
                        flight: report.flight,
                        ..passenger.clone()
                    };
                    insert_passenger(conn, &row).await?;
                }
                Ok(())
            }

            /// Passengers (joined to their reports as `r`) matching `condition`, by flight,
            /// report position and case id.
            pub(super) fn passenger_query(condition: &str) -> String {
                format!(
                    "SELECT {PASSENGER_COLUMNS} FROM flight_passengers p \
                     JOIN flight_reports r ON r.id = p.report_id \
                     JOIN removal_flights f ON f.id = p.flight_id \
                     JOIN cases c ON c.id = p.case_id \
                     WHERE {condition} \
                     ORDER BY f.created_at, f.id, r.position, p.case_id"
                )
            }

            /// Every row of the watch, for a backup (inside the snapshot's transaction).
            pub(crate) async fn read_all(conn: &mut Conn) -> Result<WatchSnapshot> {
                let flights = sqlx::query(&format!(
                    "SELECT {FLIGHT_COLUMNS} FROM removal_flights ORDER BY created_at, id"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(flight_from_row)
                .collect::<Result<Vec<_>>>()?;
                let reports = sqlx::query(&format!(
                    "SELECT {REPORT_COLUMNS} FROM flight_reports ORDER BY flight_id, position"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(report_from_row)
                .collect::<Result<Vec<_>>>()?;
                let passengers = sqlx::query(&format!(
                    "SELECT {PASSENGER_COLUMNS} FROM flight_passengers p \
                     JOIN flight_reports r ON r.id = p.report_id \
                     ORDER BY p.flight_id, r.position, p.case_id"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(passenger_from_row)
                .collect::<Result<Vec<_>>>()?;
                let check_ins = sqlx::query(&format!(
                    "SELECT {CHECK_IN_COLUMNS} FROM check_ins \
                     ORDER BY case_id, on_date, recorded_at, id"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(check_in_from_row)
                .collect::<Result<Vec<_>>>()?;
                let alert_marks = sqlx::query(&format!(
                    "SELECT {MARK_COLUMNS} FROM alert_marks ORDER BY organisation_id, alert_key"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(mark_from_row)
                .collect::<Result<Vec<_>>>()?;
                Ok(WatchSnapshot {
                    flights,
                    reports,
                    passengers,
                    check_ins,
                    alert_marks,
                })
            }

            /// Loads a backup's watch rows: reports after their flights, passengers after their
            /// reports (after the organisations, cases and users they refer to).
            pub(crate) async fn insert_all(
                conn: &mut Conn,
                snapshot: &WatchSnapshot,
            ) -> Result<()> {
                for flight in &snapshot.flights {
                    insert_flight(conn, flight).await?;
                }
                for report in &snapshot.reports {
                    insert_report(conn, report).await?;
                }
                for passenger in &snapshot.passengers {
                    insert_passenger(conn, passenger).await?;
                }
                for check_in in &snapshot.check_ins {
                    insert_check_in(conn, check_in).await?;
                }
                for mark in &snapshot.alert_marks {
                    put_mark(conn, mark).await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::WatchStore for $store {
            async fn insert_flight(
                &self,
                flight: &$crate::FlightRow,
                report: &$crate::FlightReportRow,
                passengers: &[$crate::PassengerRow],
            ) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<()> = async {
                    if !watch_sql::organisation_exists(&mut tx, flight.organisation).await? {
                        return Err($crate::StoreError::OrganisationNotFound(
                            flight.organisation,
                        ));
                    }
                    if report.flight != flight.id {
                        return Err($crate::StoreError::FlightNotFound(report.flight));
                    }
                    if report.position != 0 {
                        return Err($crate::StoreError::FlightReportConflict(flight.id));
                    }
                    watch_sql::insert_flight(&mut tx, flight).await?;
                    watch_sql::insert_report(&mut tx, report).await?;
                    watch_sql::insert_passengers(&mut tx, report, passengers).await
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn add_flight_report(
                &self,
                report: &$crate::FlightReportRow,
                passengers: &[$crate::PassengerRow],
            ) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<()> = async {
                    // A write first: it takes SQLite's write lock and PostgreSQL's lock on the
                    // flight's row, so reports appended at once are counted one after the other.
                    let found = sqlx::query(
                        "UPDATE removal_flights SET created_at = created_at WHERE id = $1",
                    )
                    .bind(report.flight.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if found == 0 {
                        return Err($crate::StoreError::FlightNotFound(report.flight));
                    }
                    let next: i64 = sqlx::query_scalar(
                        "SELECT COALESCE(MAX(position) + 1, 0) FROM flight_reports \
                         WHERE flight_id = $1",
                    )
                    .bind(report.flight.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    if i64::from(report.position) != next {
                        return Err($crate::StoreError::FlightReportConflict(report.flight));
                    }
                    watch_sql::insert_report(&mut tx, report).await?;
                    watch_sql::insert_passengers(&mut tx, report, passengers).await
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn flights(
                &self,
                organisation: Option<corridor_core::OrgId>,
            ) -> $crate::Result<Vec<$crate::FlightRow>> {
                let mut query = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM removal_flights",
                    watch_sql::FLIGHT_COLUMNS
                ));
                if let Some(organisation) = organisation {
                    query
                        .push(" WHERE organisation_id = ")
                        .push_bind(organisation.0);
                }
                query.push(" ORDER BY created_at, id");
                query
                    .build()
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(watch_sql::flight_from_row)
                    .collect()
            }

            async fn flight(
                &self,
                id: corridor_core::FlightId,
            ) -> $crate::Result<Option<$crate::FlightRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM removal_flights WHERE id = $1",
                    watch_sql::FLIGHT_COLUMNS
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(watch_sql::flight_from_row)
                .transpose()
            }

            async fn flight_reports(
                &self,
                flight: corridor_core::FlightId,
            ) -> $crate::Result<(Vec<$crate::FlightReportRow>, Vec<$crate::PassengerRow>)> {
                // One transaction, so the passengers are those of the reports read.
                let mut tx = self.begin_snapshot().await?;
                let read: $crate::Result<_> = async {
                    let reports = sqlx::query(&format!(
                        "SELECT {} FROM flight_reports WHERE flight_id = $1 ORDER BY position",
                        watch_sql::REPORT_COLUMNS
                    ))
                    .bind(flight.0)
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(watch_sql::report_from_row)
                    .collect::<$crate::Result<Vec<_>>>()?;
                    let passengers = sqlx::query(&watch_sql::passenger_query("p.flight_id = $1"))
                        .bind(flight.0)
                        .fetch_all(&mut *tx)
                        .await?
                        .iter()
                        .map(watch_sql::passenger_from_row)
                        .collect::<$crate::Result<Vec<_>>>()?;
                    Ok((reports, passengers))
                }
                .await;
                $crate::shared::finish(tx, read).await
            }

            async fn passengers(
                &self,
                organisation: Option<corridor_core::OrgId>,
            ) -> $crate::Result<Vec<$crate::PassengerRow>> {
                match organisation {
                    Some(organisation) => {
                        sqlx::query(&watch_sql::passenger_query("f.organisation_id = $1"))
                            .bind(organisation.0)
                            .fetch_all(&self.pool)
                            .await?
                    }
                    None => {
                        sqlx::query(&watch_sql::passenger_query("1 = 1"))
                            .fetch_all(&self.pool)
                            .await?
                    }
                }
                .iter()
                .map(watch_sql::passenger_from_row)
                .collect()
            }

            async fn insert_check_in(&self, row: &$crate::CheckInRow) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<()> = async {
                    if !watch_sql::case_is_live(&mut tx, row.case_id).await? {
                        return Err($crate::StoreError::CaseNotFound(row.case_id));
                    }
                    watch_sql::insert_check_in(&mut tx, row).await
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn check_ins(
                &self,
                case: corridor_core::CaseId,
            ) -> $crate::Result<Vec<$crate::CheckInRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM check_ins WHERE case_id = $1 \
                     ORDER BY on_date, recorded_at, id",
                    watch_sql::CHECK_IN_COLUMNS
                ))
                .bind(case.0)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(watch_sql::check_in_from_row)
                .collect()
            }

            async fn alert_marks(
                &self,
                organisation: corridor_core::OrgId,
            ) -> $crate::Result<Vec<$crate::AlertMarkRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM alert_marks WHERE organisation_id = $1 ORDER BY alert_key",
                    watch_sql::MARK_COLUMNS
                ))
                .bind(organisation.0)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(watch_sql::mark_from_row)
                .collect()
            }

            async fn put_alert_mark(&self, row: &$crate::AlertMarkRow) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<()> = async {
                    if !watch_sql::organisation_exists(&mut tx, row.organisation).await? {
                        return Err($crate::StoreError::OrganisationNotFound(row.organisation));
                    }
                    if !watch_sql::case_is_live(&mut tx, row.case_id).await? {
                        return Err($crate::StoreError::CaseNotFound(row.case_id));
                    }
                    let users = row
                        .acknowledged
                        .iter()
                        .map(|(by, _)| *by)
                        .chain(row.assigned.iter().flat_map(|a| [a.to, a.by]));
                    for user in users {
                        if !account_sql::user_exists(&mut tx, user).await? {
                            return Err($crate::StoreError::UserNotFound(user));
                        }
                    }
                    watch_sql::put_mark(&mut tx, row).await
                }
                .await;
                $crate::shared::finish(tx, written).await
            }
        }
    };
}

pub(crate) use impl_watch_store;
