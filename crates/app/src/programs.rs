//! Programs are data: one TOML file per program in `<data-dir>/programs`, loaded at start.
//! `corridor init` writes the built-in defaults there; people edit or add files.

use std::path::Path;

use corridor_core::{Program, ProgramCatalog};

use crate::error::{AppError, Result};

/// The programs a new data directory starts with (file name, contents).
pub const DEFAULT_PROGRAMS: &[(&str, &str)] = &[
    (
        "ca-public-policy-2026.toml",
        include_str!("../../../programs/ca-public-policy-2026.toml"),
    ),
    (
        "ca-human-rights-defenders.toml",
        include_str!("../../../programs/ca-human-rights-defenders.toml"),
    ),
    (
        "ca-government-assisted.toml",
        include_str!("../../../programs/ca-government-assisted.toml"),
    ),
    (
        "ca-bvor.toml",
        include_str!("../../../programs/ca-bvor.toml"),
    ),
    (
        "ca-private-sponsorship.toml",
        include_str!("../../../programs/ca-private-sponsorship.toml"),
    ),
    (
        "ca-psr-group-of-five.toml",
        include_str!("../../../programs/ca-psr-group-of-five.toml"),
    ),
    (
        "ca-psr-community-sponsor.toml",
        include_str!("../../../programs/ca-psr-community-sponsor.toml"),
    ),
];

/// Writes the default program files into `dir`, leaving any existing file alone.
pub fn write_default_programs(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, contents) in DEFAULT_PROGRAMS {
        let path = dir.join(name);
        if !path.exists() {
            std::fs::write(path, contents)?;
        }
    }
    Ok(())
}

/// Loads every `*.toml` in `dir`. A bad file is an error naming the file and the field.
pub fn load_programs(dir: &Path) -> Result<ProgramCatalog> {
    let read_error = |e: std::io::Error| {
        AppError::Programs(format!(
            "cannot read the programs in {}: {e}",
            dir.display()
        ))
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(read_error)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    let mut programs = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(read_error)?;
        let program = Program::from_toml(&text)
            .map_err(|e| AppError::Programs(format!("{}: {e}", path.display())))?;
        programs.push(program);
    }
    ProgramCatalog::from_programs(programs).map_err(|e| AppError::Programs(e.to_string()))
}

/// The built-in programs, without touching the disk (for tests and benchmarks).
pub fn default_catalog() -> ProgramCatalog {
    let programs = DEFAULT_PROGRAMS
        .iter()
        .map(|(_, text)| Program::from_toml(text).expect("built-in program files are valid"))
        .collect();
    ProgramCatalog::from_programs(programs).expect("built-in program slugs are unique")
}
