//! Intake and edit: the case form for signed-in users. A refused form comes back with what was
//! typed and a message under each faulty field (422); a stale edit comes back the same way with
//! a conflict notice (409). Nothing is stored unless every field is valid.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use corridor_app::AppError;
use corridor_core::{CaseDetails, CaseId};

use super::case_form::{CaseForm, FieldErrors, FormView};
use super::{app_error, form_field, form_pairs, message, not_found};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

#[derive(Template)]
#[template(path = "case_form.html")]
pub(crate) struct CaseFormPage<'a> {
    pub t: &'a Translator,
    pub who: Option<Who>,
    pub title: &'a str,
    pub intro: Option<&'a str>,
    pub back: Option<String>,
    pub action: String,
    pub csrf: String,
    pub submit: &'a str,
    pub version: Option<String>,
    /// The organisations to choose from (the public page only), as (id, name, selected).
    pub organisations: Option<Vec<(String, String, bool)>>,
    pub notice: Option<&'a str>,
    pub view: FormView,
}

/// Renders the page with a status (200, or 422/409 for a refused form).
pub(crate) fn respond(t: &Translator, status: StatusCode, page: CaseFormPage<'_>) -> Response {
    super::render_with(t, status, page)
}

/// A version as the form carries it: the case's `updated_at`, exact to the nanosecond.
fn version_text(version: DateTime<Utc>) -> String {
    version.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn new_page<'a>(
    state: &'a AppState,
    signed_in: &SignedIn,
    form: CaseForm,
    errors: &FieldErrors,
) -> CaseFormPage<'a> {
    let t = &state.t;
    CaseFormPage {
        t,
        who: Some(signed_in.who(t)),
        title: t.get("intake.new_title"),
        intro: None,
        back: Some("/cases".to_owned()),
        action: "/cases/new".to_owned(),
        csrf: signed_in.csrf.clone(),
        submit: t.get("intake.create"),
        version: None,
        organisations: None,
        notice: (!errors.is_empty()).then(|| t.get("form.invalid")),
        view: FormView::new(t, state.corridor.programs(), form, errors),
    }
}

/// `GET /cases/new`: an empty intake form (for roles that create cases).
pub async fn new_case_form(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let t = &state.t;
    if let Err(error) = state.corridor.may_create(&signed_in.principal).await {
        return app_error(t, error);
    }
    let mut form = CaseForm::default();
    if let Some(program) = state.corridor.programs().iter().next() {
        form.set("program", program.slug.as_str());
    }
    respond(
        t,
        StatusCode::OK,
        new_page(&state, &signed_in, form, &FieldErrors::default()),
    )
}

/// `POST /cases/new`: creates the case and opens it, or shows the form again with messages.
pub async fn create_case(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let t = &state.t;
    if let Err(error) = state.corridor.may_create(&signed_in.principal).await {
        return app_error(t, error);
    }
    let pairs = match form_pairs(t, &headers, &body) {
        Ok(pairs) => pairs,
        Err(response) => return *response,
    };
    let form = CaseForm::from_pairs(&pairs);
    let details = match form.parse(state.corridor.programs()) {
        Ok(details) => details,
        Err(errors) => {
            tracing::info!(fields = ?errors.fields(), "intake form refused");
            let page = new_page(&state, &signed_in, form, &errors);
            return respond(t, StatusCode::UNPROCESSABLE_ENTITY, page);
        }
    };
    match state
        .corridor
        .add_case_for(&signed_in.principal, details.into_input())
        .await
    {
        Ok(id) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(error) => app_error(t, error),
    }
}

fn edit_page<'a>(
    state: &'a AppState,
    signed_in: &SignedIn,
    id: CaseId,
    version: String,
    form: CaseForm,
    errors: &FieldErrors,
    notice: Option<&'a str>,
) -> CaseFormPage<'a> {
    let t = &state.t;
    CaseFormPage {
        t,
        who: Some(signed_in.who(t)),
        title: t.get("edit.title"),
        intro: None,
        back: Some(format!("/cases/{id}")),
        action: format!("/cases/{id}/edit"),
        csrf: signed_in.csrf.clone(),
        submit: t.get("edit.save"),
        version: Some(version),
        organisations: None,
        notice: notice.or_else(|| (!errors.is_empty()).then(|| t.get("form.invalid"))),
        view: FormView::new(t, state.corridor.programs(), form, errors),
    }
}

/// `GET /cases/{id}/edit`: the form filled from the case (its own organisation's editors).
pub async fn edit_case_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Response {
    let t = &state.t;
    let Ok(id) = id.parse::<CaseId>() else {
        return not_found(State(state.clone())).await;
    };
    match state.corridor.case_to_edit(&signed_in.principal, id).await {
        Ok(case) => {
            let form = CaseForm::from_details(&CaseDetails::of(&case));
            let version = version_text(case.updated_at);
            let page = edit_page(
                &state,
                &signed_in,
                id,
                version,
                form,
                &FieldErrors::default(),
                None,
            );
            respond(t, StatusCode::OK, page)
        }
        Err(error) => app_error(t, error),
    }
}

/// `POST /cases/{id}/edit`: saves the fields if the case is still as the editor saw it.
pub async fn save_case(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let t = &state.t;
    let Ok(id) = id.parse::<CaseId>() else {
        return not_found(State(state.clone())).await;
    };
    if let Err(error) = state.corridor.may_edit(&signed_in.principal, id).await {
        return app_error(t, error);
    }
    let pairs = match form_pairs(t, &headers, &body) {
        Ok(pairs) => pairs,
        Err(response) => return *response,
    };
    let version_typed = form_field(&pairs, "version").to_owned();
    let form = CaseForm::from_pairs(&pairs);
    let details = match form.parse(state.corridor.programs()) {
        Ok(details) => details,
        Err(errors) => {
            tracing::info!(case = %id, fields = ?errors.fields(), "edit form refused");
            let page = edit_page(&state, &signed_in, id, version_typed, form, &errors, None);
            return respond(t, StatusCode::UNPROCESSABLE_ENTITY, page);
        }
    };
    let Ok(version) = DateTime::parse_from_rfc3339(&version_typed) else {
        return message(
            t,
            StatusCode::BAD_REQUEST,
            "error.bad_request",
            "error.bad_form",
            "version",
        );
    };
    let result = state
        .corridor
        .update_case_for(&signed_in.principal, id, version.to_utc(), details)
        .await;
    match result {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(AppError::EditConflict(_)) => {
            let notice = Some(t.get("form.conflict"));
            let page = edit_page(
                &state,
                &signed_in,
                id,
                version_typed,
                form,
                &FieldErrors::default(),
                notice,
            );
            respond(t, StatusCode::CONFLICT, page)
        }
        Err(error) => app_error(t, error),
    }
}
