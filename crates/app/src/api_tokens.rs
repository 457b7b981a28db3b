//! API tokens: issued for a user by an administrator of the user's organisation (or by the
//! operator at the command line), listed without secrets, revoked, and turned back into a
//! [`Principal`] on every API request.
//!
//! A token's principal is its user, read afresh on every request (so a disabled user's tokens
//! stop at once, and a role change applies at the next request), limited to the token's
//! scopes: [`Principal::may`] is the one check, and every `*_for` use case goes through it.
//! Every issue, list and revocation is audited, and so is every refused token, without its
//! text.

use std::collections::HashMap;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use corridor_core::{
    Actor, ApiScopes, ApiTokenId, AuditAction, AuditEvent, AuditOutcome, OrgId, Permission,
    TokenLabel, TokenLifetime, TokenStatus, User, UserId, Username,
};
use corridor_crypto::{SecretToken, TokenDigest, TokenPurpose};
use corridor_store::ApiTokenRow;

use crate::accounts::{Principal, TokenGrant};
use crate::{AppError, Corridor, Result};

/// On whose authority tokens are issued, listed and revoked.
#[derive(Clone, Copy, Debug)]
pub enum TokenAuthority<'a> {
    /// An administrator (needs `api_token_manage`), for the users of their own organisation.
    Admin(&'a Principal),
    /// The holder of the passphrase at the command line, for any user.
    Operator,
}

impl TokenAuthority<'_> {
    fn actor(&self) -> Actor {
        match self {
            TokenAuthority::Admin(who) => who.actor(),
            TokenAuthority::Operator => Actor::Operator,
        }
    }

    /// The audit event of `action`, done: in `organisation`, about `token`.
    fn did(
        &self,
        action: AuditAction,
        now: DateTime<Utc>,
        organisation: Option<OrgId>,
        token: Option<ApiTokenId>,
    ) -> AuditEvent {
        let mut event = AuditEvent::new(now, self.actor(), action, AuditOutcome::Allowed);
        if let Some(organisation) = organisation {
            event = event.with_organisation(organisation);
        }
        if let Some(token) = token {
            event = event.with_subject(token.to_string());
        }
        event
    }

    /// Whether this authority reaches the users of `organisation`.
    fn reaches(&self, organisation: OrgId) -> bool {
        match self {
            TokenAuthority::Admin(who) => who.organisation == organisation,
            TokenAuthority::Operator => true,
        }
    }
}

/// What a new token is to be.
#[derive(Clone, Debug)]
pub struct ApiTokenRequest {
    /// The user the token acts as.
    pub username: Username,
    pub label: TokenLabel,
    pub scopes: ApiScopes,
    pub lifetime: TokenLifetime,
}

