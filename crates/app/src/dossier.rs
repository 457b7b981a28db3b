//! Referral dossiers as a use case: the case assessed, the fields a receiving program may see
//! gathered, rendered and signed with the organisation's key (created on first use, wrapped
//! under the root key), every issue audited, and the verified evidence it relies on recorded
//! as exported.
//!
//! What a dossier carries is a referral's fields ([`ReferralView`]), the assessment (priority,
//! scores with their reasons, the checklist), the documents the program asks for, and the
//! manifest of verified evidence files (id, type, length, SHA-256). Never: contact details, the
//! A-number, notes, or the text of evidence.

use chrono::{NaiveDate, SubsecRound, Utc};
use corridor_core::{
    Assessment, AuditAction, AuditOutcome, Case, CaseId, GrantKind, OrgId, Permission,
    ReferralView, VerificationStatus,
};
use corridor_crypto::{OrgPublicKey, OrgSigningKey};
use corridor_dossier::{
    DossierContent, DossierInput, EvidenceItem, Field, FieldValue, Issuer, Recipient, Section,
};
use corridor_store::{CaseRecord, DossierRow, SigningKeyRow, StoredCase};

use crate::accounts::Principal;
use crate::evidence::{Custodian, EvidenceView};
use crate::sealing::{case_key, open_case};
use crate::visibility::event;
use crate::{AppError, Corridor, Result};

/// One of a dossier's two files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DossierPart {
    Pdf,
    Json,
}

impl DossierPart {
    pub fn extension(self) -> &'static str {
        match self {
            DossierPart::Pdf => "pdf",
            DossierPart::Json => "json",
        }
    }
}

/// A dossier as issued: both files, its version and who signed it.
#[derive(Clone)]
pub struct IssuedDossier {
    pub case: CaseId,
    pub version: u32,
    pub pdf: Vec<u8>,
    pub json: Vec<u8>,
    /// The signing key's fingerprint, to give the receiver by another channel.
    pub fingerprint: String,
}

