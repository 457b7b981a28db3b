//! Integration tests of `corridor-blobs`: one binary, one module per area. Every test runs
//! against a local directory, and against S3 when `CORRIDOR_TEST_S3_URL` is set (see
//! `support`).

mod interrupted;
mod leaks;
mod props;
mod ranges;
mod round_trip;
mod support;
mod tamper;
