//! Logging in: a password, then a second factor, with throttling.
//!
//! ```text
//! begin_login(username, password) ──► NeedsTotp { pending }        ──► finish_login(pending, code)
//!                                 └─► NeedsEnrolment { pending,     ──► confirm_enrolment(pending, code)
//!                                       secret, URI, QR code }            └─► session + recovery codes
//! ```
//!
//! TOTP is mandatory: no path gives a session without a second factor. The pending login is a
//! bearer token of its own (stored as a digest, valid for minutes, used once).
//!
//! Throttling counts failures per account name (as typed, whether or not the account exists,
//! so a refusal reveals nothing) and per client address (IPv6 by /64). Each attempt first
//! records itself as a failure and only then counts, so a burst of parallel requests cannot
//! slip past the limit; the record is withdrawn or turned into a success afterwards. Throttling
//! keys are keyed digests under the root key: what a user typed as their name (perhaps their
//! password, by mistake) and staff addresses are never stored readable.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use corridor_core::{Actor, AuditAction, AuditEvent, AuditOutcome};
use corridor_core::{User, Username};
use corridor_crypto::{
    RecoveryCodeHash, SecretToken, TokenDigest, TokenPurpose, TotpSecret, Zeroizing, totp_qr_svg,
    verify_password, waste_password_work,
};
use corridor_store::{LoginAttempt, PendingLoginRow, SessionRow, TotpEnrolment, UserRecord};
use uuid::Uuid;

use crate::accounts::{Principal, RecoveryCodes};
use crate::sealing::{open_totp_secret, seal_totp_secret};
use crate::{AppError, Corridor, Result};

/// The longest account name hashed into a throttling key; longer input cannot be a username.
const MAX_TYPED_USERNAME_BYTES: usize = 256;

/// What a correct password leads to.
#[derive(Debug)]
pub enum LoginStep {
    /// Ask for the authenticator code (or a recovery code), then call
    /// [`Corridor::finish_login`].
    NeedsTotp { pending: PendingLogin },
    /// First login: show the enrolment data, ask for the first code, then call
    /// [`Corridor::confirm_enrolment`].
    NeedsEnrolment {
        pending: PendingLogin,
        enrolment: Enrolment,
    },
}

/// A login waiting for its second factor: a bearer token, valid until `expires_at`, used once.
pub struct PendingLogin {
    token: SecretToken,
    pub expires_at: DateTime<Utc>,
}

impl PendingLogin {
    /// The token to hand back with the code (a hidden form field).
    pub fn token(&self) -> &str {
        self.token.expose()
    }
}

impl std::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What a user needs to set up an authenticator app. All of it contains the secret: show it
/// once, over TLS, with `Cache-Control: no-store`.
pub struct Enrolment {
    secret: Zeroizing<String>,
    uri: Zeroizing<String>,
    qr_svg: Zeroizing<String>,
}

impl Enrolment {
    /// The secret in base32, for typing into an app by hand.
    pub fn secret_base32(&self) -> &str {
        &self.secret
    }

    /// The `otpauth://totp/Corridor:{username}?secret=…&issuer=Corridor` URI.
    pub fn otpauth_uri(&self) -> &str {
        &self.uri
    }

    /// The URI as an inline SVG QR code.
    pub fn qr_svg(&self) -> &str {
        &self.qr_svg
    }
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment(<redacted>)")
    }
}

/// A signed-in session. `token` goes into the session cookie (HttpOnly, SameSite=Strict,
/// Secure behind TLS) and nowhere else; the store keeps only its digest.
pub struct Session {
    token: SecretToken,
    pub user: User,
    /// The absolute end of the session; it also ends after the idle time-out.
    pub expires_at: DateTime<Utc>,
}

impl Session {
    /// The session token, for the cookie.
    pub fn token(&self) -> &str {
        self.token.expose()
    }

