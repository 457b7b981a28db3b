//! Selection under a program's capacity.
