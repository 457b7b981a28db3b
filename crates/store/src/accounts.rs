//! Accounts: users and their second factors, pending logins, sessions, login throttling, and
//! cases shared with other organisations.
//!
//! The store keeps credentials only in forms that cannot be replayed: Argon2id password hashes,
//! TOTP secrets [`Sealed`] under the root key, [`RecoveryCodeHash`]es and [`TokenDigest`]s.
//! Rules (time-outs, throttling limits, who may do what) belong to the app; the store gives
//! the atomic operations they need: compare-and-set of the last TOTP step, single use of a
//! recovery code, single use of a pending login. It returns expired rows as they are:
//! deciding that a session is too old is the caller's rule.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use corridor_core::{CaseId, OrgId, Role, User, UserId, Username};
use corridor_crypto::{PasswordHash, RecoveryCodeHash, Sealed, TokenDigest};
use uuid::Uuid;

use crate::Result;

/// A user with their credentials, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub user: User,
    pub password_hash: PasswordHash,
    /// Sealed under the root key at `("users", "totp_secret", user id)`. `None` until a first
    /// login begins enrolment.
    pub totp_secret: Option<Sealed>,
    /// The last TOTP step accepted; a code of this step or an earlier one is a replay.
    pub totp_last_step: Option<i64>,
}

/// A signed-in session. The token itself is never stored; `digest` is its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub digest: TokenDigest,
    pub user: UserId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The absolute end of the session, whatever its activity.
    pub expires_at: DateTime<Utc>,
    /// The client address at login, as text.
    pub address: Option<String>,
}

/// A login whose password was right and that waits for its second factor or for enrolment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLoginRow {
    pub digest: TokenDigest,
    pub user: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub address: Option<String>,
}

/// One login attempt counted against a throttling key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginAttempt {
    pub id: Uuid,
    /// What is throttled, e.g. `user:<digest>` or `addr:<digest>`.
    pub key: String,
    pub at: DateTime<Utc>,
    pub succeeded: bool,
}

/// A case shared with (or referred to) an organisation other than its owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseShare {
    pub case_id: CaseId,
    pub organisation: OrgId,
    pub kind: corridor_core::GrantKind,
    pub granted_by: UserId,
    pub granted_at: DateTime<Utc>,
}

/// A stored recovery code (its digest) and whether it has been used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecoveryCodeRow {
    pub user: UserId,
    pub hash: RecoveryCodeHash,
    pub used_at: Option<DateTime<Utc>>,
}

/// Everything [`AccountStore::complete_totp_enrolment`] writes, in one transaction.
#[derive(Clone, Copy, Debug)]
pub struct TotpEnrolment<'a> {
    /// The pending login that enrolment completes; consumed.
    pub pending: &'a TokenDigest,
    /// The secret the user confirmed: enrolment fails if the stored one is no longer this.
    pub secret: &'a Sealed,
    /// The step of the code that confirmed it, stored as the last used step.
    pub step: i64,
    /// The new recovery codes, replacing any old ones.
    pub recovery_codes: &'a [RecoveryCodeHash],
    /// The session that the login becomes; `session.user` is the enrolling user.
    pub session: &'a SessionRow,
}

/// What a backup keeps of accounts: users with their credentials, recovery codes, case shares
/// and API tokens (their digests, revoked ones too). Sessions, pending logins and login attempts
/// are transient and left out: a restored store starts with nobody signed in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountSnapshot {
    pub users: Vec<UserRecord>,
    pub recovery_codes: Vec<RecoveryCodeRow>,
    pub case_shares: Vec<CaseShare>,
    pub api_tokens: Vec<crate::ApiTokenRow>,
}