impl std::fmt::Debug for IssuedDossier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedDossier")
            .field("case", &self.case)
            .field("version", &self.version)
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl Corridor {
    /// The organisation's dossier signing key, created and stored on first use. When two
    /// servers race, the key stored first is the one every server uses.
    pub(crate) async fn signing_key(&self, organisation: OrgId) -> Result<OrgSigningKey> {
        let bound = organisation.to_string();
        let row = match self.store.signing_key(organisation).await? {
            Some(row) => row,
            None => {
                let fresh = OrgSigningKey::generate();
                let row = SigningKeyRow {
                    organisation,
                    wrapped_key: self.root.wrap_signing_key(&fresh, &bound),
                    public_key: fresh.public_key().to_string(),
                    created_at: Utc::now().trunc_subsecs(6),
                };
                self.store.insert_signing_key(&row).await?
            }
        };
        self.root
            .unwrap_signing_key(&row.wrapped_key, &bound)
            .map_err(|_| {
                AppError::Dossier(format!(
                    "the signing key of organisation {organisation} cannot be opened"
                ))
            })
    }

    /// The organisation's public dossier key, if it has signed anything yet.
    pub async fn organisation_public_key(
        &self,
        organisation: OrgId,
    ) -> Result<Option<OrgPublicKey>> {
        let Some(row) = self.store.signing_key(organisation).await? else {
            return Ok(None);
        };
        row.public_key.parse().map(Some).map_err(|_| {
            AppError::Dossier(format!(
                "the public key of organisation {organisation} is malformed"
            ))
        })
    }

    /// Issues a signed dossier of case `id` on `today`: for a user (needs `referral_manage`)
    /// a case of their organisation, for the operator any case. Refused while the case may not
    /// be referred (a flag awaiting a legal user, a requirement not met), with nothing issued.
    pub async fn issue_dossier(
        &self,
        by: Custodian<'_>,
        id: CaseId,
        today: NaiveDate,
    ) -> Result<IssuedDossier> {
        let record = match by {
            Custodian::User(who) => {
                if let Err(error) = who.require(Permission::ReferralManage) {
                    return self
                        .refused(who, AuditAction::DossierIssued, Some(id), error)
                        .await;
                }
                self.owned_record(who, id, AuditAction::DossierIssued)
                    .await?
            }
            Custodian::Operator => match self.store.case(id).await? {
                Some(StoredCase::Live(record)) => *record,
                Some(StoredCase::Purged(_)) => return Err(AppError::CasePurged(id)),
                None => return Err(AppError::CaseNotFound(id)),
            },
        };
        let case = open_case(&self.root, &record)?;
        let key = case_key(&self.root, &record)?;
        let (assessment, evidence) = self.referable_assessment(&record, &case, today).await?;
        let organisation = self
            .organisations()
            .await?
            .into_iter()
            .find(|o| o.id == case.organisation)
            .ok_or(AppError::OrganisationNotFound(case.organisation))?;
        let program = self.program(&case.program)?;
        let blobs = self.blobs()?;
        let version =
            u32::try_from(self.store.dossiers_of_case(id).await?.len()).unwrap_or(u32::MAX - 1) + 1;
        let relied_on: Vec<&EvidenceView> = evidence
            .iter()
            .filter(|item| item.status == VerificationStatus::Verified && item.facts.file.is_some())
            .collect();
        let content = DossierContent::new(DossierInput {
            issuer: Issuer {
                id: organisation.id.to_string(),
                name: organisation.name.to_string(),
            },
            recipient: Recipient {
                program_slug: program.slug.to_string(),
                program_name: program.name.clone(),
                referral_partner: program
                    .referral_partner
                    .clone()
                    .unwrap_or_else(|| program.name.clone()),
            },
            case_id: id.to_string(),
            version,
            issued_at: Utc::now().trunc_subsecs(0),
            title: format!("Referral to {}", program.name),
            sections: sections(&case, &assessment, &program.required_documents),
            evidence: relied_on
                .iter()
                .map(|item| manifest_entry(item))
                .collect::<Result<Vec<_>>>()?,
        })
        .map_err(|e| AppError::Dossier(e.to_string()))?;
        let signer = self.signing_key(case.organisation).await?;
        let built = corridor_dossier::build(&content, &signer)
            .map_err(|e| AppError::Dossier(e.to_string()))?;
        // Both files kept, sealed under the case key, so that what was issued is what is
        // downloaded; a failure keeps neither.
        let pdf_blob = blobs.put(&key, &built.pdf[..]).await?.id;
        let json_blob = match blobs.put(&key, &built.json[..]).await {
            Ok(receipt) => receipt.id,
            Err(error) => {
                self.delete_blob(pdf_blob).await;
                return Err(error.into());
            }
        };
        let fingerprint = signer.public_key().fingerprint();
        let row = DossierRow {
            case_id: id,
            version,
            issued_at: content.input().issued_at,
            fingerprint: fingerprint.clone(),
            pdf_blob: pdf_blob.to_string(),
            json_blob: json_blob.to_string(),
        };
        if let Err(error) = self.store.insert_dossier(&row).await {
            self.delete_blob(pdf_blob).await;
            self.delete_blob(json_blob).await;
            return Err(error.into());
        }
        let issued = by.allowed_for(AuditAction::DossierIssued, case.organisation);
        self.audit(issued.with_case(id)).await?;
        for item in relied_on {
            self.custody(
                by,
                case.organisation,
                id,
                item.id,
                AuditAction::EvidenceExported,
            )
            .await?;
        }
        tracing::info!(case = %id, version, "dossier issued");
        Ok(IssuedDossier {
            case: id,
            version,
            pdf: built.pdf,
            json: built.json,
            fingerprint,
        })
    }

    /// The dossiers issued for case `id` of `who`'s organisation, oldest first (for the case
    /// page, whose read is audited already).
    pub async fn dossiers_of(&self, who: &Principal, id: CaseId) -> Result<Vec<DossierRow>> {
        if who.require(Permission::ReferralManage).is_err() {
            return Ok(Vec::new());
        }
        match self.store.case(id).await? {
            Some(StoredCase::Live(record)) if record.columns.organisation == who.organisation => {
                Ok(self.store.dossiers_of_case(id).await?)
            }
            _ => Ok(Vec::new()),
        }
    }

    /// One file of an issued dossier of case `id`, exactly as issued: for a coordinator of the
    /// owning organisation, or a sponsor of an organisation the case is referred to. Audited
    /// as a download naming the version; a refusal is audited and reported as not found.
    pub async fn dossier_file(
        &self,
        who: &Principal,
        id: CaseId,
        version: u32,
        part: DossierPart,
    ) -> Result<Vec<u8>> {
        let record = match self.store.case(id).await? {
            Some(StoredCase::Live(record)) => Some(*record),
            _ => None,
        };
        let owner = record
            .as_ref()
            .is_some_and(|r| r.columns.organisation == who.organisation);
        let referred = !owner
            && self.store.case_shares(id).await?.iter().any(|grant| {
                grant.organisation == who.organisation && grant.kind == GrantKind::Referral
            });
        let allowed = (owner && who.may(Permission::ReferralManage))
            || (referred && who.may(Permission::ReferralRead));
        let row = match (&record, allowed) {
            (Some(_), true) => self
                .store
                .dossiers_of_case(id)
                .await?
                .into_iter()
                .find(|d| d.version == version),
            _ => None,
        };
        let (Some(record), Some(row)) = (record, row) else {
            return self
                .refused(
                    who,
                    AuditAction::Download,
                    Some(id),
                    AppError::CaseNotFound(id),
                )
                .await;
        };
        let blob = match part {
            DossierPart::Pdf => &row.pdf_blob,
            DossierPart::Json => &row.json_blob,
        };
        let blob = blob.parse().map_err(|_| {
            AppError::Dossier(format!(
                "dossier {version} of case {id}: a malformed blob id"
            ))
        })?;
        let key = case_key(&self.root, &record)?;
        let bytes = self.blobs()?.get(&key, blob).await?.read_to_end().await?;
        self.audit(
            event(who, AuditAction::Download, AuditOutcome::Allowed)
                .with_case(id)
                .with_subject(format!("dossier-v{version}.{}", part.extension())),
        )
        .await?;
        Ok(bytes.to_vec())
    }

    /// The assessment of `case` (read as `record`) on `today` with the items it rests on, if
    /// the case may be referred; otherwise why not ([`AppError::NotReferable`]).
    pub(crate) async fn referable_assessment(
        &self,
        record: &CaseRecord,
        case: &Case,
        today: NaiveDate,
    ) -> Result<(Assessment, Vec<EvidenceView>)> {
        let evidence = self.evidence_views(record).await?;
        let confirmed = self.confirmed_listing(case.id).await?;
        let assessment = self.assess_case(case, &evidence, confirmed, today)?;
        match not_referable(&assessment) {
            Some(why) => Err(AppError::NotReferable { case: case.id, why }),
            None => Ok((assessment, evidence)),
        }
    }

    /// Whether an analyst confirmed a sanctions match for the case.
    pub(crate) async fn confirmed_listing(&self, case: CaseId) -> Result<bool> {
        let confirmed = self
            .store
            .screening_alerts(&corridor_store::AlertFilter {
                case: Some(case),
                status: Some(corridor_core::AlertStatus::Match),
                ..Default::default()
            })
            .await?;
        Ok(!confirmed.is_empty())
    }
}

