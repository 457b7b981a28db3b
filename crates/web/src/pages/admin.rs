//! Administration: the users of the admin's organisation (create, disable and enable, change
//! role, reset the authenticator) and the organisations (list, create). Every change is audited
//! by the use cases; a refused form shows its message and keeps what was typed (but never the
//! password).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use corridor_app::AppError;
use corridor_core::{AuditAction, OrgId, OrgName, Permission, Role, UserId};

use super::{app_error, form_field, form_pairs, not_found};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage<'a> {
    t: &'a Translator,
    who: Who,
    users: Vec<UserRow<'a>>,
    roles: Vec<(&'static str, &'a str)>,
    /// Where a new account may go: own organisation, and organisations without accounts.
    organisations: Vec<(String, String)>,
    typed_username: String,
    typed_role: String,
    error: Option<String>,
}

struct UserRow<'a> {
    id: String,
    username: String,
    role: &'static str,
    role_label: &'a str,
    enrolled: bool,
    disabled: bool,
    is_me: bool,
}

#[derive(Template)]
#[template(path = "admin_organisations.html")]
struct OrganisationsPage<'a> {
    t: &'a Translator,
    who: Who,
    organisations: Vec<(String, String, bool)>,
    typed_name: String,
    error: Option<String>,
}

/// `Ok` if the user's role allows `permission`; otherwise the refusal (audited as `action`) as
/// a page.
async fn permit(
    state: &AppState,
    signed_in: &SignedIn,
    permission: Permission,
    action: AuditAction,
) -> Result<(), Response> {
    state
        .corridor
        .permit(&signed_in.principal, permission, action)
        .await
        .map_err(|error| app_error(&state.t, error))
}

/// The fields of a form the user may send: the permission is checked (a refusal audited as
/// `action`) before the body is read.
async fn permitted_form(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    body: &[u8],
    permission: Permission,
    action: AuditAction,
) -> Result<Vec<(String, String)>, Box<Response>> {
    permit(state, signed_in, permission, action)
        .await
        .map_err(Box::new)?;
    form_pairs(&state.t, headers, body)
}

/// The page shows a refusal in words; the status says what kind it was.
fn refusal_status(error: &AppError) -> StatusCode {
    match error {
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::UserNotFound(_) | AppError::OrganisationNotFound(_) => StatusCode::NOT_FOUND,
        AppError::UsernameTaken | AppError::Refused(_) => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

async fn users_page(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    typed: (&str, &str),
    error: Option<String>,
) -> Response {
    let t = &state.t;
    let who = &signed_in.principal;
    let users = match state.corridor.users(who).await {
        Ok(users) => users,
        Err(error) => return app_error(t, error),
    };
    let organisations = match state.corridor.organisations_for_new_accounts(who).await {
        Ok(open) => open
            .into_iter()
            .map(|org| (org.id.to_string(), org.name.to_string()))
            .collect(),
        Err(error) => return app_error(t, error),
    };
    let page = UsersPage {
        t,
        who: signed_in.who(t),
        users: users
            .iter()
            .map(|u| UserRow {
                id: u.id.to_string(),
                username: u.username.to_string(),
                role: u.role.as_str(),
                role_label: t.label("role", u.role.as_str()),
                enrolled: u.totp_enrolled,
                disabled: u.disabled,
                is_me: u.id == who.user,
            })
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), t.label("role", r.as_str())))
            .collect(),
        organisations,
        typed_username: typed.0.to_owned(),
        typed_role: typed.1.to_owned(),
        error,
    };
    super::render_with(t, status, page)
}

/// `GET /admin/users`.
pub async fn users(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    if let Err(refused) = permit(
        &state,
        &signed_in,
        Permission::UserManage,
        AuditAction::AccessDenied,
    )
    .await
    {
        return refused;
    }
    users_page(&state, &signed_in, StatusCode::OK, ("", ""), None).await
}

