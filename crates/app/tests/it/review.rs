//! Automatic screening of cases and the review queue: what is raised, when it is raised again,
//! what lapses, who decides, and what the audit log and the disk keep.

use corridor_app::{AlertView, AppError, CaseView, Principal};
use corridor_core::{
    Actor, AlertId, AlertStatus, AuditAction, AuditOutcome, CaseDetails, CaseId, DecisionReason,
    NameKind, PersonName, Role, Verdict,
};
use corridor_screen::lists::{EntityKind, ListEntry, ListSource};
use corridor_screen::screening::ListIndex;
use corridor_store::{AuditFilter, Page};

use crate::support::{TestCorridor, contains, example};

struct World {
    t: TestCorridor,
    caseworker: Principal,
    analyst: Principal,
    outsider: Principal,
}

async fn world() -> World {
    let t = TestCorridor::new().await;
    let admin = t.first_admin().await;
    let caseworker = t
        .member(&admin, t.organisation, "casey", Role::Caseworker)
        .await;
    let analyst = t.member(&admin, t.organisation, "ana", Role::Analyst).await;
    let other = t.organisation("Other").await;
    let outsider = t.member(&admin, other, "otto", Role::Analyst).await;
    World {
        t,
        caseworker,
        analyst,
        outsider,
    }
}

/// The example case's person as an OFAC entry lists her (synthetic), born in the same month.
fn listed_pustovoitova() -> ListEntry {
    ListEntry {
        birth_dates: vec!["1991-06-12".to_owned()],
        nationalities: vec!["Russia".to_owned()],
        programs: vec!["RUSSIA-EO14024".to_owned()],
        ..ListEntry::new(
            ListSource::OfacSdn,
            "90001",
            EntityKind::Person,
            "PUSTOVOITOVA, Iaroslava Glebovna",
        )
    }
}

fn unrelated() -> ListEntry {
    ListEntry::new(
        ListSource::OfacSdn,
        "90002",
        EntityKind::Person,
        "KOROBOV, Igor Valentinovich",
    )
}

fn index(entries: Vec<ListEntry>) -> ListIndex {
    let mut index = ListIndex::new();
    index.extend(entries);
    index
}

fn reason(text: &str) -> DecisionReason {
    DecisionReason::new(text).expect("reason")
}

async fn queue(w: &World, status: Option<AlertStatus>) -> Vec<AlertView> {
    w.t.corridor
        .screening_queue_for(&w.analyst, status)
        .await
        .expect("queue")
}

async fn add_example(w: &World) -> CaseId {
    w.t.corridor
        .add_case_for(&w.caseworker, example())
        .await
        .expect("add")
}

/// Both list entries loaded, then the example case added: it raises one alert.
async fn listed_case(w: &World) -> (CaseId, AlertId) {
    w.t.corridor
        .update_lists(index(vec![listed_pustovoitova(), unrelated()]))
        .await
        .expect("lists");
    let case = add_example(w).await;
    (case, queue(w, None).await[0].id)
}

async fn live(w: &World, id: CaseId) -> corridor_core::Case {
    match w.t.corridor.case(id).await.expect("case") {
        CaseView::Live(case) => *case,
        CaseView::Purged(_) => panic!("purged"),
    }
}

async fn audit_of(w: &World, action: AuditAction) -> Vec<corridor_core::AuditEntry> {
    let filter = AuditFilter {
        action: Some(action),
        ..AuditFilter::default()
    };
    w.t.corridor
        .audit_log(&filter, Page::new(0, 100))
        .await
        .expect("log")
}

#[tokio::test]
async fn a_new_case_that_may_be_listed_raises_one_pending_alert_with_its_reasons() {
    let w = world().await;
    w.t.corridor
        .update_lists(index(vec![listed_pustovoitova(), unrelated()]))
        .await
        .expect("lists");
    let case = add_example(&w).await;

    let pending = queue(&w, Some(AlertStatus::Pending)).await;
    assert_eq!(pending.len(), 1, "{pending:?}");
    let alert = &pending[0];
    assert_eq!(alert.case_id, case);
    assert_eq!(alert.case_name, "Ярослава Глебовна Пустовойтова");
    assert_eq!(alert.facts.listed.list, "ofac_sdn");
    assert_eq!(alert.facts.listed.entry_id, "90001");
    assert_eq!(alert.facts.listed_name, "PUSTOVOITOVA, Iaroslava Glebovna");
    assert!(alert.facts.score >= 0.7, "{}", alert.facts.score);
    assert_eq!(alert.facts.programs, ["RUSSIA-EO14024"]);
    let explanation = alert.facts.explanation.join("\n");
    assert!(explanation.contains("the same word"), "{explanation}");
    assert!(explanation.contains("birth date agrees"), "{explanation}");
    assert!(explanation.contains("nationality agrees"), "{explanation}");
    assert_eq!((alert.decided_at, alert.reason.clone()), (None, None));

    // Raised by Corridor itself, naming the case and the alert, never a name.
    let raised = audit_of(&w, AuditAction::ScreeningAlertRaised).await;
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0].event.actor, Actor::System);
    assert_eq!(raised[0].event.case, Some(case));
    assert_eq!(raised[0].event.subject, Some(alert.id.to_string()));
    let text = format!("{raised:?}");
    assert!(!text.contains("PUSTOVOIT") && !text.contains("Пустовойт"));

    // The facts are sealed: neither name is on disk in the clear.
    let disk = w.t.disk_bytes();
    assert!(!contains(&disk, "PUSTOVOITOVA, Iaroslava".as_bytes()));
    assert!(!contains(&disk, "Пустовойтова".as_bytes()));
}

