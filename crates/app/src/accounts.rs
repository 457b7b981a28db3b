//! Accounts: the policies, the principal a request acts as, and the admin use cases (first
//! admin, organisations, users, disabling, TOTP reset). Logging in is in `login.rs`, sessions
//! in `sessions.rs`.
//!
//! Authorisation is default deny: every use case here names the [`Permission`] it needs and
//! checks it against the one table in `corridor_core::access`.

use chrono::{DateTime, Duration, Utc};
use corridor_core::{
    Actor, ApiScopes, ApiTokenId, AuditAction, AuditOutcome, OrgId, OrgName, Organisation,
    Permission, Role, User, UserId, Username,
};
use corridor_crypto::{
    PasswordHash, PasswordParams, PasswordPolicy, RecoveryCode, Zeroizing, generate_recovery_codes,
    hash_password,
};
use corridor_store::UserRecord;

use crate::visibility::event;
use crate::{AppError, Corridor, Result};

/// How long sessions and pending logins live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused this long ends (default 30 minutes).
    pub idle_timeout: Duration,
    /// A session ends this long after login, however active (default 12 hours).
    pub absolute_timeout: Duration,
    /// Time allowed between a correct password and the second factor (default 5 minutes).
    pub login_timeout: Duration,
    /// A session's last-seen time is written at most this often (default 1 minute), so that
    /// every request is not a write. The idle time-out is exact to within this interval.
    pub touch_interval: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            login_timeout: Duration::minutes(5),
            touch_interval: Duration::minutes(1),
        }
    }
}

/// Login throttling: failures within `window` are counted per account name and per client
/// address; past the limit, attempts for that key are refused until failures leave the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Default 15 minutes.
    pub window: Duration,
    /// Failures allowed per account name within the window (default 5). A successful login
    /// resets the count.
    pub max_account_failures: u64,
    /// Failures allowed per address within the window (default 20). Successes do not reset
    /// it, so one valid account cannot launder guesses against others.
    pub max_address_failures: u64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            window: Duration::minutes(15),
            max_account_failures: 5,
            max_address_failures: 20,
        }
    }
}

/// Everything accounts are configured by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountPolicy {
    /// Argon2id parameters for new password hashes (stored hashes keep their own).
    pub password_params: PasswordParams,
    pub password_policy: PasswordPolicy,
    pub session: SessionPolicy,
    pub throttle: ThrottlePolicy,
}

impl Default for AccountPolicy {
    fn default() -> Self {
        AccountPolicy {
            password_params: PasswordParams::DEFAULT,
            password_policy: PasswordPolicy::DEFAULT,
            session: SessionPolicy::default(),
            throttle: ThrottlePolicy::default(),
        }
    }
}

impl AccountPolicy {
    /// Checks a new account's username and password without touching the store, so that
    /// `corridor init` can refuse bad input before it creates anything.
    pub fn check_new_credentials(&self, username: &str, password: &str) -> Result<Username> {
        let username = Username::new(username)?;
        self.password_policy.check(password, username.as_str())?;
        Ok(username)
    }
}

/// Who a request acts as: the signed-in user, from a valid session, or the user an API token
/// acts as, limited to the token's scopes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user: UserId,
    pub username: Username,
    pub role: Role,
    pub organisation: OrgId,
    /// Set when the request came with an API token: which one, and the scopes it is limited to.
    pub token: Option<TokenGrant>,
}

/// The API token a principal acts through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenGrant {
    pub id: ApiTokenId,
    pub scopes: ApiScopes,
}

impl Principal {
    /// The principal of a signed-in user (no token, no scope limit).
    pub fn of(user: &User) -> Principal {
        Principal {
            user: user.id,
            username: user.username.clone(),
            role: user.role,
            organisation: user.organisation,
            token: None,
        }
    }

    /// Whether the principal may do `permission` (default deny): the role must allow it and,
    /// through an API token, one of the token's scopes must cover it
    /// ([`corridor_core::permitted`], the one check).
    pub fn may(&self, permission: Permission) -> bool {
        corridor_core::permitted(
            self.role,
            self.token.as_ref().map(|grant| &grant.scopes),
            permission,
        )
    }

    /// `Ok` if the principal may do `permission` (see [`Principal::may`]), otherwise
    /// [`AppError::Forbidden`].
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.may(permission) {
            Ok(())
        } else {
            tracing::info!(user = %self.user, permission = %permission, "refused: not permitted");
            Err(AppError::Forbidden(permission))
        }
    }

    /// Who the audit log names: the API token when there is one (its row names the user),
    /// otherwise the user.
    pub fn actor(&self) -> Actor {
        match &self.token {
            Some(grant) => Actor::ApiToken(grant.id.to_string()),
            None => Actor::User(self.user),
        }
    }
}

