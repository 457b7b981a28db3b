//! The public self-referral page: anyone can send a case to an organisation, and nothing can be
//! read back through it. Forms carry an anti-forgery token bound to a cookie (there is no
//! session); submissions are throttled per address and overall. The address is never logged.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use corridor_app::AppError;
use corridor_core::OrgId;

use super::case_form::{CaseForm, FieldErrors, FormView, messages};
use super::edit::{CaseFormPage, respond};
use super::{form_field, form_pairs, message};
use crate::AppState;
use crate::auth::{
    ClientAddr, FORM_COOKIE, cookie, form_csrf_matches, form_csrf_token, form_guard, with_cookie,
};

/// The program a self-referral is filed under until a caseworker assesses it: the first one
/// configured.
fn intake_program(state: &AppState) -> String {
    state
        .corridor
        .programs()
        .iter()
        .next()
        .map(|p| p.slug.as_str().to_owned())
        .unwrap_or_default()
}

async fn page<'a>(
    state: &'a AppState,
    csrf: String,
    form: CaseForm,
    organisation: &str,
    errors: &FieldErrors,
) -> Result<CaseFormPage<'a>, AppError> {
    let t = &state.t;
    let organisations = state
        .corridor
        .organisations()
        .await?
        .into_iter()
        .map(|o| {
            let id = o.id.to_string();
            let selected = id == organisation;
            (id, o.name.to_string(), selected)
        })
        .collect();
    Ok(CaseFormPage {
        t,
        who: None,
        title: t.get("public.title"),
        intro: Some(t.get("public.intro")),
        back: None,
        action: "/intake".to_owned(),
        csrf,
        submit: t.get("public.send"),
        version: None,
        organisations: Some(organisations),
        notice: (!errors.is_empty()).then(|| t.get("form.invalid")),
        view: FormView::new(t, state.corridor.programs(), form, errors),
    })
}

/// `GET /intake`: the empty form, and the anti-forgery cookie it is bound to.
pub async fn intake_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (csrf, set_cookie) = form_guard(&headers, state.secure_cookies);
    let mut form = CaseForm::default();
    form.set("program", &intake_program(&state));
    let page = page(&state, csrf, form, "", &FieldErrors::default()).await;
    let response = match page {
        Ok(page) => respond(&state.t, StatusCode::OK, page),
        Err(error) => super::app_error(&state.t, error),
    };
    with_cookie(response, set_cookie)
}

/// `POST /intake`: files the case, or shows the form again with messages. The reply never
/// contains anything stored.
pub async fn submit_intake(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let t = &state.t;
    let pairs = match form_pairs(t, &headers, &body) {
        Ok(pairs) => pairs,
        Err(response) => return *response,
    };
    if !form_csrf_matches(&headers, &pairs) {
        return message(
            t,
            StatusCode::FORBIDDEN,
            "error.csrf",
            "error.csrf_text",
            "",
        );
    }
    let csrf = cookie(&headers, FORM_COOKIE)
        .map(form_csrf_token)
        .unwrap_or_default();
    let organisation_typed = form_field(&pairs, "organisation").to_owned();
    let mut form = CaseForm::from_pairs(&pairs);
    form.set("program", &intake_program(&state));
    let known = match state.corridor.organisations().await {
        Ok(known) => known,
        Err(error) => return super::app_error(t, error),
    };
    let organisation = organisation_typed
        .trim()
        .parse::<OrgId>()
        .ok()
        .filter(|id| known.iter().any(|o| o.id == *id));
    let parsed = form.parse(state.corridor.programs());
    let refuse = |mut errors: FieldErrors| {
        let state = &state;
        let form = form.clone();
        let organisation_typed = organisation_typed.clone();
        let csrf = csrf.clone();
        async move {
            if organisation.is_none() {
                errors
                    .0
                    .insert("organisation".to_owned(), messages::ORGANISATION);
            }
            tracing::info!(fields = ?errors.fields(), "public intake form refused");
            match page(state, csrf, form, &organisation_typed, &errors).await {
                Ok(page) => respond(&state.t, StatusCode::UNPROCESSABLE_ENTITY, page),
                Err(error) => super::app_error(&state.t, error),
            }
        }
    };
    let (Some(organisation), Ok(details)) = (organisation, &parsed) else {
        return refuse(parsed.err().unwrap_or_default()).await;
    };
    match state
        .corridor
        .public_intake(organisation, details.clone(), address, chrono::Utc::now())
        .await
    {
        Ok(()) => message(
            t,
            StatusCode::OK,
            "public.received",
            "public.received_text",
            "",
        ),
        Err(AppError::Throttled) => message(
            t,
            StatusCode::TOO_MANY_REQUESTS,
            "public.throttled",
            "public.throttled_text",
            "",
        ),
        Err(AppError::OrganisationNotFound(_)) => {
            let mut errors = FieldErrors::default();
            errors
                .0
                .insert("organisation".to_owned(), messages::ORGANISATION);
            refuse(errors).await
        }
        Err(error) => super::app_error(t, error),
    }
}