/// Users, their credentials, sessions, login attempts and case shares.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    // Users.

    /// Adds a user. Fails with [`UsernameTaken`](crate::StoreError::UsernameTaken) or
    /// [`OrganisationNotFound`](crate::StoreError::OrganisationNotFound).
    async fn create_user(&self, record: &UserRecord) -> Result<()>;
    /// Adds a user only if there is none yet (the first admin, at `corridor init`); fails with
    /// [`UsersExist`](crate::StoreError::UsersExist) otherwise.
    async fn create_first_user(&self, record: &UserRecord) -> Result<()>;
    async fn count_users(&self) -> Result<u64>;
    async fn user(&self, id: UserId) -> Result<Option<UserRecord>>;
    async fn user_by_username(&self, username: &Username) -> Result<Option<UserRecord>>;
    /// The users of an organisation, by username.
    async fn users(&self, organisation: OrgId) -> Result<Vec<User>>;
    async fn set_password_hash(&self, id: UserId, hash: &PasswordHash) -> Result<()>;
    async fn set_role(&self, id: UserId, role: Role) -> Result<()>;
    /// Disables or re-enables a user. Disabling also ends the user's sessions and pending
    /// logins, in the same transaction.
    async fn set_disabled(&self, id: UserId, disabled: bool) -> Result<()>;

    // TOTP and recovery codes.

    /// Stores a new, not yet confirmed TOTP secret (replacing an unconfirmed one) and clears
    /// the last used step. Fails with
    /// [`TotpAlreadyEnrolled`](crate::StoreError::TotpAlreadyEnrolled) once enrolment is done.
    async fn begin_totp_enrolment(&self, id: UserId, secret: &Sealed) -> Result<()>;
    /// In one transaction: consumes the pending login, marks TOTP enrolled with the confirmed
    /// secret and step, replaces the recovery codes, and creates the session. Fails with
    /// [`PendingLoginGone`](crate::StoreError::PendingLoginGone) if the pending login was used
    /// or cancelled, and with [`TotpConflict`](crate::StoreError::TotpConflict) if the stored
    /// secret is no longer the confirmed one or enrolment already completed; nothing is
    /// written then.
    async fn complete_totp_enrolment(&self, enrolment: &TotpEnrolment<'_>) -> Result<()>;
    /// Records `step` as the last used TOTP step if it is after the stored one (compare and
    /// set). `Ok(false)` means the step was already used or an earlier one was: a replay.
    async fn advance_totp_step(&self, id: UserId, step: i64) -> Result<bool>;
    /// Forgets the user's TOTP secret, last step and recovery codes, and ends their sessions
    /// and pending logins (an admin's reset after a lost authenticator). The next login enrols
    /// again.
    async fn reset_totp(&self, id: UserId) -> Result<()>;
    /// Replaces all of the user's recovery codes, in one transaction.
    async fn replace_recovery_codes(&self, id: UserId, codes: &[RecoveryCodeHash]) -> Result<()>;
    /// Marks an unused recovery code used. `Ok(false)` if the user has no such unused code.
    async fn use_recovery_code(
        &self,
        id: UserId,
        code: &RecoveryCodeHash,
        at: DateTime<Utc>,
    ) -> Result<bool>;
    async fn unused_recovery_codes(&self, id: UserId) -> Result<u32>;

    // Pending logins.

    async fn create_pending_login(&self, row: &PendingLoginRow) -> Result<()>;
    /// The pending login, expired or not.
    async fn pending_login(&self, digest: &TokenDigest) -> Result<Option<PendingLoginRow>>;
    async fn delete_pending_login(&self, digest: &TokenDigest) -> Result<bool>;
    /// In one transaction: consumes the pending login of `session.user` and creates the
    /// session. Fails with [`PendingLoginGone`](crate::StoreError::PendingLoginGone) if it was
    /// already used or cancelled.
    async fn complete_pending_login(
        &self,
        pending: &TokenDigest,
        session: &SessionRow,
    ) -> Result<()>;

    // Sessions.

    async fn create_session(&self, row: &SessionRow) -> Result<()>;
    /// The session, expired or not.
    async fn session(&self, digest: &TokenDigest) -> Result<Option<SessionRow>>;
    /// Sets `last_seen_at`. `Ok(false)` if there is no such session.
    async fn touch_session(&self, digest: &TokenDigest, at: DateTime<Utc>) -> Result<bool>;
    async fn delete_session(&self, digest: &TokenDigest) -> Result<bool>;
    /// Logout everywhere: deletes every session and pending login of the user, returning how
    /// many sessions ended.
    async fn delete_user_sessions(&self, user: UserId) -> Result<u64>;
    /// The user's sessions, newest first.
    async fn sessions_of(&self, user: UserId) -> Result<Vec<SessionRow>>;
    /// Deletes sessions that expired at or before `now` or were last seen at or before
    /// `idle_cutoff`, and pending logins that expired at or before `now`. Returns how many
    /// sessions went.
    async fn prune_sessions(&self, now: DateTime<Utc>, idle_cutoff: DateTime<Utc>) -> Result<u64>;

    // Login throttling.

    async fn record_login_attempt(&self, attempt: &LoginAttempt) -> Result<()>;
    async fn mark_login_attempt_succeeded(&self, id: Uuid) -> Result<()>;
    async fn delete_login_attempt(&self, id: Uuid) -> Result<()>;
    /// Failed attempts for `key` at or after `since` that no later success of the same key
    /// has cancelled.
    async fn count_login_failures(&self, key: &str, since: DateTime<Utc>) -> Result<u64>;
    /// Deletes attempts made before `before`.
    async fn prune_login_attempts(&self, before: DateTime<Utc>) -> Result<u64>;

    // Case sharing.

    /// Shares a live case with (or refers it to) an organisation. `Ok(false)` if it was
    /// already granted to it, of either kind (the first grant is kept). Fails with
    /// [`CaseNotFound`](crate::StoreError::CaseNotFound),
    /// [`CasePurged`](crate::StoreError::CasePurged) or
    /// [`OrganisationNotFound`](crate::StoreError::OrganisationNotFound).
    async fn share_case(&self, share: &CaseShare) -> Result<bool>;
    /// Withdraws a grant of this kind. `Ok(false)` if there was none.
    async fn unshare_case(
        &self,
        case_id: CaseId,
        organisation: OrgId,
        kind: corridor_core::GrantKind,
    ) -> Result<bool>;
    /// The organisations a case is shared with or referred to, oldest grant first.
    async fn case_shares(&self, case_id: CaseId) -> Result<Vec<CaseShare>>;
    /// The cases granted to an organisation with this kind (not those it owns), oldest first.
    /// Only shares widen what an organisation's case list shows; referrals never do.
    async fn cases_shared_with(
        &self,
        organisation: OrgId,
        kind: corridor_core::GrantKind,
    ) -> Result<Vec<CaseId>>;
}

