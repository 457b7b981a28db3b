//! Choosing which family units a program's capacity takes: exactly, not greedily.
