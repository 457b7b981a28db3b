//! The web crate's one integration-test binary: pages, forms and the authorisation matrix,
//! requested through the router as a browser would (no network needed).

mod admin;
mod forms;
mod pages;
mod referrals;
mod support;
