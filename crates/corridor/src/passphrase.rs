//! Where the passphrase comes from: `--passphrase-file`, then `CORRIDOR_PASSPHRASE`, then an
//! interactive prompt. It is held in memory that is wiped on drop and never logged.

use std::io::IsTerminal;
use std::path::Path;

use corridor_crypto::Zeroizing;

use crate::Failure;

pub const ENV: &str = "CORRIDOR_PASSPHRASE";
pub const ADMIN_PASSWORD_ENV: &str = "CORRIDOR_ADMIN_PASSWORD";
pub const USER_PASSWORD_ENV: &str = "CORRIDOR_USER_PASSWORD";
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

/// The first administrator's password: `--admin-password-file`, then `CORRIDOR_ADMIN_PASSWORD`,
/// then a prompt (typed twice). Its rules are checked by the account policy.
pub fn admin_password(file: Option<&Path>) -> Result<Passphrase, Failure> {
    new_password(file, ADMIN_PASSWORD_ENV)
}

/// A new user's password: the file, then `CORRIDOR_USER_PASSWORD`, then a prompt (twice).
pub fn user_password(file: Option<&Path>) -> Result<Passphrase, Failure> {
    new_password(file, USER_PASSWORD_ENV)
}

fn new_password(file: Option<&Path>, env: &str) -> Result<Passphrase, Failure> {
    obtain_from(file, env, || {
        let first = prompt("Password: ")?;
        let second = prompt("Repeat the password: ")?;
        if *first != *second {
            return Err(Failure::usage("the two passwords differ"));
        }
        Ok(first)
    })
}

fn obtain(
    file: Option<&Path>,
    ask: impl FnOnce() -> Result<Passphrase, Failure>,
) -> Result<Passphrase, Failure> {
    obtain_from(file, ENV, ask)
}

fn obtain_from(
    file: Option<&Path>,
    env: &str,
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
    } else if let Ok(value) = std::env::var(env) {
        Zeroizing::new(value)
    } else if std::io::stdin().is_terminal() {
        ask()?
    } else {
        return Err(Failure::usage(format!(
            "no {what}: set {env}, pass a file, or run in a terminal to be asked",
            what = if env == ENV { "passphrase" } else { "password" }
        )));
    };
    if passphrase.is_empty() {
        return Err(Failure::usage(format!(
            "the value from {env} or the file is empty"
        )));
    }
    Ok(passphrase)
}

fn prompt(text: &str) -> Result<Passphrase, Failure> {
    rpassword::prompt_password(text)
        .map(Zeroizing::new)
        .map_err(|e| Failure::usage(format!("cannot read the passphrase: {e}")))
}
