//! The CLI, driven as a user drives it: the real binary, a real data directory, real files.

mod alerts;
mod audit;
mod backup;
mod bad_input;
mod canary;
mod cases;
mod dossier;
mod screen;
mod support;
mod tokens;
mod triage;
