//! One function per command.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use corridor_app::{CaseView, Corridor, demo, programs};
use corridor_core::{
    Actor, AuditAction, AuditEntry, AuditEvent, AuditOutcome, CaseId, CaseInput, OrgName,
    audit::hex,
};
use corridor_crypto::KdfParams;
use corridor_store::{AuditFilter, CaseFilter, Page};

use crate::Failure;
use crate::cli::{
    AuditCommand, CaseCommand, DemoArgs, DemoCommand, Global, InitArgs, ScreenCommand, ServeArgs,
    TokenCommand, UserCommand,
};
use crate::datadir;
use crate::output::out;
use crate::passphrase;

pub async fn init(global: &Global, args: InitArgs) -> Result<(), Failure> {
    let organisation = OrgName::new(&args.organisation)
        .map_err(|e| Failure::usage(format!("--organisation: {e}")))?;
    if global.database_url.is_none() && datadir::database_path(&global.data_dir).exists() {
        return Err(Failure::failed(format!(
            "{} already holds a Corridor store; nothing was changed",
            global.data_dir.display()
        )));
    }
    let passphrase = passphrase::new(global.passphrase_file.as_deref())?;
    let admin_password = passphrase::admin_password(args.admin_password_file.as_deref())?;
    // Checked before anything is created, so a refused password leaves no half-made store.
    corridor_app::AccountPolicy::default()
        .check_new_credentials(&args.admin, &admin_password)
        .map_err(|e| Failure::usage(format!("--admin: {e}")))?;
    let admin = Admin {
        username: &args.admin,
        password: &admin_password,
    };
    let params = if args.insecure_fast_kdf {
        KdfParams::INSECURE_FAST_FOR_TESTS
    } else {
        KdfParams::DEFAULT
    };
    let organisation = initialise(
        global,
        passphrase.as_bytes(),
        params,
        organisation,
        Some(admin),
    )
    .await?;
    out!(
        "Initialised {} (organisation {}). Administrator `{}` enrols TOTP at the first sign-in.",
        global.data_dir.display(),
        organisation.id,
        args.admin
    )?;
    Ok(())
}

/// The first administrator's credentials, already checked against the policy.
struct Admin<'a> {
    username: &'a str,
    password: &'a str,
}

async fn initialise(
    global: &Global,
    passphrase: &[u8],
    params: KdfParams,
    organisation: OrgName,
    admin: Option<Admin<'_>>,
) -> Result<corridor_core::Organisation, Failure> {
    datadir::create(&global.data_dir)?;
    let programs_dir = datadir::programs_dir(&global.data_dir);
    programs::write_default_programs(&programs_dir)
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", programs_dir.display())))?;
    let programs = programs::load_programs(&programs_dir)?;
    let store = datadir::open(global).await?;
    let (corridor, organisation) =
        Corridor::initialise(store, passphrase, params, organisation, programs).await?;
    let created = match admin {
        Some(admin) => corridor
            .create_first_admin(
                organisation.id,
                admin.username,
                admin.password,
                chrono::Utc::now(),
            )
            .await
            .map(|_| ()),
        None => Ok(()),
    };
    corridor.close().await;
    created?;
    Ok(organisation)
}

/// Opens the store of --data-dir and unlocks it with the passphrase.
pub(crate) async fn unseal(global: &Global) -> Result<Corridor, Failure> {
    let store = datadir::open_existing(global).await?;
    let programs = programs::load_programs(&datadir::programs_dir(&global.data_dir))?;
    let passphrase = passphrase::existing(global.passphrase_file.as_deref())?;
    let mut corridor = Corridor::unseal(store, passphrase.as_bytes(), programs).await?;
    corridor.use_blob_store(datadir::blob_store(&global.data_dir)?);
    corridor.set_check_in_schedule(check_in_schedule(&global.data_dir)?);
    Ok(corridor)
}