/// A token as listed: everything but its secret (and its digest).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user: UserId,
    pub username: Username,
    pub organisation: OrgId,
    pub label: TokenLabel,
    pub scopes: ApiScopes,
    pub status: TokenStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    fn of(row: ApiTokenRow, user: &User, now: DateTime<Utc>) -> ApiToken {
        ApiToken {
            id: row.id,
            user: row.user,
            username: user.username.clone(),
            organisation: user.organisation,
            status: TokenStatus::at(row.revoked_at, row.expires_at, now),
            label: row.label,
            scopes: row.scopes,
            created_at: row.created_at,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// A token just issued: its description, and its secret, to be shown once.
pub struct NewApiToken {
    pub token: ApiToken,
    secret: SecretToken,
}

impl NewApiToken {
    /// The token as its holder presents it (`Authorization: Bearer …`). Shown once; never
    /// stored, logged or audited.
    pub fn expose_secret(&self) -> &str {
        self.secret.expose()
    }
}

impl std::fmt::Debug for NewApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiToken")
            .field("token", &self.token)
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl Corridor {
    /// Issues a token for a user that `authority` reaches. Refused if the user is unknown or
    /// of another organisation (indistinguishably: [`AppError::NoSuchUser`]), disabled, or if
    /// a scope would give the user's role nothing. The secret is returned once.
    pub async fn create_api_token(
        &self,
        authority: TokenAuthority<'_>,
        request: ApiTokenRequest,
        now: DateTime<Utc>,
    ) -> Result<NewApiToken> {
        self.may_manage_tokens(authority, AuditAction::ApiTokenCreated)
            .await?;
        let user = match self.store.user_by_username(&request.username).await? {
            Some(record) if authority.reaches(record.user.organisation) => record.user,
            _ => return Err(AppError::NoSuchUser),
        };
        if user.disabled {
            return Err(AppError::Refused("that account is disabled"));
        }
        if let Some(scope) = request.scopes.useless_for(user.role).first() {
            return Err(AppError::UselessScope(*scope));
        }
        let secret = SecretToken::generate(TokenPurpose::Api);
        let row = ApiTokenRow {
            id: ApiTokenId::random(),
            user: user.id,
            label: request.label,
            scopes: request.scopes,
            digest: secret.digest(),
            created_at: now,
            expires_at: now + request.lifetime.as_duration(),
            revoked_at: None,
            last_used_at: None,
        };
        self.store.create_api_token(&row).await?;
        let event = authority.did(
            AuditAction::ApiTokenCreated,
            now,
            Some(user.organisation),
            Some(row.id),
        );
        self.audit(event).await?;
        tracing::info!(token = %row.id, user = %user.id, scopes = %row.scopes, "API token issued");
        Ok(NewApiToken {
            token: ApiToken::of(row, &user, now),
            secret,
        })
    }

    /// The tokens `authority` reaches (an administrator's organisation; every organisation for
    /// the operator), newest first, without secrets.
    pub async fn api_tokens(
        &self,
        authority: TokenAuthority<'_>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ApiToken>> {
        self.may_manage_tokens(authority, AuditAction::ApiTokensListed)
            .await?;
        let organisations: Vec<OrgId> = match authority {
            TokenAuthority::Admin(who) => vec![who.organisation],
            TokenAuthority::Operator => self
                .store
                .organisations()
                .await?
                .iter()
                .map(|o| o.id)
                .collect(),
        };
        let mut tokens = Vec::new();
        for organisation in organisations {
            let users: HashMap<UserId, User> = self
                .store
                .users(organisation)
                .await?
                .into_iter()
                .map(|u| (u.id, u))
                .collect();
            for row in self.store.api_tokens_of_organisation(organisation).await? {
                let user = users
                    .get(&row.user)
                    .ok_or(AppError::Internal("a token's user is missing"))?;
                tokens.push(ApiToken::of(row, user, now));
            }
        }
        let organisation = match authority {
            TokenAuthority::Admin(who) => Some(who.organisation),
            TokenAuthority::Operator => None,
        };
        self.audit(authority.did(AuditAction::ApiTokensListed, now, organisation, None))
            .await?;
        Ok(tokens)
    }

    /// Revokes a token that `authority` reaches; a token of another organisation is "not
    /// found". `Ok(false)` if it was already revoked.
    pub async fn revoke_api_token(
        &self,
        authority: TokenAuthority<'_>,
        id: ApiTokenId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        self.may_manage_tokens(authority, AuditAction::ApiTokenRevoked)
            .await?;
        let row = self
            .store
            .api_token(id)
            .await?
            .ok_or(AppError::ApiTokenNotFound(id))?;
        let user = self
            .store
            .user(row.user)
            .await?
            .ok_or(AppError::ApiTokenNotFound(id))?
            .user;
        if !authority.reaches(user.organisation) {
            if let TokenAuthority::Admin(who) = authority {
                let denied = crate::visibility::event(
                    who,
                    AuditAction::ApiTokenRevoked,
                    AuditOutcome::Denied,
                )
                .with_subject(id.to_string());
                self.audit(denied).await?;
            }
            return Err(AppError::ApiTokenNotFound(id));
        }
        let revoked = self.store.revoke_api_token(id, now).await?;
        let event = authority.did(
            AuditAction::ApiTokenRevoked,
            now,
            Some(user.organisation),
            Some(id),
        );
        self.audit(event).await?;
        tracing::info!(token = %id, revoked, "API token revoked");
        Ok(revoked)
    }

    /// The principal behind an API token presented as `Authorization: Bearer <token>`: its
    /// user, limited to its scopes. Refused with [`AppError::Unauthenticated`], whatever the
    /// reason (no token, malformed, unknown, revoked, expired, user disabled or gone), and the
    /// refusal is audited with the token's id when it is known, never its text.
    pub async fn authenticate_api_token(
        &self,
        presented: Option<&str>,
        now: DateTime<Utc>,
        address: Option<IpAddr>,
    ) -> Result<Principal> {
        let refused = Refusal { now, address };
        let Some(presented) = presented else {
            return self.refuse_token(refused, None, None, "no token").await;
        };
        let Some(digest) = TokenDigest::of_presented(TokenPurpose::Api, presented) else {
            return self.refuse_token(refused, None, None, "malformed").await;
        };
        let Some(row) = self.store.api_token_by_digest(&digest).await? else {
            return self.refuse_token(refused, None, None, "unknown").await;
        };
        let user = self.store.user(row.user).await?.map(|record| record.user);
        let user = match (TokenStatus::at(row.revoked_at, row.expires_at, now), user) {
            (TokenStatus::Active, Some(user)) if !user.disabled => user,
            (status, user) => {
                let reason = match (status, &user) {
                    (TokenStatus::Revoked, _) => "revoked",
                    (TokenStatus::Expired, _) => "expired",
                    (TokenStatus::Active, Some(_)) => "user disabled",
                    (TokenStatus::Active, None) => "user gone",
                };
                return self
                    .refuse_token(refused, Some(&row), user.as_ref(), reason)
                    .await;
            }
        };
        let touch_interval = self.accounts.session.touch_interval;
        if row
            .last_used_at
            .is_none_or(|last| now - last >= touch_interval)
        {
            self.store.touch_api_token(row.id, now).await?;
        }
        Ok(Principal {
            token: Some(TokenGrant {
                id: row.id,
                scopes: row.scopes,
            }),
            ..Principal::of(&user)
        })
    }

    /// Audits a refused token and returns [`AppError::Unauthenticated`].
    async fn refuse_token<T>(
        &self,
        refusal: Refusal,
        row: Option<&ApiTokenRow>,
        user: Option<&User>,
        reason: &'static str,
    ) -> Result<T> {
        let actor = row.map_or(Actor::Anonymous, |row| Actor::ApiToken(row.id.to_string()));
        let mut event = AuditEvent::new(
            refusal.now,
            actor,
            AuditAction::ApiTokenRefused,
            AuditOutcome::Failed,
        );
        if let Some(user) = user {
            event = event
                .with_organisation(user.organisation)
                .with_subject(user.id.to_string());
        }
        if let Some(address) = refusal.address {
            event = event.with_address(address);
        }
        self.audit(event).await?;
        match row {
            Some(row) => tracing::info!(token = %row.id, reason, "API token refused"),
            None => tracing::info!(reason, "API token refused"),
        }
        Err(AppError::Unauthenticated)
    }

    /// `Ok` if `authority` may manage tokens; an administrator without the permission is
    /// refused, and the refusal audited as `action` denied.
    async fn may_manage_tokens(
        &self,
        authority: TokenAuthority<'_>,
        action: AuditAction,
    ) -> Result<()> {
        match authority {
            TokenAuthority::Operator => Ok(()),
            TokenAuthority::Admin(who) => match who.require(Permission::ApiTokenManage) {
                Ok(()) => Ok(()),
                Err(error) => self.refused(who, action, None, error).await,
            },
        }
    }
}

/// When and from where a refused token came.
#[derive(Clone, Copy)]
struct Refusal {
    now: DateTime<Utc>,
    address: Option<IpAddr>,
}
