//! `corridor triage select`: a program's priority board at the command line, as the operator
//! (every organisation's cases). Names are not printed: the board says which case ids are
//! chosen and why, and `corridor case show` reads a case when a person must.

use chrono::NaiveDate;
use corridor_app::{Corridor, Custodian, TriageBoard};
use corridor_core::{CaseId, ProgramSlug, parse_full_date};
use serde::Serialize;

use crate::Failure;
use crate::cli::{Global, TriageCommand};
use crate::commands::{print_json, unseal};
use crate::output::out;

pub async fn command(global: &Global, command: TriageCommand) -> Result<(), Failure> {
    match command {
        TriageCommand::Select {
            program,
            capacity,
            today,
            json,
        } => {
            let program = program
                .map(|p| {
                    p.parse::<ProgramSlug>()
                        .map_err(|e| Failure::usage(format!("--program: {e}")))
                })
                .transpose()?;
            let today = match today {
                Some(day) => {
                    parse_full_date(&day).map_err(|e| Failure::usage(format!("--today: {e}")))?
                }
                None => chrono::Utc::now().date_naive(),
            };
            let corridor = unseal(global).await?;
            let result = select(&corridor, program, capacity, today).await;
            corridor.close().await;
            let board = result?;
            if json {
                print_json(&Selected::of(&board))
            } else {
                print_board(&board, today)
            }
        }
    }
}

async fn select(
    corridor: &Corridor,
    program: Option<ProgramSlug>,
    capacity: Option<u32>,
    today: NaiveDate,
) -> Result<TriageBoard, Failure> {
    let program = match program {
        Some(program) => program,
        None => corridor
            .busiest_program()
            .await?
            .ok_or_else(|| Failure::failed("no open case in any program"))?,
    };
    Ok(corridor
        .triage_board(Custodian::Operator, &program, capacity, today, false)
        .await?)
}

/// The JSON shape: what was chosen first, then every unit with its reason.
#[derive(Serialize)]
struct Selected<'a> {
    program: &'a ProgramSlug,
    capacity: u32,
    persons_selected: u32,
    selected: Vec<UnitJson<'a>>,
    units: Vec<UnitJson<'a>>,
}

#[derive(Serialize)]
struct UnitJson<'a> {
    case_ids: &'a [CaseId],
    persons: u32,
    value: u64,
    priority: corridor_core::PriorityLevel,
    days_left: i64,
    selected: bool,
    why: &'a str,
}

impl<'a> Selected<'a> {
    fn of(board: &'a TriageBoard) -> Selected<'a> {
        let unit = |u: &'a corridor_core::triage::BoardUnit| UnitJson {
            case_ids: &u.cases,
            persons: u.persons,
            value: u.value,
            priority: u.priority,
            days_left: u.days_left,
            selected: u.selected,
            why: &u.why,
        };
        Selected {
            program: &board.program,
            capacity: board.board.capacity,
            persons_selected: board.board.persons_selected,
            selected: board.board.selected().map(unit).collect(),
            units: board.board.units.iter().map(unit).collect(),
        }
    }
}

fn print_board(board: &TriageBoard, today: NaiveDate) -> Result<(), Failure> {
    let b = &board.board;
    out!(
        "{}: {} places, {} spoken for, {} to fill; assessed on {today}",
        board.program,
        board.program_capacity,
        board.committed,
        b.capacity
    )?;
    out!(
        "selected {} persons in {} units (objective {})",
        b.persons_selected,
        b.selected().count(),
        b.total_value
    )?;
    for unit in &b.units {
        let cases: Vec<String> = unit.cases.iter().map(ToString::to_string).collect();
        out!(
            "{} {:9} {:>4} days  {} person{}  value {:>5}  {}",
            if unit.selected { "IN " } else { "out" },
            unit.priority.label(),
            unit.days_left,
            unit.persons,
            if unit.persons == 1 { " " } else { "s" },
            unit.value,
            cases.join(" ")
        )?;
        out!("    {}", unit.why)?;
    }
    Ok(())
}