/// The check-in schedule after removal: `<data-dir>/watch.toml` if there is one (a bad one
/// stops the command, naming the field), otherwise the default (every 3 days for a month,
/// then weekly).
fn check_in_schedule(
    data_dir: &std::path::Path,
) -> Result<corridor_core::checkin::CheckInSchedule, Failure> {
    let path = data_dir.join("watch.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => corridor_core::checkin::CheckInSchedule::from_toml(&text)
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
        Err(e) => Err(Failure::failed(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// How often a server moves removed people whose check-ins stopped to `lost contact`.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

pub async fn serve(global: &Global, args: ServeArgs) -> Result<(), Failure> {
    let options = corridor_web::WebOptions {
        secure_cookies: args.behind_tls,
    };
    corridor_web::ensure_private(args.bind, options).map_err(|e| Failure::usage(e.to_string()))?;
    let corridor = unseal(global).await?;
    // The lists imported with `corridor lists import`: everyone is screened against them now
    // (they may have changed while Corridor was stopped), and again whenever an import
    // changes them.
    let mut lists = crate::lists::Watched::new(global.data_dir.join("lists"));
    if let Some(index) = lists.load() {
        out!("Screening against {} listed names", index.names())?;
        match corridor.update_lists(index).await {
            Ok(summary) => out!(
                "Screened {} cases: {} new possible matches, {} lapsed",
                summary.cases,
                summary.raised,
                summary.lapsed
            )?,
            // Serve anyway: the next list update screens everyone again.
            Err(error) => eprintln!("warning: screening everyone failed: {error}"),
        }
    }
    let every = std::time::Duration::from_secs(args.lists_poll_secs);
    serve_unsealed(corridor, args.bind, options, Some((lists, every))).await
}

async fn serve_unsealed(
    corridor: Corridor,
    bind: std::net::SocketAddr,
    options: corridor_web::WebOptions,
    lists: Option<(crate::lists::Watched, std::time::Duration)>,
) -> Result<(), Failure> {
    corridor.rebuild_index().await?;
    let listener = corridor_web::bind(bind, options)
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::failed(e.to_string()))?;
    out!("Corridor is listening on http://{addr}/ (Ctrl-C stops it)")?;
    let corridor = Arc::new(corridor);
    let watcher = lists
        .filter(|(_, every)| !every.is_zero())
        .map(|(lists, every)| tokio::spawn(lists.watch(corridor.clone(), every)));
    let sweeper = tokio::spawn(sweep_lost_contact(corridor.clone()));
    let served = corridor_web::serve(listener, corridor.clone(), options).await;
    sweeper.abort();
    let _ = sweeper.await;
    if let Some(watcher) = watcher {
        watcher.abort();
        // Waits until the task is dropped, so that its share of the Corridor is released.
        let _ = watcher.await;
    }
    if let Ok(corridor) = Arc::try_unwrap(corridor) {
        corridor.close().await;
    }
    served.map_err(|e| Failure::failed(e.to_string()))
}

/// Moves removed people whose check-ins stopped to `lost contact`, at start and then hourly.
async fn sweep_lost_contact(corridor: Arc<Corridor>) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        every.tick().await;
        match corridor.sweep_lost_contact(chrono::Utc::now()).await {
            Ok(moved) if !moved.is_empty() => {
                tracing::info!(cases = moved.len(), "lost contact after removal");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "the lost-contact sweep failed"),
        }
    }
}

pub async fn case(global: &Global, command: CaseCommand) -> Result<(), Failure> {
    match command {
        CaseCommand::Add { json } => {
            let text = std::fs::read_to_string(&json)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", json.display())))?;
            let input = CaseInput::from_json(&text).map_err(|e| {
                Failure::failed(format!("{}: {e}; nothing was stored", json.display()))
            })?;
            let corridor = unseal(global).await?;
            // The new person is screened against the imported lists as they are added.
            if let Some(index) = crate::lists::Watched::new(global.data_dir.join("lists")).load() {
                corridor.load_lists(index);
            }
            let organisation = corridor.default_organisation().await?;
            let id = corridor
                .add_case(organisation.id, input)
                .await
                .map_err(|e| Failure::failed(format!("{e}; nothing was stored")))?;
            audit_operator(&corridor, AuditAction::CaseCreated, Some(id)).await?;
            out!("{id}")?;
            corridor.close().await;
        }
        CaseCommand::List { json } => {
            let corridor = unseal(global).await?;
            let cases = corridor
                .list_cases(&CaseFilter::default(), Page::ALL)
                .await?;
            audit_operator(&corridor, AuditAction::CaseListed, None).await?;
            if json {
                print_json(&cases)?;
            } else {
                for c in &cases {
                    out!(
                        "{}  {:<12} {:<26} {:<8} {}",
                        c.id,
                        c.stage.as_str(),
                        c.custody.as_str(),
                        c.risk_level.as_str(),
                        c.display_name
                    )?;
                }
                eprintln!("{} cases", cases.len());
            }
            corridor.close().await;
        }
        CaseCommand::Show { id, json } => {
            let id = parse_case_id(&id)?;
            let corridor = unseal(global).await?;
            let case = corridor.case(id).await?;
            audit_operator(&corridor, AuditAction::CaseRead, Some(id)).await?;
            match case {
                CaseView::Live(case) if json => print_json(&case)?,
                CaseView::Live(case) => out!("{}", crate::show::describe(&case).trim_end())?,
                CaseView::Purged(t) if json => print_json(&serde_json::json!({
                    "id": t.id, "organisation": t.organisation, "purged_at": t.purged_at,
                }))?,
                CaseView::Purged(t) => out!("case {} was purged at {}", t.id, t.purged_at)?,
            }
            corridor.close().await;
        }
        CaseCommand::Purge { id, yes } => {
            let id = parse_case_id(&id)?;
            let corridor = unseal(global).await?;
            if !yes && std::io::stdin().is_terminal() {
                eprintln!(
                    "Purging destroys case {id} for good, backups included. Type the case id to confirm:"
                );
                let mut typed = String::new();
                std::io::stdin()
                    .read_line(&mut typed)
                    .map_err(|e| Failure::failed(e.to_string()))?;
                if typed.trim() != id.to_string() {
                    return Err(Failure::failed("not confirmed; nothing was purged"));
                }
            }
            let tombstone = corridor.purge(id).await?;
            audit_operator(&corridor, AuditAction::CasePurged, Some(id)).await?;
            out!("purged {} at {}", tombstone.id, tombstone.purged_at)?;
            corridor.close().await;
        }
    }
    Ok(())
}

pub async fn user(global: &Global, command: UserCommand) -> Result<(), Failure> {
    match command {
        UserCommand::Add {
            username,
            role,
            organisation,
            password_file,
        } => {
            let role: corridor_core::Role = role
                .parse()
                .map_err(|e| Failure::usage(format!("--role: {e}")))?;
            let password = passphrase::user_password(password_file.as_deref())?;
            let corridor = unseal(global).await?;
            let organisation = match organisation {
                Some(id) => id
                    .parse()
                    .map_err(|_| Failure::usage("--organisation: not an organisation id"))?,
                None => corridor.default_organisation().await?.id,
            };
            let created = corridor
                .create_user_as_operator(
                    organisation,
                    &username,
                    role,
                    &password,
                    chrono::Utc::now(),
                )
                .await;
            corridor.close().await;
            let user = created?;
            out!(
                "Created {} ({}), user {}; TOTP is enrolled at the first sign-in.",
                username,
                role.label(),
                user.id
            )
        }
    }
}

pub async fn token(global: &Global, command: TokenCommand) -> Result<(), Failure> {
    use corridor_app::{ApiTokenRequest, TokenAuthority};
    use corridor_core::{ApiScope, ApiScopes, TokenLabel, TokenLifetime};
    let now = chrono::Utc::now();
    match command {
        TokenCommand::Create {
            user,
            scopes,
            label,
            days,
        } => {
            // Everything is checked before the store is opened.
            let request = ApiTokenRequest {
                username: user
                    .parse()
                    .map_err(|e| Failure::usage(format!("--user: {e}")))?,
                scopes: scopes
                    .iter()
                    .map(|s| s.parse::<ApiScope>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| Failure::usage(format!("--scope: {e}")))
                    .and_then(|s| {
                        ApiScopes::new(s).map_err(|e| Failure::usage(format!("--scope: {e}")))
                    })?,
                label: TokenLabel::new(&label)
                    .map_err(|e| Failure::usage(format!("--label: {e}")))?,
                lifetime: TokenLifetime::days(days)
                    .map_err(|e| Failure::usage(format!("--days: {e}")))?,
            };
            let corridor = unseal(global).await?;
            let created = corridor
                .create_api_token(TokenAuthority::Operator, request, now)
                .await;
            corridor.close().await;
            let created = created?;
            let token = &created.token;
            eprintln!(
                "API token {} for {} ({}), expires {}. It is shown once, below: keep it secret.",
                token.id,
                token.username,
                token.scopes,
                token.expires_at.format("%Y-%m-%d %H:%M UTC")
            );
            out!("{}", created.expose_secret())
        }
        TokenCommand::List { json } => {
            let corridor = unseal(global).await?;
            let tokens = corridor.api_tokens(TokenAuthority::Operator, now).await;
            corridor.close().await;
            let tokens = tokens?;
            if json {
                return print_json(&tokens);
            }
            for t in &tokens {
                out!(
                    "{}  {:<8} {:<16} {:<24} expires {}  last used {}  {}",
                    t.id,
                    t.status.as_str(),
                    t.username.as_str(),
                    t.scopes.to_string(),
                    t.expires_at.format("%Y-%m-%d"),
                    t.last_used_at
                        .map_or("never".to_owned(), |at| at.format("%Y-%m-%d").to_string()),
                    t.label
                )?;
            }
            eprintln!("{} tokens", tokens.len());
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            let id = id.parse().map_err(|_| {
                Failure::usage("token id: not a valid token id (a UUID, as listed)")
            })?;
            let corridor = unseal(global).await?;
            let revoked = corridor
                .revoke_api_token(TokenAuthority::Operator, id, now)
                .await;
            corridor.close().await;
            if revoked? {
                out!("revoked {id}")
            } else {
                out!("{id} was already revoked")
            }
        }
    }
}

pub async fn backup(global: &Global, out: &Path) -> Result<(), Failure> {
    // The passphrase is checked so that a backup is known to be openable when it is made.
    let corridor = unseal(global).await?;
    let summary = corridor_app::backup_to_file(corridor.store().as_ref(), out).await;
    let audited = match &summary {
        Ok(_) => audit_operator(&corridor, AuditAction::BackupWritten, None).await,
        Err(_) => Ok(()),
    };
    corridor.close().await;
    let summary = summary?;
    audited?;
    out!(
        "Backup written to {} ({} cases, {} tombstones), still sealed.",
        out.display(),
        summary.live_cases,
        summary.tombstones
    )?;
    Ok(())
}

pub async fn restore(global: &Global, file: &Path) -> Result<(), Failure> {
    let passphrase = passphrase::existing(global.passphrase_file.as_deref())?;
    // Read and check the backup before anything is created at the destination.
    let snapshot = corridor_app::read_backup(file, passphrase.as_bytes()).await?;
    if global.database_url.is_none() && datadir::database_path(&global.data_dir).exists() {
        return Err(Failure::failed(format!(
            "{} already holds a store; restore into a new data directory",
            global.data_dir.display()
        )));
    }
    datadir::create(&global.data_dir)?;
    let programs_dir = datadir::programs_dir(&global.data_dir);
    programs::write_default_programs(&programs_dir)
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", programs_dir.display())))?;
    let store = datadir::open(global).await?;
    let summary = corridor_app::restore_snapshot(store.as_ref(), &snapshot).await?;
    let programs = programs::load_programs(&programs_dir)?;
    let corridor = Corridor::unseal(store, passphrase.as_bytes(), programs).await?;
    let audited = audit_operator(&corridor, AuditAction::BackupRestored, None).await;
    corridor.close().await;
    audited?;
    out!(
        "Restored {} cases and {} tombstones into {}.",
        summary.live_cases,
        summary.tombstones,
        global.data_dir.display()
    )?;
    Ok(())
}

pub async fn demo(global: &Global, args: DemoArgs) -> Result<(), Failure> {
    match args.command {
        Some(DemoCommand::Seed { cases, seed }) => {
            let corridor = unseal(global).await?;
            let organisation = corridor.default_organisation().await?;
            let seed = seed.unwrap_or_else(rand::random);
            let added = demo::seed(&corridor, organisation.id, cases, seed, today()).await;
            corridor.close().await;
            let added = added?;
            out!("Added {added} synthetic cases.")?;
            Ok(())
        }
        Some(DemoCommand::Totp { username }) => {
            let corridor = unseal(global).await?;
            let code = corridor
                .operator_totp_code(&username, chrono::Utc::now())
                .await;
            corridor.close().await;
            out!("{}", code?.as_str())
        }
        None => {
            // The demo's data and passwords are public: it never leaves loopback.
            if !args.bind.ip().is_loopback() {
                return Err(Failure::usage(format!(
                    "the demo listens on a loopback address only, not {}",
                    args.bind
                )));
            }
            let dir = tempfile::Builder::new()
                .prefix("corridor-demo-")
                .tempdir()
                .map_err(|e| {
                    Failure::failed(format!("cannot create a temporary directory: {e}"))
                })?;
            let demo_global = Global {
                data_dir: dir.path().to_owned(),
                passphrase_file: None,
                database_url: None,
            };
            let passphrase = demo::passphrase();
            let organisation =
                OrgName::new("Demo organisation").map_err(|e| Failure::failed(e.to_string()))?;
            initialise(
                &demo_global,
                passphrase.as_bytes(),
                KdfParams::DEFAULT,
                organisation,
                None,
            )
            .await?;
            let store = datadir::open_existing(&demo_global).await?;
            let programs = programs::load_programs(&datadir::programs_dir(dir.path()))?;
            let mut corridor = Corridor::unseal(store, passphrase.as_bytes(), programs).await?;
            corridor.use_blob_store(datadir::blob_store(dir.path())?);
            let organisation = corridor.default_organisation().await?;
            demo::seed(
                &corridor,
                organisation.id,
                args.cases,
                rand::random(),
                today(),
            )
            .await?;
            let watch_list = demo::watch_list(&corridor, 3).await?;
            let screened = corridor.update_lists(watch_list).await?;
            let logins = corridor
                .create_demo_users(organisation.id, chrono::Utc::now())
                .await?;
            let dir_text = dir.path().display();
            out!(
                "Corridor demo: {} synthetic cases in {dir_text}",
                args.cases
            )?;
            out!("The directory is deleted when the demo stops.")?;
            out!(
                "A synthetic watch list names some of them: {} possible matches for the analyst to review.",
                screened.raised
            )?;
            out!(
                "Passphrase (for CLI commands with --data-dir {dir_text}): {}",
                passphrase.as_str()
            )?;
            out!(
                "Sign in as any of these, password `{}`:",
                corridor_app::DEMO_PASSWORD
            )?;
            for login in &logins {
                out!("  {:<12} {}", login.username, login.role.label())?;
            }
            out!(
                "Their current TOTP code: CORRIDOR_PASSPHRASE={} corridor demo totp USER --data-dir {dir_text}",
                passphrase.as_str()
            )?;
            let result = serve_unsealed(
                corridor,
                args.bind,
                corridor_web::WebOptions::default(),
                None,
            )
            .await;
            drop(dir);
            result
        }
    }
}

pub async fn audit(global: &Global, command: AuditCommand) -> Result<(), Failure> {
    match command {
        AuditCommand::Verify => {
            // Unsealed first: only someone who may open the store checks its log, and the
            // log's head is sealed under the root key.
            let corridor = unseal(global).await?;
            let verified = corridor.verify_audit().await;
            corridor.close().await;
            let summary = verified?;
            println!(
                "audit log intact: {} entries, head {}",
                summary.entries,
                hex(&summary.head)
            );
        }
        AuditCommand::List {
            case,
            action,
            actor,
            limit,
            json,
        } => {
            let filter = AuditFilter {
                case: case.as_deref().map(parse_case_id).transpose()?,
                action: action
                    .map(|a| a.parse())
                    .transpose()
                    .map_err(|e| Failure::usage(format!("--action: {e}")))?,
                actor: actor
                    .map(|a| a.parse())
                    .transpose()
                    .map_err(|e| Failure::usage(format!("--actor: {e}")))?,
                ..AuditFilter::default()
            };
            let corridor = unseal(global).await?;
            let entries = corridor.audit_log(&filter, Page::new(0, limit)).await;
            corridor.close().await;
            let entries = entries?;
            if json {
                print_json(&entries)?;
            } else {
                for entry in &entries {
                    println!("{}", describe_entry(entry));
                }
                eprintln!("{} entries", entries.len());
            }
        }
    }
    Ok(())
}

/// One line per entry: seq, time, action, outcome, actor, then whatever else it names.
fn describe_entry(entry: &AuditEntry) -> String {
    let e = &entry.event;
    let mut line = format!(
        "{:>6}  {}  {:<20} {:<7}  {}",
        entry.seq,
        e.at.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
        e.action.as_str(),
        e.outcome.as_str(),
        e.actor
    );
    if let Some(organisation) = e.organisation {
        line.push_str(&format!("  organisation={organisation}"));
    }
    if let Some(case) = e.case {
        line.push_str(&format!("  case={case}"));
    }
    if let Some(subject) = &e.subject {
        line.push_str(&format!("  subject={subject}"));
    }
    if let Some(address) = &e.address {
        line.push_str(&format!("  address={address}"));
    }
    line
}

/// Records what the operator (the holder of the passphrase, at the command line) did.
async fn audit_operator(
    corridor: &Corridor,
    action: AuditAction,
    case: Option<CaseId>,
) -> Result<(), Failure> {
    let mut event = AuditEvent::new(
        chrono::Utc::now(),
        Actor::Operator,
        action,
        AuditOutcome::Allowed,
    );
    if let Some(case) = case {
        event = event.with_case(case);
    }
    corridor.audit(event).await?;
    Ok(())
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

pub(crate) fn parse_case_id(text: &str) -> Result<CaseId, Failure> {
    text.parse().map_err(|_| {
        Failure::usage("case id: not a valid case id (expected a UUID as printed by `case add`)")
    })
}

pub(crate) fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::failed(e.to_string()))?;
    out!("{text}")
}

