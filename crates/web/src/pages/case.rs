//! The case page: person, US status, Russia risk, family, and the timeline of claims with
//! contradicting claims side by side.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use corridor_app::{AppError, CaseView};
use corridor_core::{Case, CaseId, GrantKind, OrgId, Permission, group_claims};
use serde::Deserialize;

use super::{app_error, joined, message, not_found, or_dash, render};
use crate::AppState;
use crate::auth::{SignedIn, Who};
use crate::i18n::Translator;

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage<'a> {
    t: &'a Translator,
    who: Who,
    /// Present when the user may share this case: (shared with, may be shared with).
    sharing: Option<Sharing>,
    /// Present when the user may refer this case: (referred to, may be referred to).
    referring: Option<Sharing>,
    /// Whether the user may edit this case (their organisation owns it).
    editable: bool,
    /// Where the case stands in screening, for its own organisation.
    screening: Option<corridor_app::CaseScreening>,
    evidence: Vec<EvidenceLine>,
    /// The evidence strength and why, in one line.
    evidence_strength: Option<String>,
    id: String,
    title: String,
    stage: &'a str,
    program: String,
    names: Vec<(String, &'a str, &'a str)>,
    person: Vec<(&'a str, String)>,
    family: Vec<String>,
    us_status: Vec<(&'a str, String)>,
    hearings: Vec<String>,
    stays: Vec<String>,
    risk_level: &'a str,
    risk_reasons: Vec<String>,
    risk: Vec<(&'a str, String)>,
    criminal_cases: Vec<String>,
    claim_groups: Vec<ClaimGroupView<'a>>,
    notes: Option<String>,
    /// The legal checklist, scores and priority under the case's program.
    assessment: Option<AssessmentView>,
    /// Issued dossiers (for coordinators): version, issued at, fingerprint.
    dossiers: Vec<(u32, String, String)>,
    /// What is coming on the case's calendar: date, what.
    coming: Vec<(String, String)>,
    /// After removal: where the check-ins stand, and the forms.
    monitoring: Option<MonitoringView>,
}

/// The check-ins of a removed person, as the case page shows them.
struct MonitoringView {
    removed_on: String,
    status: &'static str,
    status_label: String,
    last_contact: String,
    due_on: String,
    overdue_days: i64,
    /// On, channel, note.
    check_ins: Vec<(String, String, String)>,
    channels: Vec<(&'static str, String)>,
    report_kinds: Vec<(&'static str, String)>,
    source_kinds: Vec<(&'static str, String)>,
    confidences: Vec<(&'static str, String)>,
    today: String,
}

impl MonitoringView {
    fn of(t: &Translator, monitoring: &corridor_app::Monitoring, today: chrono::NaiveDate) -> Self {
        use corridor_core::checkin::{CheckInChannel, FieldReportKind};
        let labels = |family: &str, all: &[&'static str]| -> Vec<(&'static str, String)> {
            all.iter()
                .map(|v| (*v, t.label(family, v).to_owned()))
                .collect()
        };
        let standing = &monitoring.standing;
        MonitoringView {
            removed_on: monitoring.removed_on.to_string(),
            status: standing.status.as_str(),
            status_label: t
                .label("monitoring_status", standing.status.as_str())
                .to_owned(),
            last_contact: standing.last_contact.to_string(),
            due_on: standing.due_on.to_string(),
            overdue_days: standing.overdue_days,
            check_ins: monitoring
                .check_ins
                .iter()
                .rev()
                .map(|c| {
                    (
                        c.check_in.on().to_string(),
                        t.label("channel", c.check_in.channel().as_str()).to_owned(),
                        c.check_in.note().unwrap_or_default().to_owned(),
                    )
                })
                .collect(),
            channels: labels(
                "channel",
                &CheckInChannel::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>(),
            ),
            report_kinds: labels(
                "field_report",
                &FieldReportKind::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>(),
            ),
            source_kinds: labels(
                "source",
                &corridor_core::SourceKind::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>(),
            ),
            confidences: labels(
                "confidence",
                &corridor_core::Confidence::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>(),
            ),
            today: today.to_string(),
        }
    }
}

/// The assessment as the case page shows it.
struct AssessmentView {
    priority: &'static str,
    priority_label: String,
    priority_why: String,
    days_left: i64,
    deadline: String,
    /// Label, value in use, and the factors (or the override) in words.
    scores: Vec<(String, u32, Vec<String>)>,
    /// Label, status key, status label, why, the evidence ids it rests on.
    checks: Vec<(String, &'static str, String, String, Vec<String>)>,
    stca: String,
    prior_us_asylum_claim: bool,
    /// Kind, label, why, cleared.
    flags: Vec<(&'static str, String, String, bool)>,
    /// Each score's key and label, for the override form.
    score_kinds: Vec<(&'static str, String)>,
    /// The referral's steps: label and day.
    referral: Vec<(String, String)>,
    /// The steps that may come next: key and label.
    next_steps: Vec<(&'static str, String)>,
    referral_blocked: bool,
}

impl AssessmentView {
    fn of(t: &Translator, a: &corridor_core::Assessment) -> AssessmentView {
        let checklist = &a.checklist;
        AssessmentView {
            priority: a.priority.level.as_str(),
            priority_label: t.label("priority", a.priority.level.as_str()).to_owned(),
            priority_why: a.priority.why.clone(),
            days_left: a.priority.days_left,
            deadline: a.priority.deadline.to_string(),
            scores: a
                .scores()
                .iter()
                .map(|score| {
                    let mut lines: Vec<String> = score
                        .factors
                        .iter()
                        .map(|f| format!("+{} {}", f.points, f.what))
                        .collect();
                    if score.overridden {
                        lines.push(format!(
                            "{} {}",
                            t.get("assessment.overridden"),
                            score.computed
                        ));
                    }
                    (
                        t.label("score", score.kind.as_str()).to_owned(),
                        score.value,
                        lines,
                    )
                })
                .collect(),
            checks: checklist
                .items
                .iter()
                .map(|item| {
                    (
                        t.label("check", item.kind.as_str()).to_owned(),
                        item.status.as_str(),
                        t.label("check_status", item.status.as_str()).to_owned(),
                        item.why.clone(),
                        item.evidence.clone(),
                    )
                })
                .collect(),
            stca: if !checklist.stca.applies {
                t.get("assessment.stca_not_applicable").to_owned()
            } else if checklist.stca.exceptions.is_empty() {
                t.get("assessment.stca_barred").to_owned()
            } else {
                let names: Vec<&str> = checklist
                    .stca
                    .exceptions
                    .iter()
                    .map(|e| t.label("stca_exception", e.as_str()))
                    .collect();
                format!(
                    "{} {}",
                    t.get("assessment.stca_exception"),
                    names.join(", ")
                )
            },
            prior_us_asylum_claim: checklist.prior_us_asylum_claim,
            flags: checklist
                .flags
                .iter()
                .map(|flag| {
                    (
                        flag.kind.as_str(),
                        t.label("flag", flag.kind.as_str()).to_owned(),
                        flag.why.clone(),
                        !flag.blocks(),
                    )
                })
                .collect(),
            referral: Vec::new(),
            next_steps: Vec::new(),
            score_kinds: corridor_core::assessment::ScoreKind::ALL
                .iter()
                .map(|kind| (kind.as_str(), t.label("score", kind.as_str()).to_owned()))
                .collect(),
            referral_blocked: checklist.referral_blocked(),
        }
    }
}

/// One evidence item as the case page lists it.
struct EvidenceLine {
    id: String,
    kind: String,
    status: String,
    shows: String,
    /// The file's name, type and size, if it has a file.
    file: Option<String>,
    added: String,
}

impl EvidenceLine {
    fn of(t: &Translator, item: &corridor_app::EvidenceView) -> EvidenceLine {
        EvidenceLine {
            id: item.id.to_string(),
            kind: item.kind.label().to_owned(),
            status: t.label("verification", item.status.as_str()).to_owned(),
            shows: item.facts.details.activity().unwrap_or("—").to_owned(),
            file: item.facts.file.as_ref().map(|f| {
                format!(
                    "{} ({}, {} bytes)",
                    f.name.as_str(),
                    f.media_type.label(),
                    f.length
                )
            }),
            added: item.uploaded_at.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Organisations as (id, name): those the case is shared with, and the others.
struct Sharing {
    shared: Vec<(String, String)>,
    candidates: Vec<(String, String)>,
}

struct ClaimGroupView<'a> {
    fact: String,
    contradicted: bool,
    claims: Vec<ClaimView<'a>>,
}

struct ClaimView<'a> {
    assertion: String,
    date: String,
    source: String,
    confidence: &'a str,
    evidence: Vec<CitationView>,
}

/// A claim's evidence link: an item of the case links to its page with its verification; an
/// item that is not in the case is flagged.
struct CitationView {
    text: String,
    href: Option<String>,
    note: Option<String>,
    missing: bool,
}

impl CitationView {
    fn of(
        t: &Translator,
        link: &corridor_core::EvidenceLink,
        items: &[corridor_core::ItemStanding],
    ) -> CitationView {
        let text = link.to_string();
        match corridor_core::resolve_citation(link, items) {
            corridor_core::Citation::Web => CitationView {
                text,
                href: None,
                note: None,
                missing: false,
            },
            corridor_core::Citation::Item(item) => CitationView {
                href: Some(format!("/evidence/{}", item.id)),
                note: Some(t.label("verification", item.status.as_str()).to_owned()),
                text,
                missing: false,
            },
            corridor_core::Citation::Missing => CitationView {
                text,
                href: None,
                note: Some(t.get("case.citation_missing").to_owned()),
                missing: true,
            },
        }
    }
}

pub async fn case_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Response {
    let t = &state.t;
    let Ok(id) = id.parse::<CaseId>() else {
        return not_found(State(state.clone())).await;
    };
    match state.corridor.case_for(&signed_in.principal, id).await {
        Ok(CaseView::Live(case)) => {
            let (sharing, referring) = grants(&state, &signed_in, id).await;
            let who = &signed_in.principal;
            let items = match state
                .corridor
                .evidence_of_case(corridor_app::Custodian::User(who), id)
                .await
            {
                Ok(items) => items,
                Err(error) => return app_error(t, error),
            };
            let standings = corridor_app::standings_of(&items);
            let mut page = view(t, signed_in.who(t), &case, &standings);
            page.sharing = sharing;
            page.referring = referring;
            page.editable = who.may(Permission::CaseEdit) && case.organisation == who.organisation;
            page.evidence = items.iter().map(|i| EvidenceLine::of(t, i)).collect();
            let cites_items = case
                .claims
                .iter()
                .any(|c| c.evidence().iter().any(|l| l.evidence_id().is_some()));
            page.evidence_strength = (!items.is_empty() || cites_items).then(|| {
                let strength = corridor_core::evidence_strength(&standings, &case.claims);
                format!(
                    "{} · {}/100 · {}",
                    strength.level.label(),
                    strength.score,
                    strength.reasons.join("; ")
                )
            });
            page.screening = match state
                .corridor
                .case_screening_for(who, id, case.organisation)
                .await
            {
                Ok(screening) => screening,
                Err(error) => return app_error(t, error),
            };
            page.dossiers = match state.corridor.dossiers_of(who, id).await {
                Ok(rows) => rows
                    .iter()
                    .map(|d| {
                        (
                            d.version,
                            d.issued_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                            d.fingerprint.clone(),
                        )
                    })
                    .collect(),
                Err(error) => return app_error(t, error),
            };
            let confirmed = page.screening.as_ref().is_some_and(|s| s.confirmed > 0);
            let today = chrono::Utc::now().date_naive();
            if case.stage.is_open() {
                page.coming = corridor_core::calendar::case_events(&case)
                    .into_iter()
                    .filter(|e| e.on >= today)
                    .map(|e| {
                        let what = t.label("calendar", e.kind.as_str());
                        let what = if e.detail.is_empty() {
                            what.to_owned()
                        } else {
                            format!("{what} ({})", e.detail)
                        };
                        (e.on.to_string(), what)
                    })
                    .collect();
            }
            page.monitoring = match state.corridor.monitoring_for(who, id, today).await {
                Ok(monitoring) => monitoring.map(|m| MonitoringView::of(t, &m, today)),
                Err(error) => return app_error(t, error),
            };
            page.assessment = state
                .corridor
                .assess_case(&case, &items, confirmed, today)
                .ok()
                .map(|a| {
                    let mut view = AssessmentView::of(t, &a);
                    let history = &case.assessment.referral;
                    view.referral = history
                        .iter()
                        .map(|e| {
                            (
                                t.label("referral_status", e.status.as_str()).to_owned(),
                                e.on.to_string(),
                            )
                        })
                        .collect();
                    view.next_steps = corridor_core::ReferralStatus::allowed_after(
                        history.last().map(|e| e.status),
                    )
                    .iter()
                    .map(|s| {
                        (
                            s.as_str(),
                            t.label("referral_status", s.as_str()).to_owned(),
                        )
                    })
                    .collect();
                    view
                });
            render(t, page)
        }
        Ok(CaseView::Purged(_)) => message(
            t,
            axum::http::StatusCode::GONE,
            "error.purged",
            "error.purged_text",
            "",
        ),
        Err(error) => app_error(t, error),
    }
}

/// The sharing and referral sections, for users who may grant this case of their
/// organisation of each kind: (shares, referrals).
async fn grants(
    state: &AppState,
    signed_in: &SignedIn,
    id: CaseId,
) -> (Option<Sharing>, Option<Sharing>) {
    let who = &signed_in.principal;
    let may_share = who.may(Permission::CaseShare);
    let may_refer = who.may(Permission::ReferralManage);
    if !may_share && !may_refer {
        return (None, None);
    }
    let (Ok(grants), Ok(organisations)) = (
        state.corridor.case_shares(who, id).await,
        state.corridor.organisations().await,
    ) else {
        return (None, None);
    };
    let section = |kind: GrantKind| {
        let mut section = Sharing {
            shared: Vec::new(),
            candidates: Vec::new(),
        };
        for org in organisations.iter().filter(|o| o.id != who.organisation) {
            let entry = (org.id.to_string(), org.name.to_string());
            match grants.iter().find(|g| g.organisation == org.id) {
                Some(grant) if grant.kind == kind => section.shared.push(entry),
                Some(_) => {}
                None => section.candidates.push(entry),
            }
        }
        section
    };
    (
        may_share.then(|| section(GrantKind::Share)),
        may_refer.then(|| section(GrantKind::Referral)),
    )
}

#[derive(Deserialize)]
pub struct ShareForm {
    organisation: String,
}

/// Shares the case with an organisation (coordinators), then shows the case again.
pub async fn share(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ShareForm>,
) -> Response {
    change_sharing(
        &state,
        &signed_in,
        &id,
        &form.organisation,
        Change::Grant(GrantKind::Share),
    )
    .await
}

/// Stops sharing the case with an organisation, then shows the case again.
pub async fn unshare(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ShareForm>,
) -> Response {
    change_sharing(
        &state,
        &signed_in,
        &id,
        &form.organisation,
        Change::Revoke(GrantKind::Share),
    )
    .await
}

/// Refers the case to a sponsor's organisation (coordinators), then shows the case again.
pub async fn refer(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ShareForm>,
) -> Response {
    let change = Change::Grant(GrantKind::Referral);
    change_sharing(&state, &signed_in, &id, &form.organisation, change).await
}

/// Withdraws a referral, then shows the case again.
pub async fn withdraw_referral(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ShareForm>,
) -> Response {
    let change = Change::Revoke(GrantKind::Referral);
    change_sharing(&state, &signed_in, &id, &form.organisation, change).await
}

/// A change to the grants of a case.
#[derive(Clone, Copy)]
enum Change {
    Grant(GrantKind),
    Revoke(GrantKind),
}

async fn change_sharing(
    state: &AppState,
    signed_in: &SignedIn,
    id: &str,
    organisation: &str,
    change: Change,
) -> Response {
    let t = &state.t;
    let (Ok(id), Ok(organisation)) = (id.parse::<CaseId>(), organisation.parse::<OrgId>()) else {
        return message(
            t,
            StatusCode::BAD_REQUEST,
            "error.bad_request",
            "error.bad_share",
            "organisation",
        );
    };
    let who = &signed_in.principal;
    let result = match change {
        Change::Grant(kind) => {
            let now = chrono::Utc::now();
            state.corridor.grant(who, id, organisation, kind, now).await
        }
        Change::Revoke(kind) => state.corridor.revoke(who, id, organisation, kind).await,
    };
    match result {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(AppError::Refused(_)) => message(
            t,
            StatusCode::BAD_REQUEST,
            "error.bad_request",
            "error.bad_share",
            "organisation",
        ),
        Err(error) => app_error(t, error),
    }
}

fn view<'a>(
    t: &'a Translator,
    who: Who,
    case: &Case,
    items: &[corridor_core::ItemStanding],
) -> CasePage<'a> {
    let person = &case.person;
    let us = &case.us_status;
    let risk = &case.russia_risk;
    let date = |d: Option<chrono::NaiveDate>| or_dash(d.map(|d| d.to_string()));
    CasePage {
        t,
        who,
        sharing: None,
        referring: None,
        editable: false,
        screening: None,
        evidence: Vec::new(),
        evidence_strength: None,
        assessment: None,
        dossiers: Vec::new(),
        coming: Vec::new(),
        monitoring: None,
        id: case.id.to_string(),
        title: person.names.primary().text().to_owned(),
        stage: t.label("stage", case.stage.as_str()),
        program: case.program.to_string(),
        names: person
            .names
            .iter()
            .map(|n| {
                (
                    n.text().to_owned(),
                    t.label("name_kind", n.kind().as_str()),
                    t.label("script", n.script().as_str()),
                )
            })
            .collect(),
        person: vec![
            (
                t.get("case.birth_date"),
                or_dash(person.birth_date.map(|d| d.to_string())),
            ),
            (
                t.get("case.gender"),
                t.label("gender", person.gender.as_str()).to_owned(),
            ),
            (t.get("case.nationality"), joined(&person.nationalities)),
            (t.get("case.languages"), joined(&person.languages)),
        ],
        family: person
            .family
            .iter()
            .map(|f| {
                let place = match (f.in_canada(), f.canadian_status()) {
                    (true, Some(status)) => format!(
                        "{} ({})",
                        t.get("case.in_canada"),
                        t.label("canadian_status", status.as_str())
                    ),
                    (true, None) => t.get("case.in_canada").to_owned(),
                    (false, _) => t.get("case.not_in_canada").to_owned(),
                };
                let relation = t.label("relation", f.relation().as_str());
                match f.name() {
                    Some(name) => format!("{relation}: {name}, {place}"),
                    None => format!("{relation}, {place}"),
                }
            })
            .collect(),
        us_status: vec![
            (
                t.get("case.a_number"),
                or_dash(us.a_number.as_ref().map(ToString::to_string)),
            ),
            (
                t.get("case.custody"),
                t.label("custody", us.custody.as_str()).to_owned(),
            ),
            (
                t.get("case.facility"),
                or_dash(us.detention_facility.clone()),
            ),
            (
                t.get("case.proceedings"),
                t.label("proceedings", us.proceedings.as_str()).to_owned(),
            ),
            (
                t.get("case.relief"),
                joined(
                    &us.relief_sought
                        .iter()
                        .map(|r| t.label("relief", r.as_str()))
                        .collect::<Vec<_>>(),
                ),
            ),
            (t.get("case.asylum_filed"), date(us.asylum_filed_on)),
            (t.get("case.final_order"), date(us.final_order_date)),
            (t.get("case.scheduled_removal"), date(us.scheduled_removal)),
        ],
        hearings: us
            .hearings
            .iter()
            .map(|h| {
                let kind = t.label("hearing", h.kind.as_str());
                match &h.court {
                    Some(court) => format!("{} — {kind} ({court})", h.date),
                    None => format!("{} — {kind}", h.date),
                }
            })
            .collect(),
        stays: us
            .stays
            .iter()
            .map(|s| {
                format!(
                    "{}: {} {}, {} {}",
                    t.label("stay", s.kind().as_str()),
                    t.get("case.stay_granted"),
                    date(s.granted_on()),
                    t.get("case.stay_expires"),
                    date(s.expires_on())
                )
            })
            .collect(),
        risk_level: t.label("risk", risk.level().as_str()),
        risk_reasons: risk.reasons(),
        risk: vec![
            (
                t.get("case.wanted"),
                t.label("wanted", risk.wanted.as_str()).to_owned(),
            ),
            (
                t.get("case.military"),
                t.label("military", risk.military.as_str()).to_owned(),
            ),
            (
                t.get("case.public_profile"),
                t.label("public_profile", risk.public_profile.as_str())
                    .to_owned(),
            ),
            (
                t.get("case.registries"),
                joined(
                    &risk
                        .registries
                        .iter()
                        .map(|r| match r.listed_on {
                            Some(on) => format!(
                                "{} ({} {on})",
                                t.label("registry", r.registry.as_str()),
                                t.get("case.since")
                            ),
                            None => t.label("registry", r.registry.as_str()).to_owned(),
                        })
                        .collect::<Vec<_>>(),
                ),
            ),
        ],
        criminal_cases: risk
            .criminal_cases
            .iter()
            .map(|c| {
                let opened = c
                    .opened_on
                    .map(|d| format!(", {} {d}", t.get("case.opened")))
                    .unwrap_or_default();
                format!(
                    "{} {} — {}{opened}",
                    t.get("case.article"),
                    c.article,
                    t.label("criminal_status", c.status.as_str())
                )
            })
            .collect(),
        claim_groups: group_claims(&case.claims)
            .into_iter()
            .map(|group| ClaimGroupView {
                fact: group.fact.to_string().replace('_', " "),
                contradicted: group.contradicted,
                claims: group
                    .claims
                    .iter()
                    .map(|claim| ClaimView {
                        assertion: claim.assertion().to_owned(),
                        date: or_dash(claim.date().map(|d| d.to_string())),
                        source: format!(
                            "{}: {}",
                            t.label("source", claim.source().kind().as_str()),
                            claim.source().reference()
                        ),
                        confidence: t.label("confidence", claim.confidence().as_str()),
                        evidence: claim
                            .evidence()
                            .iter()
                            .map(|link| CitationView::of(t, link, items))
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        notes: case.notes.clone(),
    }
}
