//! The case workflow: stages and the one table of allowed transitions.

string_enum! {
    /// Where a case stands. The main path runs from `Intake` to `Arrived`; `Withdrawn`,
    /// `Ineligible`, `Removed` and `LostContact` close a case early.
    #[derive(Default)]
    pub enum Stage {
        #[default]
        Intake => "intake", "Intake",
        Documenting => "documenting", "Documenting",
        Verifying => "verifying", "Verifying",
        Assessing => "assessing", "Assessing",
        Prioritised => "prioritised", "Prioritised",
        Referred => "referred", "Referred",
        Accepted => "accepted", "Accepted",
        Travel => "travel", "Travel",
        Arrived => "arrived", "Arrived",
        Withdrawn => "withdrawn", "Withdrawn",
        Ineligible => "ineligible", "Ineligible",
        /// Removed from the United States (to Russia or elsewhere).
        Removed => "removed", "Removed",
        /// Contact with the person was lost; reopened (back to intake, or back to removed for a
    /// person watched after removal) when restored.
        LostContact => "lost_contact", "Lost contact",
    }
}

/// A case cannot move from `from` to `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a case cannot move from stage `{from}` to stage `{to}`")]
pub struct TransitionError {
    pub from: Stage,
    pub to: Stage,
}

impl Stage {
    /// The stages a case may move to from this one. This match is the whole state machine:
    ///
    /// - the main path moves forward one step at a time;
    /// - sent back: verifying → documenting, assessing → documenting, prioritised → assessing,
    ///   referred → prioritised (the referral was declined);
    /// - any open stage may close as withdrawn, ineligible, removed or lost contact;
    /// - lost contact may reopen at intake (contact restored);
    /// - removed may become lost contact (the check-ins after removal stopped), and lost
    ///   contact go back to removed (reached again after removal);
    /// - arrived, withdrawn and ineligible are terminal.
    pub fn allowed_next(self) -> &'static [Stage] {
        use Stage::*;
        match self {
            Intake => &[Documenting, Withdrawn, Ineligible, Removed, LostContact],
            Documenting => &[Verifying, Withdrawn, Ineligible, Removed, LostContact],
            Verifying => &[
                Assessing,
                Documenting,
                Withdrawn,
                Ineligible,
                Removed,
                LostContact,
            ],
            Assessing => &[
                Prioritised,
                Documenting,
                Withdrawn,
                Ineligible,
                Removed,
                LostContact,
            ],
            Prioritised => &[
                Referred,
                Assessing,
                Withdrawn,
                Ineligible,
                Removed,
                LostContact,
            ],
            Referred => &[
                Accepted,
                Prioritised,
                Withdrawn,
                Ineligible,
                Removed,
                LostContact,
            ],
            Accepted => &[Travel, Withdrawn, Ineligible, Removed, LostContact],
            Travel => &[Arrived, Withdrawn, Ineligible, Removed, LostContact],
            // A removed person whose check-ins stop is lost contact; when they are reached
            // again, the watch after removal resumes.
            Removed => &[LostContact],
            LostContact => &[Intake, Removed],
            Arrived | Withdrawn | Ineligible => &[],
        }
    }

    /// Whether the case is closed: arrived, withdrawn, ineligible, removed or lost contact.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Self::Arrived | Self::Withdrawn | Self::Ineligible | Self::Removed | Self::LostContact
        )
    }

    /// Whether the case is open (not closed).
    pub fn is_open(self) -> bool {
        !self.is_closed()
    }

    /// Whether no transition leaves this stage.
    pub fn is_terminal(self) -> bool {
        self.allowed_next().is_empty()
    }

    /// Whether `to` may follow this stage.
    pub fn can_transition(self, to: Stage) -> bool {
        self.allowed_next().contains(&to)
    }

    /// The stage after a move to `to`, or an error naming both stages when the table does not
    /// allow it. Moving to the current stage is an error, not a no-op.
    pub fn transition(self, to: Stage) -> Result<Stage, TransitionError> {
        if self.can_transition(to) {
            Ok(to)
        } else {
            Err(TransitionError { from: self, to })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_path_runs_from_intake_to_arrived() {
        let path = [
            Stage::Intake,
            Stage::Documenting,
            Stage::Verifying,
            Stage::Assessing,
            Stage::Prioritised,
            Stage::Referred,
            Stage::Accepted,
            Stage::Travel,
            Stage::Arrived,
        ];
        for pair in path.windows(2) {
            assert_eq!(pair[0].transition(pair[1]), Ok(pair[1]));
        }
    }

    #[test]
    fn skipping_and_same_stage_are_errors() {
        let err = Stage::Intake.transition(Stage::Assessing).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a case cannot move from stage `intake` to stage `assessing`"
        );
        for stage in Stage::ALL {
            assert_eq!(
                stage.transition(*stage),
                Err(TransitionError {
                    from: *stage,
                    to: *stage
                })
            );
        }
        assert!(Stage::Accepted.transition(Stage::Arrived).is_err());
        assert!(Stage::Accepted.transition(Stage::Referred).is_err());
        assert!(Stage::LostContact.transition(Stage::Withdrawn).is_err());
    }

    #[test]
    fn closing_and_reopening() {
        for stage in Stage::ALL.iter().filter(|s| s.is_open()) {
            for close in [
                Stage::Withdrawn,
                Stage::Ineligible,
                Stage::Removed,
                Stage::LostContact,
            ] {
                assert!(stage.can_transition(close), "{stage} -> {close}");
            }
        }
        assert_eq!(
            Stage::LostContact.transition(Stage::Intake),
            Ok(Stage::Intake)
        );
        assert!(Stage::LostContact.is_closed());
        assert!(!Stage::LostContact.is_terminal());
        assert_eq!(
            Stage::Removed.transition(Stage::LostContact),
            Ok(Stage::LostContact)
        );
        assert_eq!(
            Stage::LostContact.transition(Stage::Removed),
            Ok(Stage::Removed)
        );
        assert!(Stage::Removed.transition(Stage::Intake).is_err());
        for terminal in [Stage::Arrived, Stage::Withdrawn, Stage::Ineligible] {
            assert!(terminal.is_terminal());
            assert!(terminal.is_closed());
        }
        assert_eq!(Stage::ALL.iter().filter(|s| s.is_closed()).count(), 5);
    }
}
