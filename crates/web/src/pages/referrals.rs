//! The sponsor's pages: the cases referred to their organisation, and of each only the fields
//! of the referral.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use corridor_core::{CaseId, ReferralView};

use super::{app_error, not_found, render};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

#[derive(Template)]
#[template(path = "referrals.html")]
struct ReferralsPage<'a> {
    t: &'a Translator,
    who: Who,
    referrals: Vec<ReferralView>,
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage<'a> {
    t: &'a Translator,
    who: Who,
    referral: ReferralView,
    family: Vec<String>,
    languages: String,
}

/// `GET /referrals`.
pub async fn referrals(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let t = &state.t;
    match state.corridor.referrals_for(&signed_in.principal).await {
        Ok(referrals) => render(
            t,
            ReferralsPage {
                t,
                who: signed_in.who(t),
                referrals,
            },
        ),
        Err(error) => app_error(t, error),
    }
}

/// `GET /referrals/{id}`.
pub async fn referral(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Response {
    let t = &state.t;
    let Ok(id) = id.parse::<CaseId>() else {
        return not_found(State(state.clone())).await;
    };
    match state.corridor.referral_for(&signed_in.principal, id).await {
        Ok(referral) => {
            let family = referral
                .family_in_canada
                .iter()
                .map(|relative| {
                    let relation = t.label("relation", relative.relation.as_str());
                    match relative.canadian_status {
                        Some(status) => {
                            format!(
                                "{relation} ({})",
                                t.label("canadian_status", status.as_str())
                            )
                        }
                        None => relation.to_owned(),
                    }
                })
                .collect();
            let languages = super::joined(&referral.languages);
            render(
                t,
                ReferralPage {
                    t,
                    who: signed_in.who(t),
                    referral,
                    family,
                    languages,
                },
            )
        }
        Err(error) => app_error(t, error),
    }
}
