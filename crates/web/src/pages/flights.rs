//! Removal flights: the organisation's flights with what their reports agree and disagree on,
//! and the form that records one more report (or a new flight).

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use corridor_app::FlightView;
use corridor_core::calendar::case_code;
use corridor_core::flight::{FlightReportInput, Tally};
use corridor_core::{Confidence, FlightId, SourceKind};
use serde::Deserialize;
use serde_json::{Value, json};

use super::watch::{display_name, names_of};
use super::{app_error, render};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

/// One line of a flight's reconciliation: a field, each value reported with how many reports
/// say it, and whether they disagree.
struct Line {
    field: &'static str,
    values: Vec<(String, usize)>,
    disputed: bool,
}

struct Passenger {
    case_id: String,
    name: String,
    confidence: &'static str,
    reports: usize,
}

struct Report {
    reported_on: String,
    source_kind: String,
    source: String,
    says: String,
    note: String,
}

struct Flight {
    id: String,
    date: String,
    route: String,
    passengers: usize,
    disputes: String,
    reports: usize,
}

#[derive(Template)]
#[template(path = "flights.html")]
struct FlightsPage<'a> {
    t: &'a Translator,
    who: Who,
    flights: Vec<Flight>,
    form: ReportFormView<'a>,
}

#[derive(Template)]
#[template(path = "flight.html")]
struct FlightPage<'a> {
    t: &'a Translator,
    who: Who,
    flight: Flight,
    lines: Vec<Line>,
    passengers: Vec<Passenger>,
    reports: Vec<Report>,
    form: ReportFormView<'a>,
}

/// What the report form offers.
struct ReportFormView<'a> {
    action: String,
    kinds: Vec<(&'static str, &'a str)>,
    confidences: Vec<(&'static str, &'a str)>,
}

fn form_view(t: &Translator, action: String) -> ReportFormView<'_> {
    ReportFormView {
        action,
        kinds: SourceKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.label("source", k.as_str())))
            .collect(),
        confidences: Confidence::ALL
            .iter()
            .map(|c| (c.as_str(), t.label("confidence", c.as_str())))
            .collect(),
    }
}

fn best<T: ToString>(tally: &Tally<T>) -> String {
    tally
        .best()
        .map(|r| r.value.to_string())
        .unwrap_or_default()
}

fn overview(view: &FlightView) -> Flight {
    let s = &view.summary;
    let stops = s
        .stops
        .best()
        .map(|r| {
            r.value
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" → ")
        })
        .unwrap_or_default();
    let mut route = vec![best(&s.departures)];
    if !stops.is_empty() {
        route.push(stops);
    }
    route.push(best(&s.destinations));
    Flight {
        id: view.flight.id().to_string(),
        date: s.departs_on().map(|d| d.to_string()).unwrap_or_default(),
        route: route.join(" → "),
        passengers: s.passengers.len(),
        disputes: s.disputes().join(", "),
        reports: s.reports,
    }
}

/// `GET /flights`.
pub async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let t = &state.t;
    let views = match state.corridor.flights_for(&signed_in.principal).await {
        Ok(views) => views,
        Err(error) => return app_error(t, error),
    };
    render(
        t,
        FlightsPage {
            t,
            who: signed_in.who(t),
            flights: views.iter().map(overview).collect(),
            form: form_view(t, "/flights".to_owned()),
        },
    )
}

