//! The read-only pages, requested through the router as a browser would (no network needed),
//! and the loopback rule of `serve`; then the same application in headless Chromium.

mod browser;
mod pages;
mod site;
mod webdriver;