/// Why the case may not be referred, if it may not.
pub(crate) fn not_referable(assessment: &Assessment) -> Option<String> {
    let checklist = &assessment.checklist;
    let blocking: Vec<&str> = checklist
        .flags
        .iter()
        .filter(|flag| flag.blocks())
        .map(|flag| flag.kind.as_str())
        .collect();
    if !blocking.is_empty() {
        return Some(format!(
            "flags awaiting a legal review: {}",
            blocking.join(", ")
        ));
    }
    let unmet: Vec<&str> = checklist
        .items
        .iter()
        .filter(|item| item.status == corridor_core::assessment::CheckStatus::NotMet)
        .map(|item| item.kind.as_str())
        .collect();
    (!unmet.is_empty()).then(|| format!("requirements not met: {}", unmet.join(", ")))
}

fn text(key: &str, label: &str, value: impl Into<String>) -> Field {
    Field {
        key: key.to_owned(),
        label: label.to_owned(),
        value: FieldValue::Text(value.into()),
    }
}

fn list(key: &str, label: &str, values: Vec<String>) -> Field {
    Field {
        key: key.to_owned(),
        label: label.to_owned(),
        value: FieldValue::List(values),
    }
}

fn or_none(values: Vec<String>) -> Vec<String> {
    if values.is_empty() {
        vec!["none".to_owned()]
    } else {
        values
    }
}