    pub fn principal(&self) -> Principal {
        Principal::of(&self.user)
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("token", &"<redacted>")
            .field("user", &self.user.id)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A completed enrolment: the session, and the recovery codes to show once.
#[derive(Debug)]
pub struct Enrolled {
    pub session: Session,
    pub recovery_codes: RecoveryCodes,
}

/// This attempt's records, counted as failures until resolved.
struct Reservation {
    attempts: Vec<(Uuid, KeyKind)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Account,
    Address,
}

impl Corridor {
    /// Checks the password; the second factor comes next. A refusal is audited (without the
    /// typed username, which may be anything, even a password typed in the wrong field).
    pub async fn begin_login(
        &self,
        username: &str,
        password: &str,
        address: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<LoginStep> {
        let result = self
            .begin_login_unaudited(username, password, address, now)
            .await;
        if let Err(error) = &result {
            // The address is kept out of the log, as out of the throttling counters: staff
            // addresses are personal data, and the counters already act on repeat offenders.
            self.audit_login_failure(error, now).await?;
        }
        result
    }

    /// Takes the TOTP or recovery code and opens a session; both outcomes are audited.
    pub async fn finish_login(
        &self,
        pending: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        let result = self.finish_login_unaudited(pending, code, now).await;
        match &result {
            Ok(session) => {
                self.audit_login_success(session, AuditAction::LoginSucceeded, now)
                    .await?
            }
            Err(error) => self.audit_login_failure(error, now).await?,
        }
        result
    }

    /// Confirms TOTP enrolment with the first code; audited as an enrolment and a sign-in.
    pub async fn confirm_enrolment(
        &self,
        pending: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Enrolled> {
        let result = self.confirm_enrolment_unaudited(pending, code, now).await;
        match &result {
            Ok(enrolled) => {
                self.audit_login_success(&enrolled.session, AuditAction::TotpEnrolled, now)
                    .await?;
                self.audit_login_success(&enrolled.session, AuditAction::LoginSucceeded, now)
                    .await?;
            }
            Err(error) => self.audit_login_failure(error, now).await?,
        }
        result
    }

    async fn audit_login_success(
        &self,
        session: &Session,
        action: AuditAction,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let who = session.principal();
        let event = AuditEvent::new(now, Actor::User(who.user), action, AuditOutcome::Allowed)
            .with_organisation(who.organisation)
            .with_subject(who.user.to_string());
        self.audit(event).await.map(|_| ())
    }

    async fn audit_login_failure(&self, error: &AppError, now: DateTime<Utc>) -> Result<()> {
        let outcome = match error {
            AppError::Throttled => AuditOutcome::Denied,
            _ => AuditOutcome::Failed,
        };
        let event = AuditEvent::new(now, Actor::Anonymous, AuditAction::LoginFailed, outcome);
        self.audit(event).await.map(|_| ())
    }

    /// Checks a username and password. Unknown username, wrong password and disabled account
    /// all give [`AppError::LoginRefused`], after the same Argon2id work; past the throttling
    /// limits every attempt gives [`AppError::Throttled`] without checking anything.
    async fn begin_login_unaudited(
        &self,
        username: &str,
        password: &str,
        address: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<LoginStep> {
        self.prune_accounts(now).await?;
        let reservation = self
            .reserve(
                &[
                    (self.account_key(username), KeyKind::Account),
                    (self.address_key(Some(address)), KeyKind::Address),
                ],
                now,
            )
            .await?;

        let record = match Username::new(username) {
            Ok(name) => self.store.user_by_username(&name).await?,
            Err(_) => None,
        };
        let password_ok = self.check_password(record.as_ref(), password).await;
        let record = match record {
            Some(record) if password_ok && !record.user.disabled => record,
            _ => {
                tracing::info!("login refused");
                return Err(AppError::LoginRefused);
            }
        };
        // A right password is neither a failure nor yet a success: the second factor decides.
        self.withdraw(&reservation).await?;

        let user = &record.user;
        let token = SecretToken::generate(TokenPurpose::PendingLogin);
        let expires_at = now + self.accounts.session.login_timeout;
        let enrolment = if user.totp_enrolled {
            None
        } else {
            let secret = TotpSecret::generate();
            let sealed = seal_totp_secret(&self.root, user.id, &secret);
            self.store.begin_totp_enrolment(user.id, &sealed).await?;
            let uri = secret.otpauth_uri(user.username.as_str());
            let qr_svg = Zeroizing::new(totp_qr_svg(&uri)?);
            Some(Enrolment {
                secret: secret.to_base32(),
                uri,
                qr_svg,
            })
        };
        self.store
            .create_pending_login(&PendingLoginRow {
                digest: token.digest(),
                user: user.id,
                created_at: now,
                expires_at,
                address: Some(address.to_string()),
            })
            .await?;
        let pending = PendingLogin { token, expires_at };
        tracing::info!(user = %user.id, enrolling = enrolment.is_some(), "password accepted");
        Ok(match enrolment {
            None => LoginStep::NeedsTotp { pending },
            Some(enrolment) => LoginStep::NeedsEnrolment { pending, enrolment },
        })
    }

    /// Completes a login with an authenticator code or an unused recovery code. A code is
    /// accepted once: a replayed TOTP code, even within its 30 seconds, is refused.
    async fn finish_login_unaudited(
        &self,
        pending: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        let (digest, row, record) = self.open_pending(pending, now).await?;
        let user = &record.user;
        if !user.totp_enrolled {
            return Err(AppError::EnrolmentRequired);
        }
        let reservation = self.reserve_for(user, &row, now).await?;

        let accepted = if let Some(hash) = RecoveryCodeHash::of_presented(code) {
            let used = self.store.use_recovery_code(user.id, &hash, now).await?;
            if used {
                let left = self.store.unused_recovery_codes(user.id).await?;
                tracing::warn!(user = %user.id, left, "recovery code used");
            }
            used
        } else {
            let sealed = record
                .totp_secret
                .as_ref()
                .ok_or(AppError::CredentialUnreadable(user.id))?;
            let secret = open_totp_secret(&self.root, user.id, sealed)?;
            match secret.verify(code, now.timestamp(), record.totp_last_step) {
                Some(step) => self.store.advance_totp_step(user.id, step).await?,
                None => false,
            }
        };
        if !accepted {
            tracing::info!(user = %user.id, "second factor refused");
            return Err(AppError::CodeRefused);
        }

        let (session, session_row) = self.new_session(record.user, &row, now);
        self.store
            .complete_pending_login(&digest, &session_row)
            .await?;
        self.succeed(&reservation).await?;
        tracing::info!(user = %session.user.id, "login completed");
        Ok(session)
    }

    /// Completes a first login: checks the first code from the newly set-up authenticator,
    /// marks TOTP enrolled, and returns the session with ten recovery codes, shown only now.
    async fn confirm_enrolment_unaudited(
        &self,
        pending: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Enrolled> {
        let (digest, row, record) = self.open_pending(pending, now).await?;
        let user = &record.user;
        if user.totp_enrolled {
            return Err(AppError::AlreadyEnrolled);
        }
        let sealed = record.totp_secret.as_ref().ok_or(AppError::LoginExpired)?;
        let reservation = self.reserve_for(user, &row, now).await?;
        let secret = open_totp_secret(&self.root, user.id, sealed)?;
        let Some(step) = secret.verify(code, now.timestamp(), None) else {
            tracing::info!(user = %user.id, "enrolment code refused");
            return Err(AppError::CodeRefused);
        };

        let recovery_codes = RecoveryCodes::generate();
        let hashes: Vec<_> = recovery_codes.0.iter().map(|c| c.hash()).collect();
        let sealed = sealed.clone();
        let (session, session_row) = self.new_session(record.user, &row, now);
        self.store
            .complete_totp_enrolment(&TotpEnrolment {
                pending: &digest,
                secret: &sealed,
                step,
                recovery_codes: &hashes,
                session: &session_row,
            })
            .await
            .map_err(|e| match e {
                // The secret changed (a newer login began enrolment) or enrolment completed
                // meanwhile: this pending login is stale.
                corridor_store::StoreError::TotpConflict(_) => AppError::LoginExpired,
                other => AppError::from(other),
            })?;
        self.succeed(&reservation).await?;
        tracing::info!(user = %session.user.id, "authenticator enrolled; login completed");
        Ok(Enrolled {
            session,
            recovery_codes,
        })
    }

    /// Abandons a pending login (the user pressed "cancel").
    pub async fn cancel_login(&self, pending: &str) -> Result<()> {
        if let Some(digest) = TokenDigest::of_presented(TokenPurpose::PendingLogin, pending) {
            self.store.delete_pending_login(&digest).await?;
        }
        Ok(())
    }

    /// Replaces the signed-in user's recovery codes, after checking a fresh authenticator
    /// code (so a stolen session alone cannot mint a lasting second factor).
    pub async fn regenerate_recovery_codes(
        &self,
        principal: &Principal,
        totp_code: &str,
        now: DateTime<Utc>,
    ) -> Result<RecoveryCodes> {
        let record = self
            .store
            .user(principal.user)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let user = &record.user;
        if user.disabled || !user.totp_enrolled {
            return Err(AppError::Unauthenticated);
        }
        let reservation = self
            .reserve(
                &[(self.account_key(user.username.as_str()), KeyKind::Account)],
                now,
            )
            .await?;
        let sealed = record
            .totp_secret
            .as_ref()
            .ok_or(AppError::CredentialUnreadable(user.id))?;
        let secret = open_totp_secret(&self.root, user.id, sealed)?;
        let accepted = match secret.verify(totp_code, now.timestamp(), record.totp_last_step) {
            Some(step) => self.store.advance_totp_step(user.id, step).await?,
            None => false,
        };
        if !accepted {
            return Err(AppError::CodeRefused);
        }
        let codes = RecoveryCodes::generate();
        let hashes: Vec<_> = codes.0.iter().map(|c| c.hash()).collect();
        self.store.replace_recovery_codes(user.id, &hashes).await?;
        self.withdraw(&reservation).await?;
        tracing::info!(user = %user.id, "recovery codes replaced");
        Ok(codes)
    }

    /// The pending login behind `pending`, if it is live, with its user.
    async fn open_pending(
        &self,
        pending: &str,
        now: DateTime<Utc>,
    ) -> Result<(TokenDigest, PendingLoginRow, UserRecord)> {
        let digest = TokenDigest::of_presented(TokenPurpose::PendingLogin, pending)
            .ok_or(AppError::LoginExpired)?;
        let row = self
            .store
            .pending_login(&digest)
            .await?
            .ok_or(AppError::LoginExpired)?;
        if now >= row.expires_at {
            self.store.delete_pending_login(&digest).await?;
            return Err(AppError::LoginExpired);
        }
        let Some(record) = self.store.user(row.user).await? else {
            return Err(AppError::LoginExpired);
        };
        if record.user.disabled {
            self.store.delete_pending_login(&digest).await?;
            return Err(AppError::LoginRefused);
        }
        Ok((digest, row, record))
    }

    /// Verifies the password against the account's hash, or does the same work for nothing
    /// when there is no account, so both take as long. Off the async executor.
    async fn check_password(&self, record: Option<&UserRecord>, password: &str) -> bool {
        if password.chars().count() > self.accounts.password_policy.max_chars {
            return false;
        }
        let password = Zeroizing::new(password.to_owned());
        let params = self.accounts.password_params;
        let user = record.map(|r| r.user.id);
        let hash = record.map(|r| r.password_hash.clone());
        let outcome = tokio::task::spawn_blocking(move || match hash {
            Some(hash) => verify_password(&password, &hash),
            None => {
                waste_password_work(&password, params);
                Ok(false)
            }
        })
        .await;
        match outcome {
            Ok(Ok(matched)) => matched,
            Ok(Err(error)) => {
                tracing::error!(user = ?user, %error, "stored password hash unusable");
                false
            }
            Err(_) => {
                tracing::error!("password check task failed");
                false
            }
        }
    }

    fn new_session(
        &self,
        user: User,
        pending: &PendingLoginRow,
        now: DateTime<Utc>,
    ) -> (Session, SessionRow) {
        let token = SecretToken::generate(TokenPurpose::Session);
        let expires_at = now + self.accounts.session.absolute_timeout;
        let row = SessionRow {
            digest: token.digest(),
            user: user.id,
            created_at: now,
            last_seen_at: now,
            expires_at,
            address: pending.address.clone(),
        };
        (
            Session {
                token,
                user,
                expires_at,
            },
            row,
        )
    }

    /// The throttling key of an account name as typed: a keyed digest of its normalised form
    /// (trimmed, ASCII-lowercased), whether or not such an account exists.
    fn account_key(&self, typed: &str) -> String {
        let mut normalised = typed.trim().to_ascii_lowercase();
        if normalised.len() > MAX_TYPED_USERNAME_BYTES {
            let mut end = MAX_TYPED_USERNAME_BYTES;
            while !normalised.is_char_boundary(end) {
                end -= 1;
            }
            normalised.truncate(end);
        }
        let normalised = Zeroizing::new(normalised);
        format!(
            "user:{}",
            hex(&self
                .root
                .keyed_digest("login-throttle/account", normalised.as_bytes()))
        )
    }

    /// The throttling key of a client address: IPv4 as is, IPv6 by its /64 prefix (one
    /// subscriber usually holds a whole /64), IPv4-mapped IPv6 as IPv4.
    fn address_key(&self, address: Option<IpAddr>) -> String {
        let bytes: Vec<u8> = match address {
            None => b"unknown".to_vec(),
            Some(IpAddr::V4(v4)) => v4.octets().to_vec(),
            Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.octets().to_vec(),
                None => v6.octets()[..8].to_vec(),
            },
        };
        format!(
            "addr:{}",
            hex(&self.root.keyed_digest("login-throttle/address", &bytes))
        )
    }

    /// Throttling for a second-factor attempt: the account and the address the login began
    /// from.
    async fn reserve_for(
        &self,
        user: &User,
        pending: &PendingLoginRow,
        now: DateTime<Utc>,
    ) -> Result<Reservation> {
        let address = pending.address.as_deref().and_then(|a| a.parse().ok());
        self.reserve(
            &[
                (self.account_key(user.username.as_str()), KeyKind::Account),
                (self.address_key(address), KeyKind::Address),
            ],
            now,
        )
        .await
    }

    /// Records this attempt as a failure under every key, then counts. Over a limit, the
    /// records are withdrawn (a refused attempt does not extend the lock-out) and the attempt
    /// is refused.
    async fn reserve(&self, keys: &[(String, KeyKind)], now: DateTime<Utc>) -> Result<Reservation> {
        let policy = self.accounts.throttle;
        let mut reservation = Reservation {
            attempts: Vec::with_capacity(keys.len()),
        };
        for (key, kind) in keys {
            let attempt = LoginAttempt {
                id: Uuid::new_v4(),
                key: key.clone(),
                at: now,
                succeeded: false,
            };
            self.store.record_login_attempt(&attempt).await?;
            reservation.attempts.push((attempt.id, *kind));
        }
        let since = now - policy.window;
        for (key, kind) in keys {
            let limit = match kind {
                KeyKind::Account => policy.max_account_failures,
                KeyKind::Address => policy.max_address_failures,
            };
            if self.store.count_login_failures(key, since).await? > limit {
                self.withdraw(&reservation).await?;
                let kind = match kind {
                    KeyKind::Account => "account",
                    KeyKind::Address => "address",
                };
                tracing::warn!(key = kind, "login throttled");
                return Err(AppError::Throttled);
            }
        }
        Ok(reservation)
    }

    async fn withdraw(&self, reservation: &Reservation) -> Result<()> {
        for (id, _) in &reservation.attempts {
            self.store.delete_login_attempt(*id).await?;
        }
        Ok(())
    }

    /// A completed login: the account's count starts again; the address's does not (its
    /// record is withdrawn instead), so one good account cannot reset an address's count.
    async fn succeed(&self, reservation: &Reservation) -> Result<()> {
        for (id, kind) in &reservation.attempts {
            match kind {
                KeyKind::Account => self.store.mark_login_attempt_succeeded(*id).await?,
                KeyKind::Address => self.store.delete_login_attempt(*id).await?,
            }
        }
        Ok(())
    }

    /// Deletes login attempts older than the throttling window, and sessions and pending
    /// logins past their time. Run on every login; the server may also run it periodically.
    pub async fn prune_accounts(&self, now: DateTime<Utc>) -> Result<()> {
        self.store
            .prune_login_attempts(now - self.accounts.throttle.window)
            .await?;
        self.store
            .prune_sessions(now, now - self.accounts.session.idle_timeout)
            .await?;
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