#[tokio::test]
async fn only_analysts_of_the_cases_organisation_see_and_decide_its_alerts() {
    let w = world().await;
    w.t.corridor
        .update_lists(index(vec![listed_pustovoitova()]))
        .await
        .expect("lists");
    let case = add_example(&w).await;
    let alert = queue(&w, None).await[0].id;

    let err =
        w.t.corridor
            .screening_queue_for(&w.caseworker, None)
            .await
            .expect_err("caseworkers do not review screening");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let err =
        w.t.corridor
            .decide_alert_for(&w.caseworker, alert, Verdict::NoMatch, reason("no"))
            .await
            .expect_err("caseworkers do not decide");
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");

    let theirs =
        w.t.corridor
            .screening_queue_for(&w.outsider, None)
            .await
            .expect("queue");
    assert!(
        theirs.is_empty(),
        "another organisation's alerts are not shown"
    );
    for result in [
        w.t.corridor
            .decide_alert_for(&w.outsider, alert, Verdict::NoMatch, reason("no"))
            .await,
        w.t.corridor
            .screening_alert_for(&w.outsider, alert)
            .await
            .map(|_| ()),
    ] {
        let err = result.expect_err("not theirs");
        assert!(
            matches!(err, AppError::AlertNotFound(id) if id == alert),
            "{err}"
        );
    }
    let err =
        w.t.corridor
            .decide_alert_for(&w.analyst, AlertId::random(), Verdict::Match, reason("x"))
            .await
            .expect_err("unknown");
    assert!(matches!(err, AppError::AlertNotFound(_)), "{err}");
    assert_eq!(
        queue(&w, Some(AlertStatus::Pending)).await.len(),
        1,
        "refusals changed nothing"
    );

    let denied = audit_of(&w, AuditAction::ScreeningAlertDecided).await;
    // The caseworker, the outsider and the unknown alert (the outsider's read is audited as a
    // read of the queue).
    assert_eq!(denied.len(), 3);
    assert!(
        denied
            .iter()
            .all(|e| e.event.outcome == AuditOutcome::Denied)
    );

    w.t.corridor
        .decide_alert_for(
            &w.analyst,
            alert,
            Verdict::Match,
            reason("Same birth date and patronymic; passport copy agrees."),
        )
        .await
        .expect("decide");
    let decided =
        w.t.corridor
            .screening_alert_for(&w.analyst, alert)
            .await
            .expect("read");
    assert_eq!(decided.status, AlertStatus::Match);
    assert_eq!(decided.case_id, case);
    assert_eq!(decided.decided_by, Some(w.analyst.user));
    assert_eq!(decided.decided_by_name.as_deref(), Some("ana"));
    assert_eq!(
        decided.reason.as_ref().map(DecisionReason::as_str),
        Some("Same birth date and patronymic; passport copy agrees.")
    );
    let err =
        w.t.corridor
            .decide_alert_for(
                &w.analyst,
                alert,
                Verdict::NoMatch,
                reason("changed my mind"),
            )
            .await
            .expect_err("decided once");
    assert!(
        matches!(
            err,
            AppError::AlertNotPending {
                status: AlertStatus::Match,
                ..
            }
        ),
        "{err}"
    );
    let allowed: Vec<_> = audit_of(&w, AuditAction::ScreeningAlertDecided)
        .await
        .into_iter()
        .filter(|e| e.event.outcome == AuditOutcome::Allowed)
        .collect();
    assert_eq!(allowed.len(), 1);
    assert_eq!(allowed[0].event.actor, Actor::User(w.analyst.user));
    assert_eq!(allowed[0].event.subject, Some(alert.to_string()));
    assert!(
        !contains(&w.t.disk_bytes(), b"passport copy agrees"),
        "the reason is sealed"
    );
}