/// The dossier's sections: a referral's fields, the assessment, the documents asked for.
fn sections(case: &Case, assessment: &Assessment, documents: &[String]) -> Vec<Section> {
    let referral = ReferralView::of(case);
    let names: Vec<String> = case
        .person
        .names
        .iter()
        .map(|n| n.text().to_owned())
        .collect();
    let person = Section {
        key: "person".to_owned(),
        title: "The person".to_owned(),
        fields: vec![
            list("names", "Names", names),
            list(
                "languages",
                "Languages",
                or_none(
                    referral
                        .languages
                        .iter()
                        .map(|l| l.as_str().to_owned())
                        .collect(),
                ),
            ),
            list(
                "family_in_canada",
                "Family in Canada",
                or_none(
                    referral
                        .family_in_canada
                        .iter()
                        .map(|r| match r.canadian_status {
                            Some(status) => format!("{}: {}", r.relation.label(), status.label()),
                            None => r.relation.label().to_owned(),
                        })
                        .collect(),
                ),
            ),
        ],
    };
    let us = &case.us_status;
    let situation = Section {
        key: "situation".to_owned(),
        title: "Situation in the United States".to_owned(),
        fields: vec![
            text("custody", "Custody", us.custody.label()),
            text("proceedings", "Proceedings", us.proceedings.label()),
            text(
                "scheduled_removal",
                "Scheduled removal",
                us.scheduled_removal
                    .map_or("none known".to_owned(), |d| d.to_string()),
            ),
        ],
    };
    let p = &assessment.priority;
    let mut assessed = vec![
        text(
            "priority",
            "Priority",
            format!(
                "{} ({}; {} days left, to {})",
                p.level.label(),
                p.why,
                p.days_left,
                p.deadline
            ),
        ),
        text("risk_level", "Risk on return", referral.risk_level.label()),
        list("risk_reasons", "Why", or_none(referral.risk_reasons)),
    ];
    for score in assessment.scores() {
        let mut lines: Vec<String> = score
            .factors
            .iter()
            .map(|f| format!("+{}: {}", f.points, f.what))
            .collect();
        if score.overridden {
            lines.push(format!(
                "set to {} by a person, with a reason, instead of the computed {}",
                score.value, score.computed
            ));
        }
        assessed.push(list(
            &format!("score_{}", score.kind.as_str()),
            &format!("{}: {} of 100", score.kind.label(), score.value),
            or_none(lines),
        ));
    }
    let checklist = &assessment.checklist;
    assessed.push(list(
        "checklist",
        "Legal checklist",
        checklist
            .items
            .iter()
            .map(|item| {
                format!(
                    "{}: {} ({})",
                    item.kind.label(),
                    item.status.label(),
                    item.why
                )
            })
            .collect(),
    ));
    assessed.push(text(
        "stca",
        "Safe Third Country Agreement",
        if !checklist.stca.applies {
            "does not apply: not in the United States".to_owned()
        } else if checklist.stca.exceptions.is_empty() {
            "applies; no exception: a claim at the Canadian border is barred".to_owned()
        } else {
            let names: Vec<&str> = checklist
                .stca
                .exceptions
                .iter()
                .map(|e| e.label())
                .collect();
            format!("applies; exception: {}", names.join(", "))
        },
    ));
    assessed.push(list(
        "flags",
        "Inadmissibility flags",
        or_none(
            checklist
                .flags
                .iter()
                .map(|flag| format!("{}: cleared by a legal review", flag.kind.label()))
                .collect(),
        ),
    ));
    let assessment_section = Section {
        key: "assessment".to_owned(),
        title: "Assessment".to_owned(),
        fields: assessed,
    };
    let mut all = vec![person, situation, assessment_section];
    if !documents.is_empty() {
        all.push(Section {
            key: "documents".to_owned(),
            title: "Documents the program asks for".to_owned(),
            fields: vec![list("required", "Required", documents.to_vec())],
        });
    }
    all
}

fn manifest_entry(item: &EvidenceView) -> Result<EvidenceItem> {
    let file = item.facts.file.as_ref().expect("only items with a file");
    let malformed = || {
        AppError::Dossier(format!(
            "evidence {}: its recorded SHA-256 is malformed",
            item.id
        ))
    };
    let hex = file.sha256.as_bytes();
    if hex.len() != 64 {
        return Err(malformed());
    }
    let mut sha256 = [0u8; 32];
    for (byte, pair) in sha256.iter_mut().zip(hex.chunks(2)) {
        let pair = std::str::from_utf8(pair).map_err(|_| malformed())?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| malformed())?;
    }
    Ok(EvidenceItem {
        id: item.id.to_string(),
        description: format!("{}, verified", item.kind.label()),
        media_type: file.media_type.as_str().to_owned(),
        byte_length: file.length,
        sha256,
    })
}