/// Recovery codes shown once: after enrolment, or when a user makes new ones.
pub struct RecoveryCodes(pub(crate) Vec<RecoveryCode>);

impl RecoveryCodes {
    /// The codes as shown to their owner (`xxxx-xxxx-xxxx`).
    pub fn expose(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(RecoveryCode::expose)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn generate() -> RecoveryCodes {
        RecoveryCodes(generate_recovery_codes())
    }
}

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecoveryCodes({} codes)", self.0.len())
    }
}

impl Corridor {
    pub fn account_policy(&self) -> &AccountPolicy {
        &self.accounts
    }

    /// Replaces the account policy (time-outs, throttling, password parameters).
    pub fn set_account_policy(&mut self, policy: AccountPolicy) {
        self.accounts = policy;
    }

    /// Creates the first user, an admin of `organisation`, at `corridor init`. Refused with
    /// [`AppError::UsersExist`] once any user exists. The account enrols its authenticator at
    /// its first login.
    pub async fn create_first_admin(
        &self,
        organisation: OrgId,
        username: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<User> {
        let record = self
            .new_user_record(organisation, username, Role::Admin, password, now)
            .await?;
        self.store.create_first_user(&record).await?;
        tracing::info!(user = %record.user.id, organisation = %organisation, "first admin created");
        Ok(record.user)
    }

    /// Creates a user (needs `user_manage`) in the actor's organisation, or in an organisation
    /// that has no users yet (an admin sets up a new partner organisation's first account).
    /// Audited, as is a refusal.
    pub async fn create_user(
        &self,
        actor: &Principal,
        organisation: OrgId,
        username: &str,
        role: Role,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<User> {
        let action = AuditAction::UserCreated;
        if let Err(error) = actor.require(Permission::UserManage) {
            return self.refused(actor, action, None, error).await;
        }
        if !self.may_open_accounts_in(actor, organisation).await? {
            let error = AppError::Refused("that organisation manages its own accounts");
            return self.refused(actor, action, None, error).await;
        }
        let record = self
            .new_user_record(organisation, username, role, password, now)
            .await?;
        self.store.create_user(&record).await?;
        tracing::info!(
            user = %record.user.id,
            by = %actor.user,
            role = %role,
            organisation = %organisation,
            "user created"
        );
        self.audit(
            event(actor, action, AuditOutcome::Allowed).with_subject(record.user.id.to_string()),
        )
        .await?;
        Ok(record.user)
    }

    /// Whether `actor` may create accounts in `organisation`: their own, or one that has no
    /// accounts yet (a new partner's first).
    async fn may_open_accounts_in(&self, actor: &Principal, organisation: OrgId) -> Result<bool> {
        Ok(organisation == actor.organisation || self.store.users(organisation).await?.is_empty())
    }

    /// The organisations `actor` may create accounts in (needs `user_manage`): see
    /// [`Corridor::create_user`].
    pub async fn organisations_for_new_accounts(
        &self,
        actor: &Principal,
    ) -> Result<Vec<Organisation>> {
        actor.require(Permission::UserManage)?;
        let mut open = Vec::new();
        for organisation in self.store.organisations().await? {
            if self.may_open_accounts_in(actor, organisation.id).await? {
                open.push(organisation);
            }
        }
        Ok(open)
    }

    /// Creates a user on the operator's authority (the holder of the passphrase, at the
    /// command line): for setting up a store, or for recovering one whose admins are locked
    /// out. Audited with the operator as actor.
    pub async fn create_user_as_operator(
        &self,
        organisation: OrgId,
        username: &str,
        role: Role,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<User> {
        let record = self
            .new_user_record(organisation, username, role, password, now)
            .await?;
        self.store.create_user(&record).await?;
        let event = corridor_core::AuditEvent::new(
            now,
            corridor_core::Actor::Operator,
            corridor_core::AuditAction::UserCreated,
            corridor_core::AuditOutcome::Allowed,
        )
        .with_organisation(organisation)
        .with_subject(record.user.id.to_string());
        self.audit(event).await?;
        tracing::info!(user = %record.user.id, role = %role, "user created by the operator");
        Ok(record.user)
    }

    async fn new_user_record(
        &self,
        organisation: OrgId,
        username: &str,
        role: Role,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<UserRecord> {
        let username = self.accounts.check_new_credentials(username, password)?;
        if !self
            .store
            .organisations()
            .await?
            .iter()
            .any(|o| o.id == organisation)
        {
            return Err(AppError::OrganisationNotFound(organisation));
        }
        let password_hash = self.hash_password(password).await?;
        Ok(UserRecord {
            user: User {
                id: UserId::random(),
                organisation,
                username,
                role,
                disabled: false,
                totp_enrolled: false,
                created_at: now,
            },
            password_hash,
            totp_secret: None,
            totp_last_step: None,
        })
    }

    /// Hashes off the async executor: Argon2id is deliberately slow.
    pub(crate) async fn hash_password(&self, password: &str) -> Result<PasswordHash> {
        let password = Zeroizing::new(password.to_owned());
        let params = self.accounts.password_params;
        tokio::task::spawn_blocking(move || hash_password(&password, params))
            .await
            .map_err(|_| AppError::Internal("password hashing task failed"))?
            .map_err(AppError::from)
    }

    /// Creates an organisation (needs `organisation_manage`). Audited.
    pub async fn create_organisation(
        &self,
        actor: &Principal,
        name: OrgName,
    ) -> Result<Organisation> {
        let action = AuditAction::OrganisationCreated;
        if let Err(error) = actor.require(Permission::OrganisationManage) {
            return self.refused(actor, action, None, error).await;
        }
        let organisation = Organisation::new(name);
        self.store.insert_organisation(&organisation).await?;
        tracing::info!(organisation = %organisation.id, by = %actor.user, "organisation created");
        self.audit(
            event(actor, action, AuditOutcome::Allowed).with_subject(organisation.id.to_string()),
        )
        .await?;
        Ok(organisation)
    }

    /// The users of the actor's organisation (needs `user_manage`).
    pub async fn users(&self, actor: &Principal) -> Result<Vec<User>> {
        actor.require(Permission::UserManage)?;
        Ok(self.store.users(actor.organisation).await?)
    }

    /// One user (needs `user_manage` in the user's organisation, or to be that user).
    pub async fn user(&self, actor: &Principal, id: UserId) -> Result<User> {
        if actor.user != id {
            actor.require(Permission::UserManage)?;
        }
        let user = self.store.user(id).await?.map(|record| record.user);
        match user {
            Some(user) if user.organisation == actor.organisation => Ok(user),
            _ => Err(AppError::UserNotFound(id)),
        }
    }

    /// Disables or re-enables a user of the actor's organisation (needs `user_manage`).
    /// Disabling ends the user's sessions at once. Nobody can disable their own account, so
    /// the last admin cannot lock everyone out by mistake. Audited.
    pub async fn set_user_disabled(
        &self,
        actor: &Principal,
        id: UserId,
        disabled: bool,
    ) -> Result<()> {
        let action = if disabled {
            AuditAction::UserDisabled
        } else {
            AuditAction::UserEnabled
        };
        self.managed_user(actor, id, action).await?;
        if disabled && actor.user == id {
            return Err(AppError::Refused("you cannot disable your own account"));
        }
        self.store.set_disabled(id, disabled).await?;
        tracing::info!(user = %id, by = %actor.user, disabled, "user access changed");
        self.user_changed(actor, id, action).await
    }

    /// Changes the role of a user of the actor's organisation (needs `user_manage`). It
    /// applies from the user's next request: every request reads the role afresh. Nobody can
    /// change their own role. Audited.
    pub async fn set_user_role(&self, actor: &Principal, id: UserId, role: Role) -> Result<()> {
        let action = AuditAction::UserRoleChanged;
        self.managed_user(actor, id, action).await?;
        if actor.user == id {
            return Err(AppError::Refused("you cannot change your own role"));
        }
        self.store.set_role(id, role).await?;
        tracing::info!(user = %id, by = %actor.user, role = %role, "user role changed");
        self.user_changed(actor, id, action).await
    }

    /// Forgets the authenticator and recovery codes of a user of the actor's organisation,
    /// ending their sessions (needs `user_manage`): for a lost phone. The next login enrols a
    /// new authenticator. Audited.
    pub async fn reset_totp(&self, actor: &Principal, id: UserId) -> Result<()> {
        let action = AuditAction::UserTotpReset;
        self.managed_user(actor, id, action).await?;
        self.store.reset_totp(id).await?;
        tracing::info!(user = %id, by = %actor.user, "authenticator reset");
        self.user_changed(actor, id, action).await
    }

    /// `Ok` if the actor may manage user `id`: the permission, and the user is of the actor's
    /// organisation (a user of another one is not found). Refusals are audited as `action`.
    async fn managed_user(&self, actor: &Principal, id: UserId, action: AuditAction) -> Result<()> {
        if let Err(error) = actor.require(Permission::UserManage) {
            return self.refused(actor, action, None, error).await;
        }
        let ours = self
            .store
            .user(id)
            .await?
            .is_some_and(|record| record.user.organisation == actor.organisation);
        if !ours {
            return self
                .refused(actor, action, None, AppError::UserNotFound(id))
                .await;
        }
        Ok(())
    }

    async fn user_changed(&self, actor: &Principal, id: UserId, action: AuditAction) -> Result<()> {
        self.audit(event(actor, action, AuditOutcome::Allowed).with_subject(id.to_string()))
            .await?;
        Ok(())
    }
}
