//! Where the passphrase comes from: `--passphrase-file`, then `CORRIDOR_PASSPHRASE`, then an
//! interactive prompt. It is held in memory that is wiped on drop and never logged.

use std::io::IsTerminal;
use std::path::Path;

use corridor_crypto::Zeroizing;

use crate::Failure;

pub const ENV: &str = "CORRIDOR_PASSPHRASE";
const MIN_NEW_LENGTH: usize = 12;

pub type Passphrase = Zeroizing<String>;

/// The passphrase of an existing store.
pub fn existing(file: Option<&Path>) -> Result<Passphrase, Failure> {
    obtain(file, || prompt("Passphrase: "))
}

/// A passphrase for a new store: at least 12 characters; typed twice when prompted.
pub fn new(file: Option<&Path>) -> Result<Passphrase, Failure> {
    let passphrase = obtain(file, || {
        let first = prompt("New passphrase: ")?;
        let second = prompt("Repeat the passphrase: ")?;
        if *first != *second {
            return Err(Failure::usage("the two passphrases differ"));
        }
        Ok(first)
    })?;
    if passphrase.chars().count() < MIN_NEW_LENGTH {
        return Err(Failure::usage(format!(
            "the passphrase must have at least {MIN_NEW_LENGTH} characters"
        )));
    }
    Ok(passphrase)
}

fn obtain(
    file: Option<&Path>,
    ask: impl FnOnce() -> Result<Passphrase, Failure>,
) -> Result<Passphrase, Failure> {
    let passphrase = if let Some(file) = file {
        let text = Zeroizing::new(std::fs::read_to_string(file).map_err(|e| {
            Failure::usage(format!(
                "cannot read the passphrase file {}: {e}",
                file.display()
            ))
        })?);
        Zeroizing::new(text.lines().next().unwrap_or_default().to_owned())
    } else if let Ok(value) = std::env::var(ENV) {
        Zeroizing::new(value)
    } else if std::io::stdin().is_terminal() {
        ask()?
    } else {
        return Err(Failure::usage(format!(
            "no passphrase: set {ENV}, pass --passphrase-file, or run in a terminal to be asked"
        )));
    };
    if passphrase.is_empty() {
        return Err(Failure::usage("the passphrase is empty"));
    }
    Ok(passphrase)
}

fn prompt(text: &str) -> Result<Passphrase, Failure> {
    rpassword::prompt_password(text)
        .map(Zeroizing::new)
        .map_err(|e| Failure::usage(format!("cannot read the passphrase: {e}")))
}
