//! The use cases against a real SQLite store: sealing, crypto-shredding, the name index, the
//! workflow. (The store's own behaviour is covered by its conformance suite.)

mod accounts;
mod api_tokens;
mod audit;
mod cases;
mod decisions;
mod editing;
mod evidence;
mod referrals;
mod review;
mod screening;
mod sealing;
mod support;
mod visibility;
mod watch;
