//! `corridor dossier build | verify`. `build` issues a case's signed dossier as the operator
//! and writes its two files, readable by their owner only, never over an existing file.
//! `verify` needs no data directory and no passphrase: a receiver can run it on what they got.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use corridor_app::Custodian;
use corridor_crypto::OrgPublicKey;

use crate::Failure;
use crate::cli::{DossierCommand, Global};
use crate::commands::{parse_case_id, unseal};
use crate::output::out;

pub async fn command(global: &Global, command: DossierCommand) -> Result<(), Failure> {
    match command {
        DossierCommand::Build { case, out } => build(global, &case, &out).await,
        DossierCommand::Verify { file, key } => verify(&file, key.as_deref()),
    }
}

async fn build(global: &Global, case: &str, dir: &Path) -> Result<(), Failure> {
    let case = parse_case_id(case)?;
    let corridor = unseal(global).await?;
    let issued = corridor
        .issue_dossier(Custodian::Operator, case, chrono::Utc::now().date_naive())
        .await;
    corridor.close().await;
    let issued = issued?;
    create_private_dir(dir)?;
    let stem = format!("dossier-{}-v{}", issued.case, issued.version);
    let pdf = dir.join(format!("{stem}.pdf"));
    let json = dir.join(format!("{stem}.json"));
    write_new(&pdf, &issued.pdf)?;
    if let Err(failure) = write_new(&json, &issued.json) {
        let _ = std::fs::remove_file(&pdf);
        return Err(failure);
    }
    out!("{}", json.display())?;
    out!("{}", pdf.display())?;
    out!(
        "signed by key {} (give the receiver this fingerprint by another channel)",
        issued.fingerprint
    )
}

fn verify(file: &Path, key: Option<&str>) -> Result<(), Failure> {
    let trusted = key
        .map(|hex| {
            hex.parse::<OrgPublicKey>()
                .map_err(|_| Failure::usage("--key: must be 64 hex digits"))
        })
        .transpose()?;
    let json = std::fs::read(file)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?;
    let pdf_path = file.with_extension("pdf");
    let pdf = match std::fs::read(&pdf_path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Failure::failed(format!(
                "cannot read {}: {e}",
                pdf_path.display()
            )));
        }
    };
    let verified = corridor_dossier::verify(&json, pdf.as_deref(), trusted.as_ref())
        .map_err(|e| Failure::failed(format!("{}: NOT VALID: {e}", file.display())))?;
    let content = verified.content().input();
    out!(
        "{}: valid: case {} version {}, issued {} by {} to {}",
        file.display(),
        content.case_id,
        content.version,
        content.issued_at.format("%Y-%m-%d %H:%M UTC"),
        content.issuer.name,
        content.recipient.program_slug
    )?;
    out!(
        "signed by key {}{}",
        verified.signer().fingerprint(),
        if trusted.is_some() {
            " (the key given)"
        } else {
            " (not checked against a key you trust: pass --key)"
        }
    )?;
    out!(
        "{} evidence files listed by SHA-256",
        content.evidence.len()
    )?;
    if verified.pdf_checked() {
        out!("{}: matches the dossier", pdf_path.display())
    } else {
        out!("{}: not found, not checked", pdf_path.display())
    }
}

fn create_private_dir(dir: &Path) -> Result<(), Failure> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| Failure::failed(format!("cannot create {}: {e}", dir.display())))
}

/// Writes a new file readable by its owner only; an existing file is never replaced.
fn write_new(path: &PathBuf, bytes: &[u8]) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| Failure::failed(format!("cannot create {}: {e}", path.display())))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| {
            let _ = std::fs::remove_file(path);
            Failure::failed(format!("cannot write {}: {e}", path.display()))
        })
}