pub fn screen(global: &Global, command: ScreenCommand) -> Result<(), Failure> {
    match command {
        ScreenCommand::Query {
            name,
            dob,
            lists,
            threshold,
            json,
        } => {
            if !(0.0..=1.0).contains(&threshold) {
                return Err(Failure::usage("--threshold must be between 0 and 1"));
            }
            if name.trim().is_empty() {
                return Err(Failure::usage("--name must not be empty"));
            }
            let lists = lists.unwrap_or_else(|| global.data_dir.join("lists"));
            let index = crate::lists::load_dir(&lists)?;
            let query = corridor_screen::screening::Query {
                name,
                birth_date: dob,
                ..Default::default()
            };
            let hits = index.screen(&query, threshold);
            crate::lists::print_hits(&index, &hits, json)
        }
        ScreenCommand::Eval { pairs, threshold } => {
            if !(0.0..=1.0).contains(&threshold) {
                return Err(Failure::usage("--threshold must be between 0 and 1"));
            }
            let file = std::fs::File::open(&pairs)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", pairs.display())))?;
            let labelled = corridor_screen::eval::read_pairs(std::io::BufReader::new(file))
                .map_err(|e| Failure::usage(format!("{}: {e}", pairs.display())))?;
            let evaluation = corridor_screen::eval::evaluate(&labelled, threshold);
            out!(
                "pairs: {} (true positives {}, false positives {}, false negatives {}, true negatives {})",
                evaluation.pairs(),
                evaluation.true_positives,
                evaluation.false_positives,
                evaluation.false_negatives,
                evaluation.true_negatives
            )?;
            out!("threshold: {threshold}")?;
            out!("pairs per second: {:.0}", evaluation.pairs_per_second())?;
            out!(
                "precision={:.3} recall={:.3} f1={:.3}",
                evaluation.precision(),
                evaluation.recall(),
                evaluation.f1()
            )
        }
    }
}
