//! Ready-made sign-ins for the demo: one user per role, already enrolled in TOTP through the
//! real login flow, and the operator's way to read their current code (`corridor demo totp`).

use std::net::{IpAddr, Ipv4Addr};

use chrono::{DateTime, Utc};
use corridor_core::{OrgId, OrgName, Role, Username};
use corridor_crypto::{TotpSecret, Zeroizing};

use crate::accounts::Principal;
use crate::sealing::open_totp_secret;
use crate::{AppError, Corridor, LoginStep, Result};

/// The password every demo user gets. Demo stores are throw-away and local.
pub const DEMO_PASSWORD: &str = "demo-password-not-secret";

/// One demo sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoLogin {
    pub username: String,
    pub role: Role,
}

/// The demo's users: (username, role); the sponsor belongs to a partner organisation.
const DEMO_USERS: &[(&str, Role)] = &[
    ("admin", Role::Admin),
    ("caseworker", Role::Caseworker),
    ("verifier", Role::Verifier),
    ("legal", Role::Legal),
    ("coordinator", Role::Coordinator),
    ("analyst", Role::Analyst),
    ("sponsor", Role::Sponsor),
];

impl Corridor {
    /// Creates the demo users in `organisation` (the sponsor in a new partner organisation)
    /// and enrols each in TOTP by signing in once.
    pub async fn create_demo_users(
        &self,
        organisation: OrgId,
        now: DateTime<Utc>,
    ) -> Result<Vec<DemoLogin>> {
        let admin = self
            .create_first_admin(organisation, "admin", DEMO_PASSWORD, now)
            .await?;
        let admin = Principal::of(&admin);
        let partner = self
            .create_organisation(
                &admin,
                OrgName::new("Demo sponsor group (Canada)")
                    .map_err(|e| AppError::Backup(e.to_string()))?,
            )
            .await?;
        let mut logins = Vec::new();
        for &(username, role) in DEMO_USERS {
            if role != Role::Admin {
                let home = if role == Role::Sponsor {
                    partner.id
                } else {
                    organisation
                };
                self.create_user(&admin, home, username, role, DEMO_PASSWORD, now)
                    .await?;
            }
            self.enrol_by_signing_in(username, now).await?;
            logins.push(DemoLogin {
                username: username.to_owned(),
                role,
            });
        }
        Ok(logins)
    }

    async fn enrol_by_signing_in(&self, username: &str, now: DateTime<Utc>) -> Result<()> {
        let local = IpAddr::V4(Ipv4Addr::LOCALHOST);
        match self
            .begin_login(username, DEMO_PASSWORD, local, now)
            .await?
        {
            LoginStep::NeedsEnrolment { pending, enrolment } => {
                let secret = TotpSecret::from_base32(enrolment.secret_base32())?;
                let code = secret
                    .code_at(now.timestamp())
                    .ok_or(AppError::LoginExpired)?;
                let enrolled = self.confirm_enrolment(pending.token(), &code, now).await?;
                self.logout(enrolled.session.token()).await
            }
            LoginStep::NeedsTotp { pending } => self.cancel_login(pending.token()).await,
        }
    }

    /// The current TOTP code of a user, for the operator of a demo store (who holds the
    /// passphrase, and so could open the secret anyway).
    pub async fn operator_totp_code(
        &self,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<Zeroizing<String>> {
        let username = Username::new(username)?;
        let record = self
            .store
            .user_by_username(&username)
            .await?
            .ok_or(AppError::LoginRefused)?;
        let sealed = record
            .totp_secret
            .as_ref()
            .ok_or(AppError::EnrolmentRequired)?;
        let secret = open_totp_secret(&self.root, record.user.id, sealed)?;
        secret
            .code_at(now.timestamp())
            .ok_or(AppError::LoginExpired)
    }
}
