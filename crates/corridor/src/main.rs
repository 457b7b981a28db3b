//! `corridor`: the command line. Each command opens the store, does one thing through the app
//! crate, and exits 0 on success, 1 on failure (with one clear line on stderr), 2 on misuse.

mod alerts;
mod cli;
mod commands;
mod datadir;
mod dossier;
mod evidence;
mod lists;
mod output;
mod passphrase;
mod show;
mod triage;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// A command's failure: the message for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    /// The command was used wrongly (bad argument, missing passphrase): exit code 2.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    /// The command could not do its work: exit code 1.
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}

impl From<corridor_app::AppError> for Failure {
    fn from(error: corridor_app::AppError) -> Self {
        Failure::failed(error.to_string())
    }
}

impl From<corridor_store::StoreError> for Failure {
    fn from(error: corridor_store::StoreError) -> Self {
        Failure::failed(error.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let global = &cli.global;
        match cli.command {
            Command::Init(args) => commands::init(global, args).await,
            Command::Serve(args) => commands::serve(global, args).await,
            Command::Case(command) => commands::case(global, command).await,
            Command::Backup { out } => commands::backup(global, &out).await,
            Command::Restore { file } => commands::restore(global, &file).await,
            Command::Demo(args) => commands::demo(global, args).await,
            Command::User(command) => commands::user(global, command).await,
            Command::Audit(command) => commands::audit(global, command).await,
            Command::Token(command) => commands::token(global, command).await,
            Command::Screen(command) => commands::screen(global, command),
            Command::Lists(command) => lists::command(global, command),
            Command::Evidence(command) => evidence::command(global, command).await,
            Command::Triage(command) => triage::command(global, command).await,
            Command::Dossier(command) => dossier::command(global, command).await,
            Command::Alerts(command) => alerts::command(global, command).await,
            Command::Report(command) => alerts::report(global, command).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Logs go to stderr; `CORRIDOR_LOG` (e.g. `debug`) sets the level. Log lines carry ids and
/// counts, never a sealed value.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CORRIDOR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,corridor=info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
}