#[tokio::test]
async fn screening_again_raises_only_what_changed() {
    let w = world().await;
    let (case, first) = listed_case(&w).await;

    // The same lists again, and an edit that leaves the person as they were: nothing new.
    let again =
        w.t.corridor
            .update_lists(index(vec![listed_pustovoitova(), unrelated()]))
            .await
            .expect("again");
    assert_eq!((again.cases, again.raised, again.lapsed), (1, 0, 0));
    let stored = live(&w, case).await;
    let mut details = CaseDetails::of(&stored);
    details.notes = Some("A new note, nothing about the person.".to_owned());
    w.t.corridor
        .update_case_for(&w.caseworker, case, stored.updated_at, details)
        .await
        .expect("edit");
    assert_eq!(queue(&w, None).await.len(), 1);

    // Decided "not a match": the decision stands while nothing changes...
    w.t.corridor
        .decide_alert_for(
            &w.analyst,
            first,
            Verdict::NoMatch,
            reason("Born elsewhere."),
        )
        .await
        .expect("decide");
    let quiet = w.t.corridor.screen_everyone().await.expect("screen");
    assert_eq!((quiet.raised, quiet.lapsed), (0, 0));

    // ...and is asked again when the listed entry changes (a new alias).
    let mut changed = listed_pustovoitova();
    changed.names.push(corridor_screen::lists::ListedName {
        text: "Yaroslava Pustovoytova".to_owned(),
        strength: corridor_screen::lists::NameStrength::Alias,
    });
    let update =
        w.t.corridor
            .update_lists(index(vec![changed.clone(), unrelated()]))
            .await
            .expect("update");
    assert_eq!((update.raised, update.lapsed), (1, 0));
    let pending = queue(&w, Some(AlertStatus::Pending)).await;
    assert_eq!(pending.len(), 1);
    let second = pending[0].id;
    assert_ne!(second, first);
    assert_eq!(
        queue(&w, Some(AlertStatus::NoMatch)).await[0].id,
        first,
        "the old decision is kept as history"
    );

    // A pending alert whose entry leaves the list lapses; a list that is not loaded at all
    // (here: OFAC missing from the reload) lapses nothing.
    let other_list = ListEntry::new(
        ListSource::UnConsolidated,
        "QDi.1",
        EntityKind::Person,
        "Someone Else Entirely",
    );
    let without_ofac =
        w.t.corridor
            .update_lists(index(vec![other_list.clone()]))
            .await
            .expect("update");
    assert_eq!((without_ofac.raised, without_ofac.lapsed), (0, 0));
    let delisted =
        w.t.corridor
            .update_lists(index(vec![unrelated(), other_list]))
            .await
            .expect("update");
    assert_eq!((delisted.raised, delisted.lapsed), (0, 1));
    let lapsed = queue(&w, Some(AlertStatus::Lapsed)).await;
    assert_eq!(lapsed.len(), 1);
    assert_eq!(lapsed[0].id, second);
    assert!(lapsed[0].decided_at.is_some() && lapsed[0].decided_by.is_none());
    let audit = audit_of(&w, AuditAction::ScreeningAlertLapsed).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].event.actor, Actor::System);

    // Listed again: raised again.
    let relisted =
        w.t.corridor
            .update_lists(index(vec![changed]))
            .await
            .expect("update");
    assert_eq!(relisted.raised, 1);
}

#[tokio::test]
async fn a_changed_person_is_screened_again_and_a_decision_on_the_old_facts_asked_again() {
    let w = world().await;
    let (case, first) = listed_case(&w).await;
    w.t.corridor
        .decide_alert_for(
            &w.analyst,
            first,
            Verdict::NoMatch,
            reason("Different person."),
        )
        .await
        .expect("decide");

    // The caseworker learns an alias that matches the other listed person.
    let stored = live(&w, case).await;
    let mut details = CaseDetails::of(&stored);
    details
        .names
        .push(PersonName::new("Igor Korobov", NameKind::Alias).expect("name"));
    w.t.corridor
        .update_case_for(&w.caseworker, case, stored.updated_at, details)
        .await
        .expect("edit");
    let pending = queue(&w, Some(AlertStatus::Pending)).await;
    let mut entries: Vec<&str> = pending
        .iter()
        .map(|a| a.facts.listed.entry_id.as_str())
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        ["90001", "90002"],
        "the new name's match, and the old decision asked again on the new facts"
    );
    let korobov = pending
        .iter()
        .find(|a| a.facts.listed.entry_id == "90002")
        .expect("korobov");
    assert_eq!(korobov.facts.case_name, "Igor Korobov");
}

#[tokio::test]
async fn nothing_is_raised_without_lists_and_a_purged_case_takes_its_alerts_with_it() {
    let w = world().await;
    let case = add_example(&w).await;
    assert!(queue(&w, None).await.is_empty(), "no lists loaded");
    let summary =
        w.t.corridor
            .update_lists(index(vec![listed_pustovoitova()]))
            .await
            .expect("lists");
    assert_eq!(
        (summary.cases, summary.raised),
        (1, 1),
        "the list update found her"
    );

    w.t.corridor.purge(case).await.expect("purge");
    assert!(queue(&w, None).await.is_empty());
    let after = w.t.corridor.screen_everyone().await.expect("screen");
    assert_eq!((after.cases, after.raised, after.lapsed), (0, 0, 0));
}
