//! The API's routes: one table, [`ROUTES`], that the router is built from and that the tests
//! hold against `docs/openapi.json` (same operations, same paths and methods, same scopes) and
//! against the authorisation matrix.

use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};
use corridor_core::Permission;

use super::{calendar, cases, dashboard, matching, referrals, sharing};
use crate::AppState;

/// One operation of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    ListCases,
    SearchCases,
    CreateCase,
    GetCase,
    UpdateCase,
    ShareCase,
    UnshareCase,
    ReferCase,
    WithdrawReferral,
    ListReferrals,
    GetReferral,
    GetDashboard,
    Match,
    CalendarFeed,
}

impl Operation {
    /// The `operationId` in the OpenAPI document.
    pub fn operation_id(self) -> &'static str {
        match self {
            Operation::ListCases => "listCases",
            Operation::SearchCases => "searchCases",
            Operation::CreateCase => "createCase",
            Operation::GetCase => "getCase",
            Operation::UpdateCase => "updateCase",
            Operation::ShareCase => "shareCase",
            Operation::UnshareCase => "unshareCase",
            Operation::ReferCase => "referCase",
            Operation::WithdrawReferral => "withdrawReferral",
            Operation::ListReferrals => "listReferrals",
            Operation::GetReferral => "getReferral",
            Operation::Match => "match",
            Operation::GetDashboard => "getDashboard",
            Operation::CalendarFeed => "getCalendarFeed",
        }
    }

    /// The handler, answering `method` only.
    fn endpoint(self, method: &Method) -> MethodRouter<AppState> {
        let filter = MethodFilter::try_from(method.clone())
            .unwrap_or_else(|_| panic!("{method} is not a method axum routes"));
        match self {
            Operation::ListCases => on(filter, cases::list),
            Operation::SearchCases => on(filter, cases::search),
            Operation::CreateCase => on(filter, cases::create),
            Operation::GetCase => on(filter, cases::get),
            Operation::UpdateCase => on(filter, cases::update),
            Operation::ShareCase => on(filter, sharing::share),
            Operation::UnshareCase => on(filter, sharing::unshare),
            Operation::ReferCase => on(filter, sharing::refer),
            Operation::WithdrawReferral => on(filter, sharing::withdraw),
            Operation::ListReferrals => on(filter, referrals::list),
            Operation::GetReferral => on(filter, referrals::get),
            Operation::Match => on(filter, matching::post),
            Operation::GetDashboard => on(filter, dashboard::get),
            Operation::CalendarFeed => on(filter, calendar::feed),
        }
    }
}

/// A route of the API, relative to `/api/v1`, with the permission its use case requires (a
/// token also needs the scope that covers it: [`corridor_core::ApiScope::covering`]).
#[derive(Clone, Debug)]
pub struct ApiRoute {
    pub method: Method,
    pub path: &'static str,
    pub operation: Operation,
    pub permission: Permission,
}

impl ApiRoute {
    pub(super) fn endpoint(&self) -> MethodRouter<AppState> {
        self.operation.endpoint(&self.method)
    }
}

/// Where the API's router is nested: every path below it, unknown ones included, answers in
/// the API's JSON.
pub const MOUNT: &str = "/api";
/// The version, below [`MOUNT`].
pub const VERSION: &str = "/v1";
/// Where the routes of [`ROUTES`] live: [`MOUNT`] then [`VERSION`].
pub const PREFIX: &str = "/api/v1";

/// Every route of the API. The router is built from this table and nothing else.
pub const ROUTES: &[ApiRoute] = &[
    ApiRoute {
        method: Method::GET,
        path: "/cases",
        operation: Operation::ListCases,
        permission: Permission::CaseList,
    },
    ApiRoute {
        method: Method::POST,
        path: "/cases",
        operation: Operation::CreateCase,
        permission: Permission::CaseCreate,
    },
    ApiRoute {
        method: Method::POST,
        path: "/cases/search",
        operation: Operation::SearchCases,
        permission: Permission::CaseSearch,
    },
    ApiRoute {
        method: Method::GET,
        path: "/cases/{id}",
        operation: Operation::GetCase,
        permission: Permission::CaseRead,
    },
    ApiRoute {
        method: Method::PUT,
        path: "/cases/{id}",
        operation: Operation::UpdateCase,
        permission: Permission::CaseEdit,
    },
    ApiRoute {
        method: Method::POST,
        path: "/cases/{id}/shares",
        operation: Operation::ShareCase,
        permission: Permission::CaseShare,
    },
    ApiRoute {
        method: Method::DELETE,
        path: "/cases/{id}/shares/{organisation}",
        operation: Operation::UnshareCase,
        permission: Permission::CaseShare,
    },
    ApiRoute {
        method: Method::POST,
        path: "/cases/{id}/referrals",
        operation: Operation::ReferCase,
        permission: Permission::ReferralManage,
    },
    ApiRoute {
        method: Method::DELETE,
        path: "/cases/{id}/referrals/{organisation}",
        operation: Operation::WithdrawReferral,
        permission: Permission::ReferralManage,
    },
    ApiRoute {
        method: Method::GET,
        path: "/referrals",
        operation: Operation::ListReferrals,
        permission: Permission::ReferralRead,
    },
    ApiRoute {
        method: Method::GET,
        path: "/referrals/{id}",
        operation: Operation::GetReferral,
        permission: Permission::ReferralRead,
    },
    ApiRoute {
        method: Method::GET,
        path: "/dashboard",
        operation: Operation::GetDashboard,
        permission: Permission::CaseList,
    },
    ApiRoute {
        method: Method::POST,
        path: "/match",
        operation: Operation::Match,
        permission: Permission::ScreeningRun,
    },
    ApiRoute {
        method: Method::GET,
        path: "/calendar.ics",
        operation: Operation::CalendarFeed,
        permission: Permission::CalendarRead,
    },
];
