//! The one translation layer: every string a page shows comes from a locale file
//! (`locales/*.toml`, flat `key = "text"`), looked up by key. English is the only locale for
//! now; Russian and French are files to add, not code to change.

use std::collections::HashMap;

use corridor_core::{
    CanadianStatus, Confidence, CriminalCaseStatus, Custody, Gender, HearingKind, MilitaryStatus,
    NameKind, ProceedingsStage, PublicProfile, Registry, Relation, Relief, RiskLevel, Role, Script,
    SourceKind, Stage, StayKind, WantedStatus,
};

const ENGLISH: &str = include_str!("../locales/en.toml");

/// The messages of one locale.
#[derive(Debug)]
pub struct Translator {
    messages: HashMap<String, String>,
}

impl Translator {
    /// The English messages. The file is part of the binary and checked by the tests, so a
    /// parse failure is a build defect, not a runtime condition.
    pub fn english() -> Translator {
        let mut translator = Translator::parse(ENGLISH).expect("locales/en.toml is valid");
        translator.add_core_labels();
        translator
    }

    /// The domain's own English labels, keyed `family.value` (e.g. `stage.intake`). Another
    /// locale's file carries the same keys in its language.
    fn add_core_labels(&mut self) {
        fn family<T: Copy>(
            messages: &mut HashMap<String, String>,
            name: &str,
            all: &[T],
            value: fn(T) -> &'static str,
            label: fn(T) -> &'static str,
        ) {
            for &item in all {
                messages
                    .entry(format!("{name}.{}", value(item)))
                    .or_insert_with(|| label(item).to_owned());
            }
        }
        let m = &mut self.messages;
        family(m, "stage", Stage::ALL, Stage::as_str, Stage::label);
        family(m, "role", Role::ALL, Role::as_str, Role::label);
        family(
            m,
            "priority",
            corridor_core::PriorityLevel::ALL,
            corridor_core::PriorityLevel::as_str,
            corridor_core::PriorityLevel::label,
        );
        family(
            m,
            "check_status",
            corridor_core::assessment::CheckStatus::ALL,
            corridor_core::assessment::CheckStatus::as_str,
            corridor_core::assessment::CheckStatus::label,
        );
        family(
            m,
            "check",
            corridor_core::assessment::CheckKind::ALL,
            corridor_core::assessment::CheckKind::as_str,
            corridor_core::assessment::CheckKind::label,
        );
        family(
            m,
            "flag",
            corridor_core::assessment::FlagKind::ALL,
            corridor_core::assessment::FlagKind::as_str,
            corridor_core::assessment::FlagKind::label,
        );
        family(
            m,
            "stca_exception",
            corridor_core::assessment::StcaException::ALL,
            corridor_core::assessment::StcaException::as_str,
            corridor_core::assessment::StcaException::label,
        );
        family(
            m,
            "referral_status",
            corridor_core::ReferralStatus::ALL,
            corridor_core::ReferralStatus::as_str,
            corridor_core::ReferralStatus::label,
        );
        family(
            m,
            "score",
            corridor_core::assessment::ScoreKind::ALL,
            corridor_core::assessment::ScoreKind::as_str,
            corridor_core::assessment::ScoreKind::label,
        );
        family(
            m,
            "verification",
            corridor_core::VerificationStatus::ALL,
            corridor_core::VerificationStatus::as_str,
            corridor_core::VerificationStatus::label,
        );
        family(
            m,
            "alert_status",
            corridor_core::AlertStatus::ALL,
            corridor_core::AlertStatus::as_str,
            corridor_core::AlertStatus::label,
        );
        {
            use corridor_core::calendar::CalendarKind;
            use corridor_core::checkin::{CheckInChannel, FieldReportKind, MonitoringStatus};
            use corridor_core::watch::{AlertLevel, WatchRule};
            family(
                m,
                "alert_level",
                AlertLevel::ALL,
                AlertLevel::as_str,
                AlertLevel::label,
            );
            family(
                m,
                "watch_rule",
                WatchRule::ALL,
                WatchRule::as_str,
                WatchRule::label,
            );
            family(
                m,
                "calendar",
                CalendarKind::ALL,
                CalendarKind::as_str,
                CalendarKind::label,
            );
            family(
                m,
                "monitoring_status",
                MonitoringStatus::ALL,
                MonitoringStatus::as_str,
                MonitoringStatus::label,
            );
            family(
                m,
                "channel",
                CheckInChannel::ALL,
                CheckInChannel::as_str,
                CheckInChannel::label,
            );
            family(
                m,
                "field_report",
                FieldReportKind::ALL,
                FieldReportKind::as_str,
                FieldReportKind::label,
            );
            family(
                m,
                "milestone",
                corridor_core::report::Milestone::ALL,
                corridor_core::report::Milestone::as_str,
                corridor_core::report::Milestone::label,
            );
        }
        family(m, "custody", Custody::ALL, Custody::as_str, Custody::label);
        family(
            m,
            "risk",
            RiskLevel::ALL,
            RiskLevel::as_str,
            RiskLevel::label,
        );
        family(
            m,
            "proceedings",
            ProceedingsStage::ALL,
            ProceedingsStage::as_str,
            ProceedingsStage::label,
        );
        family(
            m,
            "hearing",
            HearingKind::ALL,
            HearingKind::as_str,
            HearingKind::label,
        );
        family(m, "gender", Gender::ALL, Gender::as_str, Gender::label);
        family(m, "relief", Relief::ALL, Relief::as_str, Relief::label);
        family(
            m,
            "name_kind",
            NameKind::ALL,
            NameKind::as_str,
            NameKind::label,
        );
        family(m, "script", Script::ALL, Script::as_str, Script::label);
        family(
            m,
            "relation",
            Relation::ALL,
            Relation::as_str,
            Relation::label,
        );
        family(
            m,
            "source",
            SourceKind::ALL,
            SourceKind::as_str,
            SourceKind::label,
        );
        family(
            m,
            "confidence",
            Confidence::ALL,
            Confidence::as_str,
            Confidence::label,
        );
        family(m, "stay", StayKind::ALL, StayKind::as_str, StayKind::label);
        family(
            m,
            "canadian_status",
            CanadianStatus::ALL,
            CanadianStatus::as_str,
            CanadianStatus::label,
        );
        family(
            m,
            "wanted",
            WantedStatus::ALL,
            WantedStatus::as_str,
            WantedStatus::label,
        );
        family(
            m,
            "military",
            MilitaryStatus::ALL,
            MilitaryStatus::as_str,
            MilitaryStatus::label,
        );
        family(
            m,
            "public_profile",
            PublicProfile::ALL,
            PublicProfile::as_str,
            PublicProfile::label,
        );
        family(
            m,
            "registry",
            Registry::ALL,
            Registry::as_str,
            Registry::label,
        );
        family(
            m,
            "criminal_status",
            CriminalCaseStatus::ALL,
            CriminalCaseStatus::as_str,
            CriminalCaseStatus::label,
        );
    }

    fn parse(text: &str) -> Result<Translator, toml::de::Error> {
        let messages: HashMap<String, String> = toml::from_str(text)?;
        Ok(Translator { messages })
    }

    /// The message for `key`. A missing key shows as the key itself (and fails the tests), so
    /// a page never breaks over a missing translation.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.messages.get(key).map(String::as_str).unwrap_or(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }

    /// The label of a domain value, e.g. `label("stage", "intake")`.
    pub fn label<'a>(&'a self, family: &str, value: &'a str) -> &'a str {
        self.messages
            .get(&format!("{family}.{value}"))
            .map(String::as_str)
            .unwrap_or(value)
    }

    /// Every key, for the completeness tests.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }
}
