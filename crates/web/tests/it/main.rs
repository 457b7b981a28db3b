//! The read-only pages, requested through the router as a browser would (no network needed),
//! and the loopback rule of `serve`.

mod api;
mod openapi;
mod pages;
