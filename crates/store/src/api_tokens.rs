//! API tokens: bearer tokens for the JSON API, each acting as one user and limited to scopes.
//!
//! The store keeps a token's [`TokenDigest`], never the token. Like sessions, rows come back as
//! they are, expired, revoked or belonging to a disabled user: whether a token may be used is
//! the app's rule (`corridor_app`'s `authenticate_api_token` reads the user afresh on every
//! request, so disabling a user stops their tokens at once). Tokens are never deleted: the audit
//! log names them by id, so they are revoked instead.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use corridor_core::{ApiScopes, ApiTokenId, OrgId, TokenLabel, UserId};
use corridor_crypto::TokenDigest;

use crate::Result;

/// An API token as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenRow {
    pub id: ApiTokenId,
    /// The user the token acts as.
    pub user: UserId,
    pub label: TokenLabel,
    pub scopes: ApiScopes,
    /// SHA-256 of the token (purpose "api"); the token itself is shown once and never stored.
    pub digest: TokenDigest,
    pub created_at: DateTime<Utc>,
    /// Every token expires.
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// API tokens. Rules (lifetimes, who may issue, whether a token may be used) belong to the app.
#[async_trait]
pub trait ApiTokenStore: Send + Sync + 'static {
    /// Stores a new token. Fails with [`UserNotFound`](crate::StoreError::UserNotFound) if its
    /// user does not exist.
    async fn create_api_token(&self, row: &ApiTokenRow) -> Result<()>;
    /// The token with this id, whatever its state.
    async fn api_token(&self, id: ApiTokenId) -> Result<Option<ApiTokenRow>>;
    /// The token with this digest, whatever its state: what authentication looks up.
    async fn api_token_by_digest(&self, digest: &TokenDigest) -> Result<Option<ApiTokenRow>>;
    /// The user's tokens, newest first.
    async fn api_tokens_of_user(&self, user: UserId) -> Result<Vec<ApiTokenRow>>;
    /// The tokens of every user of the organisation, newest first.
    async fn api_tokens_of_organisation(&self, organisation: OrgId) -> Result<Vec<ApiTokenRow>>;
    /// Revokes a token at `at`. `Ok(false)` if it was already revoked (the first revocation
    /// time is kept); fails with [`ApiTokenNotFound`](crate::StoreError::ApiTokenNotFound) if
    /// there is no such token.
    async fn revoke_api_token(&self, id: ApiTokenId, at: DateTime<Utc>) -> Result<bool>;
    /// Records the token's last use. `Ok(false)` if there is no such token.
    async fn touch_api_token(&self, id: ApiTokenId, at: DateTime<Utc>) -> Result<bool>;
}

