//! Help, target picker, confirmation and error cards.

use serde::{Deserialize, Serialize};

use super::{
    Button, ButtonView, MAX_ACTIONS, NAME_CHARS, TEXT_CHARS, button_views, buttons_markdown,
};
use crate::cards::markdown::{code, literal};
use crate::cards::{Card, RenderError, Templates};

/// Most candidates in a picker (five action sets of five).
const MAX_CANDIDATES: usize = 25;
/// Most targets listed in a confirmation.
const MAX_TARGETS: usize = 20;

/// The help card: sections of `syntax → summary` lines (generated from the command table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Help {
    /// Headline.
    pub title: String,
    /// A sentence under the headline (may be empty).
    pub intro: String,
    /// Groups of commands.
    pub sections: Vec<HelpSection>,
    /// Buttons (e.g. `help devices`); at most 5.
    pub buttons: Vec<Button>,
}

/// One group in the help card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpSection {
    /// Group name ("Microphones").
    pub title: String,
    /// Its commands.
    pub entries: Vec<HelpEntry>,
}

/// One command form in the help card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry {
    /// The form, e.g. `mute <target>`.
    pub syntax: String,
    /// What it does.
    pub summary: String,
}

/// Asks which target was meant: one button per candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetPicker {
    /// The question, e.g. "Which workspace do you mean by “4”?".
    pub prompt: String,
    /// One button per candidate; each runs the whole command with that target.
    pub candidates: Vec<Button>,
}

/// Where a confirmation stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmationState {
    /// Waiting: Confirm and Cancel carry this single-use token.
    Pending {
        /// The token stored server-side.
        token: String,
        /// Minutes until it expires.
        expires_in_minutes: u32,
    },
    /// Confirmed by this person.
    Confirmed {
        /// Who clicked.
        by: String,
    },
    /// Cancelled by this person.
    Cancelled {
        /// Who clicked.
        by: String,
    },
    /// Expired before anyone clicked.
    Expired,
}

/// A confirmation request (or, after a click, its closed form without buttons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// Headline, e.g. "Reboot 3 devices?".
    pub title: String,
    /// What will happen.
    pub summary: String,
    /// The devices or workspaces affected.
    pub targets: Vec<String>,
    /// Pending (buttons) or closed.
    pub state: ConfirmationState,
}

