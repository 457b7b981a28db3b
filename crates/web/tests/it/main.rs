//! The web crate's one integration-test binary: pages, forms, administration, referrals and
//! the authorisation matrix, requested through the router as a browser would (no network
//! needed); then the same application in headless Chromium.

mod admin;
mod alerts;
mod api;
mod browser;
mod evidence;
mod forms;
mod gaps;
mod openapi;
mod pages;
mod referrals;
mod site;
mod support;
mod triage;
mod upload;
mod watch;
mod webdriver;
