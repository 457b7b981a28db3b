//! The command line, as clap sees it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "corridor",
    version,
    about = "Corridor: case management, screening and triage for people at risk of deportation to Russia"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Where the store, its keys' header and the program files live.
    #[arg(
        long,
        global = true,
        env = "CORRIDOR_DATA_DIR",
        default_value = "./corridor-data"
    )]
    pub data_dir: PathBuf,
    /// Read the passphrase from this file (first line). Otherwise CORRIDOR_PASSPHRASE, otherwise a prompt.
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Use this PostgreSQL database instead of the SQLite file in the data directory.
    #[arg(
        long,
        global = true,
        env = "CORRIDOR_DATABASE_URL",
        value_name = "postgres://…",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the data directory, the keys and the first organisation.
    Init(InitArgs),
    /// Start the web server.
    Serve(ServeArgs),
    /// Add, list, show and purge cases.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Write a consistent, still sealed snapshot of the store to a file.
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Restore a backup file into the (new, empty) store of --data-dir.
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Manage user accounts as the operator.
    #[command(subcommand)]
    User(UserCommand),
    /// Without a subcommand: a throw-away store with 1,000 synthetic cases, served locally.
    Demo(DemoArgs),
    /// Check and read the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Issue, list and revoke API tokens as the operator.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Name screening.
    #[command(subcommand)]
    Screen(ScreenCommand),
    /// Sanctions and registry lists kept in the data directory.
    #[command(subcommand)]
    Lists(ListsCommand),
    /// Evidence files and records of a case, sealed (files in DATA_DIR/blobs).
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Assessment and selection for a program's places.
    #[command(subcommand)]
    Triage(TriageCommand),
    /// Referral dossiers: build a signed one, verify one.
    #[command(subcommand)]
    Dossier(DossierCommand),
    /// Removal watch: the alerts the cases raise.
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// Reports for publication.
    #[command(subcommand)]
    Report(ReportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// People detained, removed, referred, accepted and arrived, by month: no field finer than
    /// a month, nothing that identifies a person, counts under five shown as "<5".
    Aggregate {
        /// CSV (`month,milestone,count`) instead of a table.
        #[arg(long)]
        csv: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// The alerts of every open case as of a day, loudest first: level, rule, case id, the day
    /// it is about. Names are never printed.
    List {
        /// The day to look from (YYYY-MM-DD); today when not given.
        #[arg(long, value_name = "DATE")]
        now: Option<String>,
        /// One JSON array of alerts (level, rule, case, on, why).
        #[arg(long)]
        json: bool,
    },
    /// Move removed people whose check-ins have stopped long enough to `lost contact`, as of a
    /// day (the server does this hourly); prints the case ids moved.
    Sweep {
        /// The day to look from (YYYY-MM-DD), and to record the moves at (noon UTC); now
        /// when not given.
        #[arg(long, value_name = "DATE")]
        now: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DossierCommand {
    /// Issue a case's referral dossier, signed with its organisation's key: writes
    /// `dossier-<case>-v<N>.pdf` and `.json` into DIR and prints the key's fingerprint.
    Build {
        #[arg(long, value_name = "ID")]
        case: String,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Check a dossier's JSON: its signature, its content, and the PDF beside it (same name,
    /// `.pdf`) against the hash it carries. Needs no data directory.
    Verify {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The issuer's public key (64 hex digits), obtained by another channel: without it,
        /// a valid signature only shows who signed, not that they are who you expect.
        #[arg(long, value_name = "HEX")]
        key: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// Assess the open cases of a program and choose the family units its places go to,
    /// exactly (never splitting a family), with why each is in or out.
    Select {
        /// The program's slug; without it, the program with the most open cases.
        #[arg(long, value_name = "NAME")]
        program: Option<String>,
        /// Places in persons, instead of what the program has left (a what-if).
        #[arg(long, value_name = "N")]
        capacity: Option<u32>,
        /// The day to assess on (YYYY-MM-DD); today when not given.
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// One JSON object: capacity, persons_selected, selected (units with their case ids
        /// and persons), and every unit with why it is in or out.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Add a file to a case: streamed in sealed, its type read from its content, its SHA-256
    /// printed. Prints the new item's id.
    Add {
        #[arg(long, value_name = "ID")]
        case: String,
        #[arg(long, value_name = "PATH")]
        file: PathBuf,
        #[arg(long, value_enum)]
        kind: EvidenceKindArg,
        /// What it shows (the activity or persecution).
        #[arg(long)]
        activity: Option<String>,
        /// When it happened: 2022, 2022-03 or 2022-03-06.
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        place: Option<String>,
        /// Where it was published (http or https).
        #[arg(long)]
        url: Option<String>,
        /// Who gave it to the organisation.
        #[arg(long)]
        supplied_by: Option<String>,
    },
    /// The items of a case.
    List {
        #[arg(long, value_name = "ID")]
        case: String,
        #[arg(long)]
        json: bool,
    },
    /// Write an item's file to PATH (which must not exist), checking its SHA-256.
    Get {
        id: String,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
}

/// The evidence kinds, as `evidence add --kind` takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum EvidenceKindArg {
    SocialMediaPost,
    Publication,
    ProtestMedia,
    CourtDocument,
    RegistryEntry,
    MediaReport,
    SupportLetter,
    Testimony,
    Other,
}

#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Read a list file, and keep it in DATA_DIR/lists for screening (a newer file of the same
    /// kind replaces the older one). For `ofac`, give sdn.csv; alt.csv and add.csv beside it
    /// come along.
    Import {
        #[arg(value_enum)]
        kind: ListKind,
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
        /// Stop at the first malformed record instead of skipping it.
        #[arg(long)]
        stop_on_error: bool,
    },
    /// The lists kept, with their entries and when they were imported.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Who is listed by the US, EU, UK or UN with a Russia link but not by Canada: the same
    /// person or entity resolved across lists, one line (or CSV row) each.
    Compare {
        /// Directory of list files; by default the lists imported into DATA_DIR/lists.
        #[arg(long, value_name = "DIR")]
        lists: Option<std::path::PathBuf>,
        /// Also write the result as CSV to this file.
        #[arg(long, value_name = "FILE")]
        csv: Option<std::path::PathBuf>,
    },
}

/// The list formats `lists import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ListKind {
    Ofac,
    Un,
    Sema,
    Ftm,
    Targets,
    Eu,
    Uk,
}

#[derive(Debug, Subcommand)]
pub enum ScreenCommand {
    /// Screen one name against the lists: every list file recognised in --lists is loaded
    /// (sdn.csv with alt.csv and add.csv, consolidated.xml, sema*.xml, *.ftm.json,
    /// targets.simple.csv, eu*.xml, ConList*.csv).
    Query {
        #[arg(long)]
        name: String,
        /// Date of birth: 1970, 1970-02 or 1970-02-03.
        #[arg(long)]
        dob: Option<String>,
        /// Directory of list files; by default the lists imported into DATA_DIR/lists.
        #[arg(long, value_name = "DIR")]
        lists: Option<PathBuf>,
        /// Score from which a listed name is reported.
        #[arg(long, default_value_t = corridor_screen::DEFAULT_THRESHOLD)]
        threshold: f64,
        #[arg(long)]
        json: bool,
    },
    /// Measure the name matcher on labelled pairs (CSV with `schema`, `name1`, `name2`,
    /// `is_match`): precision, recall, F1 and pairs per second; the last line is
    /// `precision=P recall=R f1=F`.
    Eval {
        #[arg(long, value_name = "FILE")]
        pairs: PathBuf,
        /// Score from which two names are called one.
        #[arg(long, default_value_t = corridor_screen::DEFAULT_THRESHOLD)]
        threshold: f64,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Name of the first organisation.
    #[arg(long, default_value = "Local organisation")]
    pub organisation: String,
    /// Username of the first administrator. Their password comes from --admin-password-file,
    /// else CORRIDOR_ADMIN_PASSWORD, else a prompt; they enrol TOTP at their first sign-in.
    #[arg(long, default_value = "admin")]
    pub admin: String,
    #[arg(long, value_name = "FILE")]
    pub admin_password_file: Option<std::path::PathBuf>,
    /// Cheap key derivation, for automated tests only: never for real data.
    #[arg(long, hide = true)]
    pub insecure_fast_kdf: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Anything but loopback needs --behind-tls.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Corridor is reached through a TLS-terminating proxy: mark cookies Secure.
    #[arg(long)]
    pub behind_tls: bool,
    /// How often to look for lists imported meanwhile (`corridor lists import`), in seconds;
    /// a change reloads them and screens everyone again. 0 turns this off.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub lists_poll_secs: u64,
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Add a case from a JSON file (see examples/case.json); prints only the new case id.
    Add {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// List live cases.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one case.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Destroy a case's key and sealed data for good, leaving a tombstone.
    Purge {
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain against its sealed head: exit 0 if intact, 1 naming the first bad
    /// entry.
    Verify,
    /// List entries, newest first.
    List {
        /// Only entries about this case.
        #[arg(long, value_name = "ID")]
        case: Option<String>,
        /// Only entries of this action, e.g. case_read.
        #[arg(long)]
        action: Option<String>,
        /// Only entries of this actor: user:<uuid>, token:<id>, operator, public or anonymous.
        #[arg(long)]
        actor: Option<String>,
        /// At most this many entries.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user in the first organisation (or --organisation). The password comes from
    /// --password-file, else CORRIDOR_USER_PASSWORD, else a prompt; TOTP is enrolled at the
    /// first sign-in.
    Add {
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long, value_name = "ORGANISATION_ID")]
        organisation: Option<String>,
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token that acts as USER, limited to the scopes. Prints the token on stdout, once:
    /// it is not stored and cannot be shown again.
    Create {
        /// The user the token acts as.
        #[arg(long, value_name = "NAME")]
        user: String,
        /// What the token may be used for (repeat for several): cases:read, cases:write,
        /// cases:share.
        #[arg(long = "scope", value_name = "SCOPE", required = true)]
        scopes: Vec<String>,
        /// What the token is for (plain text, stored as is: name a purpose, never a person).
        #[arg(long)]
        label: String,
        /// Days until the token expires (1 to 365).
        #[arg(long, default_value_t = corridor_core::api_token::DEFAULT_TOKEN_DAYS)]
        days: u16,
    },
    /// List every organisation's tokens (never their secrets).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token at once. Revoking a revoked token changes nothing.
    Revoke { id: String },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub command: Option<DemoCommand>,
    /// Address for the demo server.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// How many synthetic cases the throw-away store gets.
    #[arg(long, default_value_t = 1000)]
    pub cases: u32,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Add N synthetic cases to the store of --data-dir.
    Seed {
        #[arg(long, default_value_t = 1000)]
        cases: u32,
        /// Seed for the generator, for repeatable data.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Print a user's current TOTP code (for demo stores: the operator can open the secret).
    Totp { username: String },
}
