//! Integration tests for `corridor-core`'s public API: one binary, one module per idea.

mod a_number;
mod assessment;
mod audit;
mod claims;
mod input;
mod partial_date;
mod program;
mod report;
mod screening;
mod selection;
mod triage;
mod watch;
mod workflow;