/// `POST /admin/users`: creates an account. Its holder enrols an authenticator at first login.
pub async fn create_user(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let t = &state.t;
    let form = permitted_form(
        &state,
        &signed_in,
        &headers,
        &body,
        Permission::UserManage,
        AuditAction::UserCreated,
    );
    let pairs = match form.await {
        Ok(pairs) => pairs,
        Err(refused) => return *refused,
    };
    let (username, role_typed) = (form_field(&pairs, "username"), form_field(&pairs, "role"));
    let outcome = match (
        role_typed.parse::<Role>(),
        form_field(&pairs, "organisation").parse::<OrgId>(),
    ) {
        (Ok(role), Ok(organisation)) => state
            .corridor
            .create_user(
                &signed_in.principal,
                organisation,
                username,
                role,
                form_field(&pairs, "password"),
                chrono::Utc::now(),
            )
            .await
            .map(|_| ()),
        (Err(_), _) => Err(AppError::Refused("choose one of the listed roles")),
        (_, Err(_)) => Err(AppError::Refused("choose one of the listed organisations")),
    };
    match outcome {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(AppError::Forbidden(p)) => app_error(t, AppError::Forbidden(p)),
        Err(error) => {
            let status = match &error {
                AppError::Refused(_) | AppError::Username(_) | AppError::Password(_) => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                other => refusal_status(other),
            };
            let text = error.to_string();
            users_page(
                &state,
                &signed_in,
                status,
                (username, role_typed),
                Some(text),
            )
            .await
        }
    }
}

/// `POST /admin/users/{id}`: `action` is `disable`, `enable`, `reset_totp` or `role` (with
/// `role`).
pub async fn change_user(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let t = &state.t;
    let Ok(id) = id.parse::<UserId>() else {
        return not_found(State(state.clone())).await;
    };
    let form = permitted_form(
        &state,
        &signed_in,
        &headers,
        &body,
        Permission::UserManage,
        AuditAction::AccessDenied,
    );
    let pairs = match form.await {
        Ok(pairs) => pairs,
        Err(refused) => return *refused,
    };
    let who = &signed_in.principal;
    let corridor = &state.corridor;
    let outcome = match form_field(&pairs, "action") {
        "disable" => corridor.set_user_disabled(who, id, true).await,
        "enable" => corridor.set_user_disabled(who, id, false).await,
        "reset_totp" => corridor.reset_totp(who, id).await,
        "role" => match form_field(&pairs, "role").parse::<Role>() {
            Ok(role) => corridor.set_user_role(who, id, role).await,
            Err(_) => Err(AppError::Refused("choose one of the listed roles")),
        },
        _ => Err(AppError::Refused("unknown action")),
    };
    match outcome {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(error @ (AppError::Forbidden(_) | AppError::UserNotFound(_))) => app_error(t, error),
        Err(error) => {
            let status = refusal_status(&error);
            users_page(
                &state,
                &signed_in,
                status,
                ("", ""),
                Some(error.to_string()),
            )
            .await
        }
    }
}

async fn organisations_page(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    typed_name: &str,
    error: Option<String>,
) -> Response {
    let t = &state.t;
    let organisations = match state.corridor.organisations().await {
        Ok(all) => all
            .into_iter()
            .map(|o| {
                let own = o.id == signed_in.principal.organisation;
                (o.id.to_string(), o.name.to_string(), own)
            })
            .collect(),
        Err(error) => return app_error(t, error),
    };
    let page = OrganisationsPage {
        t,
        who: signed_in.who(t),
        organisations,
        typed_name: typed_name.to_owned(),
        error,
    };
    super::render_with(t, status, page)
}

/// `GET /admin/organisations`.
pub async fn organisations(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    if let Err(refused) = permit(
        &state,
        &signed_in,
        Permission::OrganisationManage,
        AuditAction::AccessDenied,
    )
    .await
    {
        return refused;
    }
    organisations_page(&state, &signed_in, StatusCode::OK, "", None).await
}

/// `POST /admin/organisations`: creates an organisation.
pub async fn create_organisation(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let t = &state.t;
    let form = permitted_form(
        &state,
        &signed_in,
        &headers,
        &body,
        Permission::OrganisationManage,
        AuditAction::OrganisationCreated,
    );
    let pairs = match form.await {
        Ok(pairs) => pairs,
        Err(refused) => return *refused,
    };
    let typed = form_field(&pairs, "name");
    let name = match OrgName::new(typed) {
        Ok(name) => name,
        Err(error) => {
            let text = format!("{}: {error}", t.get("admin.org_name"));
            return organisations_page(
                &state,
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                typed,
                Some(text),
            )
            .await;
        }
    };
    match state
        .corridor
        .create_organisation(&signed_in.principal, name)
        .await
    {
        Ok(_) => Redirect::to("/admin/organisations").into_response(),
        // Names are unique: the store refuses a second one.
        Err(AppError::Store(_)) => {
            let text = t.get("admin.org_exists").to_owned();
            organisations_page(&state, &signed_in, StatusCode::CONFLICT, typed, Some(text)).await
        }
        Err(error) => app_error(t, error),
    }
}