/// Expands `impl ApiTokenStore for $store` over the engine `$db`, and the module
/// `api_token_sql` whose `read_all` and `insert` the account snapshot code calls, so that
/// backups carry tokens in the same transaction. Expand it beside `impl_account_store!`, whose
/// helpers it uses.
macro_rules! impl_api_token_store {
    ($store:ty, $db:ty) => {
        mod api_token_sql {
            use corridor_core::{ApiTokenId, UserId};
            use sqlx::Row as _;

            use super::account_sql::{Conn, DbRow, Tx, digest_column};
            use $crate::Result;
            use $crate::api_tokens::ApiTokenRow;
            use $crate::shared::parse_column;

            pub(super) const COLUMNS: &str = "id, user_id, label, scopes, token_hash, \
                 created_at, expires_at, revoked_at, last_used_at";

            pub(super) fn from_row(row: &DbRow) -> Result<ApiTokenRow> {
                Ok(ApiTokenRow {
                    id: ApiTokenId(row.try_get("id")?),
                    user: UserId(row.try_get("user_id")?),
                    label: parse_column(
                        &row.try_get::<String, _>("label")?,
                        "api_tokens",
                        "label",
                    )?,
                    scopes: parse_column(
                        &row.try_get::<String, _>("scopes")?,
                        "api_tokens",
                        "scopes",
                    )?,
                    digest: digest_column(
                        &row.try_get::<Vec<u8>, _>("token_hash")?,
                        "api_tokens",
                        "token_hash",
                    )?,
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                    last_used_at: row.try_get("last_used_at")?,
                })
            }

            pub(super) async fn insert(tx: &mut Tx<'_>, row: &ApiTokenRow) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO api_tokens ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                ))
                .bind(row.id.0)
                .bind(row.user.0)
                .bind(row.label.as_str())
                .bind(row.scopes.to_string())
                .bind(row.digest.as_bytes().as_slice())
                .bind(row.created_at)
                .bind(row.expires_at)
                .bind(row.revoked_at)
                .bind(row.last_used_at)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Every token, oldest first, for a backup (inside the snapshot's transaction).
            pub(crate) async fn read_all(conn: &mut Conn) -> Result<Vec<ApiTokenRow>> {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM api_tokens ORDER BY created_at, id"
                ))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(from_row)
                .collect()
            }
        }

        #[async_trait::async_trait]
        impl $crate::ApiTokenStore for $store {
            async fn create_api_token(&self, row: &$crate::ApiTokenRow) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<_> = async {
                    if !account_sql::user_exists(&mut tx, row.user).await? {
                        return Err($crate::StoreError::UserNotFound(row.user));
                    }
                    api_token_sql::insert(&mut tx, row).await?;
                    Ok(())
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn api_token(
                &self,
                id: corridor_core::ApiTokenId,
            ) -> $crate::Result<Option<$crate::ApiTokenRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM api_tokens WHERE id = $1",
                    api_token_sql::COLUMNS
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(api_token_sql::from_row)
                .transpose()
            }

            async fn api_token_by_digest(
                &self,
                digest: &corridor_crypto::TokenDigest,
            ) -> $crate::Result<Option<$crate::ApiTokenRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM api_tokens WHERE token_hash = $1",
                    api_token_sql::COLUMNS
                ))
                .bind(digest.as_bytes().as_slice())
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(api_token_sql::from_row)
                .transpose()
            }

            async fn api_tokens_of_user(
                &self,
                user: corridor_core::UserId,
            ) -> $crate::Result<Vec<$crate::ApiTokenRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id",
                    api_token_sql::COLUMNS
                ))
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(api_token_sql::from_row)
                .collect()
            }

            async fn api_tokens_of_organisation(
                &self,
                organisation: corridor_core::OrgId,
            ) -> $crate::Result<Vec<$crate::ApiTokenRow>> {
                sqlx::query(&format!(
                    "SELECT {} FROM api_tokens WHERE user_id IN \
                     (SELECT id FROM users WHERE organisation_id = $1) \
                     ORDER BY created_at DESC, id",
                    api_token_sql::COLUMNS
                ))
                .bind(organisation.0)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(api_token_sql::from_row)
                .collect()
            }

            async fn revoke_api_token(
                &self,
                id: corridor_core::ApiTokenId,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<bool> {
                let mut tx = self.pool.begin().await?;
                let written: $crate::Result<_> = async {
                    let revoked = sqlx::query(
                        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                    )
                    .bind(at)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if revoked == 0 {
                        let exists = sqlx::query("SELECT 1 FROM api_tokens WHERE id = $1")
                            .bind(id.0)
                            .fetch_optional(&mut *tx)
                            .await?;
                        if exists.is_none() {
                            return Err($crate::StoreError::ApiTokenNotFound(id));
                        }
                    }
                    Ok(revoked == 1)
                }
                .await;
                $crate::shared::finish(tx, written).await
            }

            async fn touch_api_token(
                &self,
                id: corridor_core::ApiTokenId,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<bool> {
                Ok(
                    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                        .bind(at)
                        .bind(id.0)
                        .execute(&self.pool)
                        .await?
                        .rows_affected()
                        == 1,
                )
            }
        }
    };
}

pub(crate) use impl_api_token_store;