/// `GET /flights/{id}`.
pub async fn page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Response {
    let t = &state.t;
    let Ok(id) = id.parse::<FlightId>() else {
        return super::not_found(State(state.clone())).await;
    };
    let who = &signed_in.principal;
    let view = match state.corridor.flight_for(who, id).await {
        Ok(view) => view,
        Err(error) => return app_error(t, error),
    };
    let s = &view.summary;
    let names = names_of(&state, who, s.passengers.iter().map(|p| p.case)).await;
    fn line<T: ToString>(field: &'static str, tally: &Tally<T>) -> Line {
        Line {
            field,
            values: tally
                .values()
                .iter()
                .map(|r| (r.value.to_string(), r.support()))
                .collect(),
            disputed: tally.disputed(),
        }
    }
    let stops = Line {
        field: "stops",
        values: s
            .stops
            .values()
            .iter()
            .map(|r| {
                let route: Vec<String> = r.value.iter().map(ToString::to_string).collect();
                (route.join(" → "), r.support())
            })
            .collect(),
        disputed: s.stops.disputed(),
    };
    let lines = vec![
        line("date", &s.dates),
        line("departure", &s.departures),
        stops,
        line("destination", &s.destinations),
        line("carrier", &s.carriers),
    ];
    let passengers = s
        .passengers
        .iter()
        .map(|p| Passenger {
            case_id: p.case.to_string(),
            name: display_name(&names, p.case),
            confidence: p.confidence.as_str(),
            reports: p.reports.len(),
        })
        .collect();
    let reports = view
        .flight
        .reports()
        .iter()
        .map(|r| {
            let mut says = Vec::new();
            if let Some(d) = r.departs_on() {
                says.push(d.to_string());
            }
            let mut route: Vec<String> = r.departure().iter().map(ToString::to_string).collect();
            route.extend(r.stops().iter().map(ToString::to_string));
            route.extend(r.destination().iter().map(ToString::to_string));
            if !route.is_empty() {
                says.push(route.join(" → "));
            }
            if let Some(c) = r.carrier() {
                says.push(c.to_string());
            }
            if !r.on_board().is_empty() {
                let codes: Vec<String> = r
                    .on_board()
                    .iter()
                    .map(|o| format!("{} ({})", case_code(o.case), o.confidence.as_str()))
                    .collect();
                says.push(codes.join(", "));
            }
            Report {
                reported_on: r.reported_on().to_string(),
                source_kind: t.label("source", r.source().kind().as_str()).to_owned(),
                source: r.source().reference().to_owned(),
                says: says.join(" · "),
                note: r.note().unwrap_or_default().to_owned(),
            }
        })
        .collect();
    render(
        t,
        FlightPage {
            t,
            who: signed_in.who(t),
            flight: overview(&view),
            lines,
            passengers,
            reports,
            form: form_view(t, format!("/flights/{id}/reports")),
        },
    )
}

/// The report form. Fields default to empty so that the right is checked before the form is
/// read; blank optional fields are left out.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    source_kind: String,
    source_reference: String,
    departs_on: String,
    departure: String,
    stops: String,
    destination: String,
    carrier: String,
    /// Case ids, one per line (or separated by spaces or commas).
    on_board: String,
    confidence: String,
    note: String,
}

impl ReportForm {
    /// The form as the report document the domain validates, so its errors name the same
    /// fields.
    fn input(&self) -> Result<FlightReportInput, String> {
        let text = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| Value::from(s))
        };
        let words = |s: &str| -> Vec<Value> {
            s.split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| !w.is_empty())
                .map(Value::from)
                .collect()
        };
        let on_board: Vec<Value> = words(&self.on_board)
            .into_iter()
            .map(|case| json!({ "case": case, "confidence": self.confidence.trim() }))
            .collect();
        let mut document = json!({
            "source": { "kind": self.source_kind.trim(), "reference": self.source_reference },
            "stops": words(&self.stops),
            "on_board": on_board,
        });
        for (field, value) in [
            ("departs_on", &self.departs_on),
            ("departure", &self.departure),
            ("destination", &self.destination),
            ("carrier", &self.carrier),
            ("note", &self.note),
        ] {
            if let Some(value) = text(value) {
                document[field] = value;
            }
        }
        FlightReportInput::from_json(&document.to_string()).map_err(|e| form_field(&e.field))
    }
}

/// The form's field for a path of the report document (`on_board[2].case` is `on_board`).
fn form_field(path: &str) -> String {
    let field = match path {
        "source.kind" => "source_kind",
        "source.reference" | "source" => "source_reference",
        p if p.starts_with("on_board") && p.ends_with(".confidence") => "confidence",
        p if p.starts_with("on_board") => "on_board",
        p if p.starts_with("stops") => "stops",
        p => p,
    };
    field.to_owned()
}

/// `POST /flights`: a new flight with its first report.
pub async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<ReportForm>,
) -> Response {
    submit(&state, &signed_in, None, &form).await
}

/// `POST /flights/{id}/reports`: one more report about a flight.
pub async fn add_report(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ReportForm>,
) -> Response {
    let Ok(id) = id.parse::<FlightId>() else {
        return super::not_found(State(state.clone())).await;
    };
    submit(&state, &signed_in, Some(id), &form).await
}

async fn submit(
    state: &AppState,
    signed_in: &SignedIn,
    flight: Option<FlightId>,
    form: &ReportForm,
) -> Response {
    let t = &state.t;
    let who = &signed_in.principal;
    let allowed = match flight {
        Some(id) => state.corridor.may_report_on_flight(who, id).await,
        None => {
            state
                .corridor
                .permit(
                    who,
                    corridor_core::Permission::WatchManage,
                    corridor_core::AuditAction::FlightReported,
                )
                .await
        }
    };
    if let Err(error) = allowed {
        return app_error(t, error);
    }
    let input = match form.input() {
        Ok(input) => input,
        Err(field) => return super::refused_field(t, &field),
    };
    match state
        .corridor
        .report_flight_for(who, flight, input, Utc::now())
        .await
    {
        Ok(id) => Redirect::to(&format!("/flights/{id}")).into_response(),
        Err(error) => app_error(t, error),
    }
}