/// An error reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReport {
    /// What went wrong.
    pub message: String,
    /// What to do about it (may be empty).
    pub hint: String,
    /// Webex trackingId, if a Webex call failed (may be empty).
    pub tracking_id: String,
    /// Buttons (e.g. Help); at most 5.
    pub buttons: Vec<Button>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct HelpView {
    title: String,
    intro: String,
    sections: Vec<SectionView>,
    buttons: Vec<ButtonView>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionView {
    title: String,
    entries: Vec<EntryView>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryView {
    syntax: String,
    summary: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct PickerView {
    prompt: String,
    groups: Vec<GroupView>,
    note: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupView {
    buttons: Vec<ButtonView>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct ConfirmationView {
    title: String,
    summary: String,
    targets: Vec<String>,
    hidden: usize,
    status: String,
    status_color: String,
    token: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct ErrorView {
    message: String,
    hint: String,
    tracking_id: String,
    buttons: Vec<ButtonView>,
}

impl Templates {
    /// Renders the help card.
    pub fn render_help(&self, help: &Help) -> Result<Card, RenderError> {
        let sections: Vec<SectionView> = help
            .sections
            .iter()
            .map(|s| SectionView {
                title: literal(&s.title, NAME_CHARS),
                entries: s
                    .entries
                    .iter()
                    .map(|e| EntryView {
                        syntax: literal(&e.syntax, TEXT_CHARS),
                        summary: literal(&e.summary, TEXT_CHARS),
                    })
                    .collect(),
            })
            .collect();
        let view = HelpView {
            title: literal(&help.title, TEXT_CHARS),
            intro: literal(&help.intro, TEXT_CHARS),
            sections,
            buttons: button_views(&help.buttons),
        };
        let mut md = vec![format!("**{}**", view.title)];
        if !view.intro.is_empty() {
            md.push(view.intro.clone());
        }
        for (section, raw) in view.sections.iter().zip(&help.sections) {
            md.extend([String::new(), format!("**{}**", section.title)]);
            md.extend(
                raw.entries
                    .iter()
                    .zip(&section.entries)
                    .map(|(r, e)| format!("- {}: {}", code(&r.syntax), e.summary)),
            );
        }
        self.card("help", &view, md.join("\n"))
    }

    /// Renders a picker with one button per candidate (in rows of five).
    pub fn render_target_picker(&self, picker: &TargetPicker) -> Result<Card, RenderError> {
        let shown = &picker.candidates[..picker.candidates.len().min(MAX_CANDIDATES)];
        let note = match picker.candidates.len() - shown.len() {
            0 => String::new(),
            n => format!("… and {n} more: type a longer name to narrow it down."),
        };
        let groups = shown
            .chunks(MAX_ACTIONS)
            .map(|c| GroupView {
                buttons: button_views(c),
            })
            .collect();
        let view = PickerView {
            prompt: literal(&picker.prompt, TEXT_CHARS),
            groups,
            note,
        };
        let mut md = vec![
            format!("**{}**", view.prompt),
            String::new(),
            "Reply with one of:".to_owned(),
        ];
        md.extend(shown.iter().map(|b| format!("- {}", code(&b.command))));
        if !view.note.is_empty() {
            md.push(view.note.clone());
        }
        self.card("target_picker", &view, md.join("\n"))
    }

    /// Renders a confirmation: Confirm / Cancel while pending, a closed notice afterwards.
    pub fn render_confirmation(&self, confirmation: &Confirmation) -> Result<Card, RenderError> {
        let (status, color, token) = match &confirmation.state {
            ConfirmationState::Pending {
                token,
                expires_in_minutes,
            } => (
                format!(
                    "This confirmation expires in {expires_in_minutes} minute{}.",
                    if *expires_in_minutes == 1 { "" } else { "s" }
                ),
                "Default",
                token.clone(),
            ),
            ConfirmationState::Confirmed { by } => (
                format!("Confirmed by {}.", literal(by, NAME_CHARS)),
                "Good",
                String::new(),
            ),
            ConfirmationState::Cancelled { by } => (
                format!("Cancelled by {}.", literal(by, NAME_CHARS)),
                "Warning",
                String::new(),
            ),
            ConfirmationState::Expired => (
                "This confirmation has expired.".to_owned(),
                "Warning",
                String::new(),
            ),
        };
        let targets: Vec<String> = confirmation
            .targets
            .iter()
            .take(MAX_TARGETS)
            .map(|t| literal(t, NAME_CHARS))
            .collect();
        let view = ConfirmationView {
            title: literal(&confirmation.title, TEXT_CHARS),
            summary: literal(&confirmation.summary, TEXT_CHARS),
            hidden: confirmation.targets.len() - targets.len(),
            targets,
            status,
            status_color: color.to_owned(),
            token,
        };
        let mut md = vec![
            format!("**{}**", view.title),
            view.summary.clone(),
            String::new(),
        ];
        md.extend(view.targets.iter().map(|t| format!("- {t}")));
        if view.hidden > 0 {
            md.push(format!("- … and {} more", view.hidden));
        }
        md.extend([String::new(), view.status.clone()]);
        if !view.token.is_empty() {
            md.push("Use the Confirm or Cancel button on the card.".to_owned());
        }
        self.card("confirmation", &view, md.join("\n"))
    }

    /// Renders an error with its hint and Webex trackingId.
    pub fn render_error(&self, error: &ErrorReport) -> Result<Card, RenderError> {
        let view = ErrorView {
            message: literal(&error.message, TEXT_CHARS * 2),
            hint: literal(&error.hint, TEXT_CHARS * 2),
            tracking_id: literal(&error.tracking_id, NAME_CHARS * 2),
            buttons: button_views(&error.buttons),
        };
        let mut md = vec![format!("⚠️ **{}**", view.message)];
        if !view.hint.is_empty() {
            md.push(view.hint.clone());
        }
        if !view.tracking_id.is_empty() {
            md.push(format!("Tracking ID: {}", view.tracking_id));
        }
        if !error.buttons.is_empty() {
            md.extend(["".into(), buttons_markdown(&error.buttons)]);
        }
        self.card("error", &view, md.join("\n"))
    }
}
