//! The text view of one case for `corridor case show ID`.

use std::fmt::Write;

use corridor_core::{Case, group_claims};

/// A terminal-friendly summary of a case.
pub fn describe(case: &Case) -> String {
    let mut out = String::new();
    let p = &case.person;
    let us = &case.us_status;
    let risk = &case.russia_risk;
    // Writing to a String cannot fail.
    let _ = writeln!(out, "Case {}", case.id);
    let _ = writeln!(out, "  stage        {}", case.stage.label());
    let _ = writeln!(out, "  program      {}", case.program);
    for name in p.names.iter() {
        let _ = writeln!(
            out,
            "  name         {} ({}, {})",
            name.text(),
            name.kind().label(),
            name.script().label()
        );
    }
    if let Some(born) = p.birth_date {
        let _ = writeln!(out, "  born         {born}");
    }
    if let Some(a_number) = &us.a_number {
        let _ = writeln!(out, "  A-number     {a_number}");
    }
    let _ = writeln!(out, "  custody      {}", us.custody.label());
    let _ = writeln!(out, "  proceedings  {}", us.proceedings.label());
    if let Some(date) = us.final_order_date {
        let _ = writeln!(out, "  final order  {date}");
    }
    if let Some(date) = us.scheduled_removal {
        let _ = writeln!(out, "  REMOVAL      {date}");
    }
    for hearing in &us.hearings {
        let _ = writeln!(
            out,
            "  hearing      {} {}",
            hearing.date,
            hearing.kind.label()
        );
    }
    let _ = writeln!(out, "  Russia risk  {}", risk.level().label());
    for reason in risk.reasons() {
        let _ = writeln!(out, "               - {reason}");
    }
    for group in group_claims(&case.claims) {
        let flag = if group.contradicted {
            "  [contradicting reports]"
        } else {
            ""
        };
        let _ = writeln!(out, "  claim        {}{flag}", group.fact);
        for claim in group.claims {
            let _ = writeln!(
                out,
                "               - {} ({}; {}, {})",
                claim.assertion(),
                claim
                    .date()
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "undated".to_owned()),
                claim.source().kind().label(),
                claim.confidence().label()
            );
        }
    }
    if let Some(notes) = &case.notes {
        let _ = writeln!(out, "  notes        {notes}");
    }
    out
}
