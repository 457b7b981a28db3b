//! Sessions: from a token to a [`Principal`], with idle and absolute time-outs; logout, and
//! logout everywhere.

use chrono::{DateTime, Utc};
use corridor_core::UserId;
use corridor_crypto::{TokenDigest, TokenPurpose};

use crate::accounts::Principal;
use crate::{AppError, Corridor, Result};

impl Corridor {
    /// The principal behind a session token. Refused with [`AppError::Unauthenticated`] if
    /// the token is unknown or malformed, the session is past its absolute end or idle for too
    /// long (it is deleted then), or the user is disabled or gone. The role and organisation
    /// are read afresh on every call, so a change applies at the next request.
    pub async fn authenticate(&self, token: &str, now: DateTime<Utc>) -> Result<Principal> {
        let digest = TokenDigest::of_presented(TokenPurpose::Session, token)
            .ok_or(AppError::Unauthenticated)?;
        let session = self
            .store
            .session(&digest)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let policy = self.accounts.session;
        if now >= session.expires_at || now - session.last_seen_at >= policy.idle_timeout {
            self.store.delete_session(&digest).await?;
            tracing::info!(user = %session.user, "session expired");
            return Err(AppError::Unauthenticated);
        }
        let user = match self.store.user(session.user).await? {
            Some(record) if !record.user.disabled && record.user.totp_enrolled => record.user,
            _ => {
                self.store.delete_session(&digest).await?;
                return Err(AppError::Unauthenticated);
            }
        };
        if now - session.last_seen_at >= policy.touch_interval {
            self.store.touch_session(&digest, now).await?;
        }
        Ok(Principal::of(&user))
    }

    /// Ends one session. An unknown token is not an error: the result is the same.
    /// Ends `who`'s session `token`, audited.
    pub async fn sign_out(&self, who: &crate::Principal, token: &str) -> Result<()> {
        self.logout(token).await?;
        let event = crate::visibility::event(
            who,
            corridor_core::AuditAction::Logout,
            corridor_core::AuditOutcome::Allowed,
        );
        self.audit(event).await.map(|_| ())
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        if let Some(digest) = TokenDigest::of_presented(TokenPurpose::Session, token)
            && self.store.delete_session(&digest).await?
        {
            tracing::info!("session ended");
        }
        Ok(())
    }

    /// Ends every session and pending login of `user`; returns how many sessions ended.
    pub async fn logout_everywhere(&self, user: UserId) -> Result<u64> {
        let ended = self.store.delete_user_sessions(user).await?;
        let event = corridor_core::AuditEvent::new(
            Utc::now(),
            corridor_core::Actor::User(user),
            corridor_core::AuditAction::LogoutEverywhere,
            corridor_core::AuditOutcome::Allowed,
        );
        self.audit(event).await?;
        tracing::info!(user = %user, ended, "logged out everywhere");
        Ok(ended)
    }
}