/// Expands `impl AccountStore for $store` over the engine `$db`, and the module
/// `account_sql` whose `read_snapshot` and `load_snapshot` the snapshot code of
/// `impl_sql_store!` calls, so that backups carry accounts (API tokens included, through
/// `impl_api_token_store!`'s `api_token_sql`) in the same transaction.
macro_rules! impl_account_store {
    ($store:ty, $db:ty) => {
        mod account_sql {
            use chrono::{DateTime, Utc};
            use corridor_core::{CaseId, OrgId, User, UserId, Username};
            use corridor_crypto::{PasswordHash, RecoveryCodeHash, TokenDigest};
            use sqlx::Row as _;

            use $crate::accounts::{
                AccountSnapshot, CaseShare, PendingLoginRow, RecoveryCodeRow, SessionRow,
                UserRecord,
            };
            use $crate::shared::{parse_column, sealed_column};
            use $crate::{Result, StoreError};

            pub(super) type DbRow = <$db as sqlx::Database>::Row;
            pub(super) type Conn = <$db as sqlx::Database>::Connection;
            pub(super) type Tx<'a> = sqlx::Transaction<'a, $db>;

            pub(super) const USER_COLUMNS: &str = "id, organisation_id, username, role, \
                 password_hash, totp_secret, totp_enrolled, totp_last_step, disabled, created_at";
            pub(super) const SESSION_COLUMNS: &str =
                "id_hash, user_id, created_at, last_seen_at, expires_at, address";
            pub(super) const PENDING_COLUMNS: &str =
                "id_hash, user_id, created_at, expires_at, address";
            pub(super) const SHARE_COLUMNS: &str =
                "case_id, organisation_id, granted_by, granted_at, kind";

            fn corrupt(table: &'static str, column: &'static str, reason: &str) -> StoreError {
                StoreError::Corrupt {
                    table,
                    column,
                    reason: reason.to_owned(),
                }
            }

            pub(super) fn user_from_row(row: &DbRow) -> Result<User> {
                let username: String = row.try_get("username")?;
                Ok(User {
                    id: UserId(row.try_get("id")?),
                    organisation: OrgId(row.try_get("organisation_id")?),
                    username: Username::new(&username)
                        .map_err(|_| corrupt("users", "username", "invalid username"))?,
                    role: parse_column(&row.try_get::<String, _>("role")?, "users", "role")?,
                    disabled: row.try_get("disabled")?,
                    totp_enrolled: row.try_get("totp_enrolled")?,
                    created_at: row.try_get("created_at")?,
                })
            }

            pub(super) fn user_record_from_row(row: &DbRow) -> Result<UserRecord> {
                Ok(UserRecord {
                    user: user_from_row(row)?,
                    password_hash: PasswordHash::from_stored(row.try_get("password_hash")?)
                        .map_err(|e| corrupt("users", "password_hash", &e.to_string()))?,
                    totp_secret: row
                        .try_get::<Option<Vec<u8>>, _>("totp_secret")?
                        .map(|bytes| sealed_column(bytes, "users", "totp_secret"))
                        .transpose()?,
                    totp_last_step: row.try_get("totp_last_step")?,
                })
            }

            pub(super) fn digest_column(
                bytes: &[u8],
                table: &'static str,
                column: &'static str,
            ) -> Result<TokenDigest> {
                TokenDigest::from_bytes(bytes).ok_or_else(|| corrupt(table, column, "not 32 bytes"))
            }

            pub(super) fn session_from_row(row: &DbRow) -> Result<SessionRow> {
                Ok(SessionRow {
                    digest: digest_column(&row.try_get::<Vec<u8>, _>("id_hash")?, "sessions", "id_hash")?,
                    user: UserId(row.try_get("user_id")?),
                    created_at: row.try_get("created_at")?,
                    last_seen_at: row.try_get("last_seen_at")?,
                    expires_at: row.try_get("expires_at")?,
                    address: row.try_get("address")?,
                })
            }

            pub(super) fn pending_from_row(row: &DbRow) -> Result<PendingLoginRow> {
                Ok(PendingLoginRow {
                    digest: digest_column(
                        &row.try_get::<Vec<u8>, _>("id_hash")?,
                        "pending_logins",
                        "id_hash",
                    )?,
                    user: UserId(row.try_get("user_id")?),
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                    address: row.try_get("address")?,
                })
            }

            pub(super) fn share_from_row(row: &DbRow) -> Result<CaseShare> {
                Ok(CaseShare {
                    case_id: CaseId(row.try_get("case_id")?),
                    organisation: OrgId(row.try_get("organisation_id")?),
                    granted_by: UserId(row.try_get("granted_by")?),
                    granted_at: row.try_get("granted_at")?,
                    kind: crate::shared::parse_column(
                        row.try_get::<&str, _>("kind")?,
                        "case_shares",
                        "kind",
                    )?,
                })
            }

            /// Inserts a user after checking the organisation exists and the username is free,
            /// so that both failures have their own error rather than a constraint message.
            pub(super) async fn insert_user(tx: &mut Tx<'_>, record: &UserRecord) -> Result<()> {
                let user = &record.user;
                let organisation = sqlx::query("SELECT 1 FROM organisations WHERE id = $1")
                    .bind(user.organisation.0)
                    .fetch_optional(&mut **tx)
                    .await?;
                if organisation.is_none() {
                    return Err(StoreError::OrganisationNotFound(user.organisation));
                }
                let taken = sqlx::query("SELECT 1 FROM users WHERE username = $1")
                    .bind(user.username.as_str())
                    .fetch_optional(&mut **tx)
                    .await?;
                if taken.is_some() {
                    return Err(StoreError::UsernameTaken);
                }
                sqlx::query(&format!(
                    "INSERT INTO users ({USER_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                ))
                .bind(user.id.0)
                .bind(user.organisation.0)
                .bind(user.username.as_str())
                .bind(user.role.as_str())
                .bind(record.password_hash.as_str())
                .bind(record.totp_secret.as_ref().map(|s| s.as_bytes()))
                .bind(user.totp_enrolled)
                .bind(record.totp_last_step)
                .bind(user.disabled)
                .bind(user.created_at)
                .execute(&mut **tx)
                .await
                .map_err(|e| match e {
                    // Another transaction took the name between the check and the insert.
                    sqlx::Error::Database(ref db) if db.is_unique_violation() => {
                        StoreError::UsernameTaken
                    }
                    other => StoreError::Database(other),
                })?;
                Ok(())
            }

            pub(super) async fn insert_recovery_codes(
                tx: &mut Tx<'_>,
                rows: &[RecoveryCodeRow],
            ) -> Result<()> {
                for row in rows {
                    sqlx::query(
                        "INSERT INTO recovery_codes (user_id, code_hash, used_at) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(row.user.0)
                    .bind(row.hash.as_bytes().as_slice())
                    .bind(row.used_at)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            pub(super) async fn insert_session(tx: &mut Tx<'_>, row: &SessionRow) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
                ))
                .bind(row.digest.as_bytes().as_slice())
                .bind(row.user.0)
                .bind(row.created_at)
                .bind(row.last_seen_at)
                .bind(row.expires_at)
                .bind(row.address.as_deref())
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Deletes a user's sessions and pending logins; returns how many sessions went.
            pub(super) async fn end_sessions(tx: &mut Tx<'_>, user: UserId) -> Result<u64> {
                sqlx::query("DELETE FROM pending_logins WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&mut **tx)
                    .await?;
                Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected())
            }

            /// Consumes a pending login of `user`; `PendingLoginGone` if there is none.
            pub(super) async fn take_pending(
                tx: &mut Tx<'_>,
                pending: &TokenDigest,
                user: UserId,
            ) -> Result<()> {
                let deleted =
                    sqlx::query("DELETE FROM pending_logins WHERE id_hash = $1 AND user_id = $2")
                        .bind(pending.as_bytes().as_slice())
                        .bind(user.0)
                        .execute(&mut **tx)
                        .await?
                        .rows_affected();
                if deleted == 0 {
                    return Err(StoreError::PendingLoginGone);
                }
                Ok(())
            }

            pub(super) async fn user_exists(conn: &mut Conn, id: UserId) -> Result<bool> {
                Ok(sqlx::query("SELECT 1 FROM users WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut *conn)
                    .await?
                    .is_some())
            }

            /// Fails with `UserNotFound` unless an UPDATE of the user touched its row.
            pub(super) fn require_user(updated: u64, id: UserId) -> Result<()> {
                if updated == 0 {
                    return Err(StoreError::UserNotFound(id));
                }
                Ok(())
            }

            /// Accounts for a backup, read inside the snapshot's transaction.
            pub(crate) async fn read_snapshot(conn: &mut Conn) -> Result<AccountSnapshot> {
                let users = sqlx::query(&format!(
                    "SELECT {USER_COLUMNS} FROM users ORDER BY created_at, id"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(user_record_from_row)
                .collect::<Result<Vec<_>>>()?;
                let recovery_codes = sqlx::query(
                    "SELECT user_id, code_hash, used_at FROM recovery_codes \
                     ORDER BY user_id, code_hash",
                )
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|row| {
                    Ok(RecoveryCodeRow {
                        user: UserId(row.try_get("user_id")?),
                        hash: RecoveryCodeHash::from_bytes(&row.try_get::<Vec<u8>, _>("code_hash")?)
                            .ok_or_else(|| corrupt("recovery_codes", "code_hash", "not 32 bytes"))?,
                        used_at: row.try_get::<Option<DateTime<Utc>>, _>("used_at")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
                let case_shares = sqlx::query(&format!(
                    "SELECT {SHARE_COLUMNS} FROM case_shares ORDER BY granted_at, case_id, organisation_id"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(share_from_row)
                .collect::<Result<Vec<_>>>()?;
                let api_tokens = super::api_token_sql::read_all(&mut *conn).await?;
                Ok(AccountSnapshot { users, recovery_codes, case_shares, api_tokens })
            }

            /// Loads accounts from a backup, inside the restore's transaction, after the
            /// organisations and cases they refer to.
            pub(crate) async fn load_snapshot(
                tx: &mut Tx<'_>,
                snapshot: &AccountSnapshot,
            ) -> Result<()> {
                for record in &snapshot.users {
                    insert_user(tx, record).await?;
                }
                insert_recovery_codes(tx, &snapshot.recovery_codes).await?;
                for share in &snapshot.case_shares {
                    sqlx::query(&format!(
                        "INSERT INTO case_shares ({SHARE_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"
                    ))
                    .bind(share.case_id.0)
                    .bind(share.organisation.0)
                    .bind(share.granted_by.0)
                    .bind(share.granted_at)
                    .bind(share.kind.as_str())
                    .execute(&mut **tx)
                    .await?;
                }
                for token in &snapshot.api_tokens {
                    super::api_token_sql::insert(tx, token).await?;
                }
                Ok(())
            }

            /// Whether any user exists (for the restore's emptiness check).
            pub(crate) async fn has_users(conn: &mut Conn) -> Result<bool> {
                Ok(sqlx::query("SELECT 1 FROM users LIMIT 1")
                    .fetch_optional(&mut *conn)
                    .await?
                    .is_some())
            }
        }

        #[async_trait::async_trait]
        impl $crate::AccountStore for $store {
            async fn create_user(&self, record: &$crate::UserRecord) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                account_sql::insert_user(&mut tx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_first_user(&self, record: &$crate::UserRecord) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<_> = async {
                    if account_sql::has_users(&mut tx).await? {
                        return Err($crate::StoreError::UsersExist);
                    }
                    account_sql::insert_user(&mut tx, record).await?;
                    Ok(())
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn count_users(&self) -> $crate::Result<u64> {
                let count: i64 = sqlx::Row::try_get(
                    &sqlx::query("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?,
                    0,
                )?;
                Ok(u64::try_from(count).unwrap_or(0))
            }

            async fn user(
                &self,
                id: corridor_core::UserId,
            ) -> $crate::Result<Option<$crate::UserRecord>> {
                sqlx::query(&format!(
                    "SELECT {} FROM users WHERE id = $1",
                    account_sql::USER_COLUMNS
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(account_sql::user_record_from_row)
                .transpose()
            }

            async fn user_by_username(
                &self,
                username: &corridor_core::Username,
            ) -> $crate::Result<Option<$crate::UserRecord>> {
                sqlx::query(&format!(
                    "SELECT {} FROM users WHERE username = $1",
                    account_sql::USER_COLUMNS
                ))
                .bind(username.as_str())
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(account_sql::user_record_from_row)
                .transpose()
            }

            async fn users(
                &self,
                organisation: corridor_core::OrgId,
            ) -> $crate::Result<Vec<corridor_core::User>> {
                sqlx::query(&format!(
                    "SELECT {} FROM users WHERE organisation_id = $1 ORDER BY username",
                    account_sql::USER_COLUMNS
                ))
                .bind(organisation.0)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(account_sql::user_from_row)
                .collect()
            }

            async fn set_password_hash(
                &self,
                id: corridor_core::UserId,
                hash: &corridor_crypto::PasswordHash,
            ) -> $crate::Result<()> {
                let updated = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(hash.as_str())
                    .bind(id.0)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                account_sql::require_user(updated, id)
            }

            async fn set_role(
                &self,
                id: corridor_core::UserId,
                role: corridor_core::Role,
            ) -> $crate::Result<()> {
                let updated = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                    .bind(role.as_str())
                    .bind(id.0)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                account_sql::require_user(updated, id)
            }

            async fn set_disabled(
                &self,
                id: corridor_core::UserId,
                disabled: bool,
            ) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let updated = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                    .bind(disabled)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                account_sql::require_user(updated, id)?;
                if disabled {
                    account_sql::end_sessions(&mut tx, id).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn begin_totp_enrolment(
                &self,
                id: corridor_core::UserId,
                secret: &corridor_crypto::Sealed,
            ) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<_> = async {
                    let updated = sqlx::query(
                        "UPDATE users SET totp_secret = $1, totp_last_step = NULL \
                         WHERE id = $2 AND totp_enrolled = FALSE",
                    )
                    .bind(secret.as_bytes())
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if updated == 0 {
                        return Err(if account_sql::user_exists(&mut tx, id).await? {
                            $crate::StoreError::TotpAlreadyEnrolled(id)
                        } else {
                            $crate::StoreError::UserNotFound(id)
                        });
                    }
                    Ok(())
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn complete_totp_enrolment(
                &self,
                enrolment: &$crate::TotpEnrolment<'_>,
            ) -> $crate::Result<()> {
                let user = enrolment.session.user;
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<_> = async {
                    account_sql::take_pending(&mut tx, enrolment.pending, user).await?;
                    let updated = sqlx::query(
                        "UPDATE users SET totp_enrolled = TRUE, totp_last_step = $1 \
                         WHERE id = $2 AND totp_enrolled = FALSE AND totp_secret = $3",
                    )
                    .bind(enrolment.step)
                    .bind(user.0)
                    .bind(enrolment.secret.as_bytes())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if updated == 0 {
                        return Err($crate::StoreError::TotpConflict(user));
                    }
                    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                        .bind(user.0)
                        .execute(&mut *tx)
                        .await?;
                    let rows: Vec<_> = enrolment
                        .recovery_codes
                        .iter()
                        .map(|hash| $crate::RecoveryCodeRow { user, hash: *hash, used_at: None })
                        .collect();
                    account_sql::insert_recovery_codes(&mut tx, &rows).await?;
                    account_sql::insert_session(&mut tx, enrolment.session).await?;
                    Ok(())
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn advance_totp_step(
                &self,
                id: corridor_core::UserId,
                step: i64,
            ) -> $crate::Result<bool> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<_> = async {
                    let updated = sqlx::query(
                        "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
                         AND totp_enrolled = TRUE \
                         AND (totp_last_step IS NULL OR totp_last_step < $1)",
                    )
                    .bind(step)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if updated == 0 && !account_sql::user_exists(&mut tx, id).await? {
                        return Err($crate::StoreError::UserNotFound(id));
                    }
                    Ok(updated == 1)
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn reset_totp(&self, id: corridor_core::UserId) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let updated = sqlx::query(
                    "UPDATE users SET totp_secret = NULL, totp_enrolled = FALSE, \
                     totp_last_step = NULL WHERE id = $1",
                )
                .bind(id.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                account_sql::require_user(updated, id)?;
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                account_sql::end_sessions(&mut tx, id).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn replace_recovery_codes(
                &self,
                id: corridor_core::UserId,
                codes: &[corridor_crypto::RecoveryCodeHash],
            ) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<_> = async {
                    if !account_sql::user_exists(&mut tx, id).await? {
                        return Err($crate::StoreError::UserNotFound(id));
                    }
                    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await?;
                    let rows: Vec<_> = codes
                        .iter()
                        .map(|hash| $crate::RecoveryCodeRow { user: id, hash: *hash, used_at: None })
                        .collect();
                    account_sql::insert_recovery_codes(&mut tx, &rows).await?;
                    Ok(())
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn use_recovery_code(
                &self,
                id: corridor_core::UserId,
                code: &corridor_crypto::RecoveryCodeHash,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<bool> {
                let updated = sqlx::query(
                    "UPDATE recovery_codes SET used_at = $1 \
                     WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                )
                .bind(at)
                .bind(id.0)
                .bind(code.as_bytes().as_slice())
                .execute(&self.pool)
                .await?
                .rows_affected();
                Ok(updated == 1)
            }

            async fn unused_recovery_codes(&self, id: corridor_core::UserId) -> $crate::Result<u32> {
                let count: i64 = sqlx::Row::try_get(
                    &sqlx::query(
                        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                    )
                    .bind(id.0)
                    .fetch_one(&self.pool)
                    .await?,
                    0,
                )?;
                Ok(u32::try_from(count).unwrap_or(u32::MAX))
            }

            async fn create_pending_login(
                &self,
                row: &$crate::PendingLoginRow,
            ) -> $crate::Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO pending_logins ({}) VALUES ($1, $2, $3, $4, $5)",
                    account_sql::PENDING_COLUMNS
                ))
                .bind(row.digest.as_bytes().as_slice())
                .bind(row.user.0)
                .bind(row.created_at)
                .bind(row.expires_at)
                .bind(row.address.as_deref())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn pending_login(
                &self,
                digest: &corridor_crypto::TokenDigest,
            ) -> $crate::Result<Option<$crate::PendingLoginRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM pending_logins WHERE id_hash = $1",
                    account_sql::PENDING_COLUMNS
                ))
                .bind(digest.as_bytes().as_slice())
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(account_sql::pending_from_row)
                .transpose()
            }

            async fn delete_pending_login(
                &self,
                digest: &corridor_crypto::TokenDigest,
            ) -> $crate::Result<bool> {
                Ok(sqlx::query("DELETE FROM pending_logins WHERE id_hash = $1")
                    .bind(digest.as_bytes().as_slice())
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    == 1)
            }

            async fn complete_pending_login(
                &self,
                pending: &corridor_crypto::TokenDigest,
                session: &$crate::SessionRow,
            ) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                account_sql::take_pending(&mut tx, pending, session.user).await?;
                account_sql::insert_session(&mut tx, session).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_session(&self, row: &$crate::SessionRow) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                account_sql::insert_session(&mut tx, row).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn session(
                &self,
                digest: &corridor_crypto::TokenDigest,
            ) -> $crate::Result<Option<$crate::SessionRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM sessions WHERE id_hash = $1",
                    account_sql::SESSION_COLUMNS
                ))
                .bind(digest.as_bytes().as_slice())
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(account_sql::session_from_row)
                .transpose()
            }

            async fn touch_session(
                &self,
                digest: &corridor_crypto::TokenDigest,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<bool> {
                Ok(sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                    .bind(at)
                    .bind(digest.as_bytes().as_slice())
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    == 1)
            }

            async fn delete_session(
                &self,
                digest: &corridor_crypto::TokenDigest,
            ) -> $crate::Result<bool> {
                Ok(sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(digest.as_bytes().as_slice())
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    == 1)
            }

            async fn delete_user_sessions(
                &self,
                user: corridor_core::UserId,
            ) -> $crate::Result<u64> {
                let mut tx = self.pool.begin().await?;
                let ended = account_sql::end_sessions(&mut tx, user).await?;
                tx.commit().await?;
                Ok(ended)
            }

            async fn sessions_of(
                &self,
                user: corridor_core::UserId,
            ) -> $crate::Result<Vec<$crate::SessionRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, id_hash",
                    account_sql::SESSION_COLUMNS
                ))
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(account_sql::session_from_row)
                .collect()
            }

            async fn prune_sessions(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                idle_cutoff: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<u64> {
                let mut tx = self.pool.begin().await?;
                let ended = sqlx::query(
                    "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
                )
                .bind(now)
                .bind(idle_cutoff)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                sqlx::query("DELETE FROM pending_logins WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(ended)
            }

            async fn record_login_attempt(
                &self,
                attempt: &$crate::LoginAttempt,
            ) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO login_attempts (id, throttle_key, attempted_at, succeeded) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(attempt.id)
                .bind(attempt.key.as_str())
                .bind(attempt.at)
                .bind(attempt.succeeded)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn mark_login_attempt_succeeded(&self, id: uuid::Uuid) -> $crate::Result<()> {
                sqlx::query("UPDATE login_attempts SET succeeded = TRUE WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_login_attempt(&self, id: uuid::Uuid) -> $crate::Result<()> {
                sqlx::query("DELETE FROM login_attempts WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn count_login_failures(
                &self,
                key: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<u64> {
                let count: i64 = sqlx::Row::try_get(
                    &sqlx::query(
                        "SELECT COUNT(*) FROM login_attempts f \
                         WHERE f.throttle_key = $1 AND f.attempted_at >= $2 \
                         AND f.succeeded = FALSE \
                         AND NOT EXISTS (SELECT 1 FROM login_attempts s \
                             WHERE s.throttle_key = $1 AND s.succeeded = TRUE \
                             AND s.attempted_at >= f.attempted_at)",
                    )
                    .bind(key)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?,
                    0,
                )?;
                Ok(u64::try_from(count).unwrap_or(0))
            }

            async fn prune_login_attempts(
                &self,
                before: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<u64> {
                Ok(sqlx::query("DELETE FROM login_attempts WHERE attempted_at < $1")
                    .bind(before)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

            async fn share_case(&self, share: &$crate::CaseShare) -> $crate::Result<bool> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<_> = async {
                    let live = sqlx::query("SELECT 1 FROM cases WHERE id = $1")
                        .bind(share.case_id.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if live.is_none() {
                        let purged = sqlx::query("SELECT 1 FROM tombstones WHERE case_id = $1")
                            .bind(share.case_id.0)
                            .fetch_optional(&mut *tx)
                            .await?;
                        return Err(if purged.is_some() {
                            $crate::StoreError::CasePurged(share.case_id)
                        } else {
                            $crate::StoreError::CaseNotFound(share.case_id)
                        });
                    }
                    let organisation = sqlx::query("SELECT 1 FROM organisations WHERE id = $1")
                        .bind(share.organisation.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if organisation.is_none() {
                        return Err($crate::StoreError::OrganisationNotFound(share.organisation));
                    }
                    if !account_sql::user_exists(&mut tx, share.granted_by).await? {
                        return Err($crate::StoreError::UserNotFound(share.granted_by));
                    }
                    let inserted = sqlx::query(&format!(
                        "INSERT INTO case_shares ({}) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (case_id, organisation_id) DO NOTHING",
                        account_sql::SHARE_COLUMNS
                    ))
                    .bind(share.case_id.0)
                    .bind(share.organisation.0)
                    .bind(share.granted_by.0)
                    .bind(share.granted_at)
                    .bind(share.kind.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    Ok(inserted == 1)
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn unshare_case(
                &self,
                case_id: corridor_core::CaseId,
                organisation: corridor_core::OrgId,
                kind: corridor_core::GrantKind,
            ) -> $crate::Result<bool> {
                Ok(sqlx::query(
                    "DELETE FROM case_shares \
                     WHERE case_id = $1 AND organisation_id = $2 AND kind = $3",
                )
                .bind(case_id.0)
                .bind(organisation.0)
                .bind(kind.as_str())
                .execute(&self.pool)
                .await?
                .rows_affected()
                    == 1)
            }

            async fn case_shares(
                &self,
                case_id: corridor_core::CaseId,
            ) -> $crate::Result<Vec<$crate::CaseShare>> {
                sqlx::query(&format!(
                    "SELECT {} FROM case_shares WHERE case_id = $1 \
                     ORDER BY granted_at, organisation_id",
                    account_sql::SHARE_COLUMNS
                ))
                .bind(case_id.0)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(account_sql::share_from_row)
                .collect()
            }

            async fn cases_shared_with(
                &self,
                organisation: corridor_core::OrgId,
                kind: corridor_core::GrantKind,
            ) -> $crate::Result<Vec<corridor_core::CaseId>> {
                sqlx::query(
                    "SELECT case_id FROM case_shares WHERE organisation_id = $1 AND kind = $2 \
                     ORDER BY granted_at, case_id",
                )
                .bind(organisation.0)
                .bind(kind.as_str())
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| Ok(corridor_core::CaseId(sqlx::Row::try_get(row, "case_id")?)))
                .collect()
            }
        }
    };
}

pub(crate) use impl_account_store;
