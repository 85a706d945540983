//! Command result and status cards: one row per device, with the next sensible buttons.

use serde::{Deserialize, Serialize};

use super::{
    Button, ButtonView, Fact, FactView, NAME_CHARS, TEXT_CHARS, button_views, buttons_markdown,
    fact_views,
};
use crate::cards::markdown::literal;
use crate::cards::{Card, RenderError, Templates};

/// Most device rows in one result or status card; the rest are counted ("… and 3 more").
const MAX_ROWS: usize = 25;
/// Most facts per device in a status card.
const MAX_FACTS: usize = 20;

/// What happened on one device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The command ran.
    Done,
    /// Accepted, takes effect later (e.g. a configuration for an offline device).
    Pending,
    /// Not attempted (read-only, no access, offline): the detail says why.
    Skipped,
    /// The device or Webex refused or failed.
    Failed,
}

impl Outcome {
    fn icon(self) -> &'static str {
        match self {
            Self::Done => "✅",
            Self::Pending => "⏳",
            Self::Skipped => "⏭️",
            Self::Failed => "❌",
        }
    }

    fn color(self) -> &'static str {
        match self {
            Self::Done => "Good",
            Self::Pending => "Default",
            Self::Skipped => "Warning",
            Self::Failed => "Attention",
        }
    }
}

/// One device's line in a command result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceOutcome {
    /// Device display name.
    pub device: String,
    /// Its workspace.
    pub workspace: String,
    /// What happened.
    pub outcome: Outcome,
    /// Human text: "Microphones muted", "skipped: read-only (xapi:readonly)".
    pub detail: String,
}

/// Which command ran, to choose the next sensible buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    /// After `mute`: Unmute.
    Mute,
    /// After `unmute`: Mute.
    Unmute,
    /// After `volume …`: Volume − and Volume +.
    Volume,
    /// After `standby`: Wake.
    Standby,
    /// After `wake` or `halfwake`: Standby.
    Wake,
    /// After `selfview on|off`: the opposite.
    Selfview {
        /// Whether selfview is now on.
        on: bool,
    },
    /// After `dial`: Hang up.
    Call,
    /// Anything else: Refresh only.
    Other,
}

/// A command's result on every device it reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandResult {
    /// Headline, e.g. "Muted room 4B".
    pub title: String,
    /// Canonical target text for follow-up buttons (`room 4B`).
    pub target: String,
    /// One row per device (including skipped ones).
    pub rows: Vec<DeviceOutcome>,
    /// Which buttons to offer next.
    pub follow_up: FollowUp,
}

/// Status values per device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceStatus {
    /// Device display name.
    pub device: String,
    /// Its workspace.
    pub workspace: String,
    /// Values, e.g. `Audio.Volume` = `70`.
    pub facts: Vec<Fact>,
    /// Anything else to say (empty result, skipped, offline); may be empty.
    pub note: String,
}

/// A status reply with a Refresh button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    /// Headline, e.g. "Status of room 4B".
    pub title: String,
    /// One entry per device.
    pub devices: Vec<DeviceStatus>,
    /// Command text the Refresh button runs again (the same status command).
    pub refresh_command: String,
}

/// The buttons offered after `follow_up` on `target` (always ending with Refresh).
pub fn follow_up_buttons(follow_up: FollowUp, target: &str) -> Vec<Button> {
    let b = |title: &str, verb: &str| Button::new(title, format!("{verb} {target}"));
    let mut buttons = match follow_up {
        FollowUp::Mute => vec![b("Unmute", "unmute")],
        FollowUp::Unmute => vec![b("Mute", "mute")],
        FollowUp::Volume => vec![b("Volume −", "volume down"), b("Volume +", "volume up")],
        FollowUp::Standby => vec![b("Wake", "wake")],
        FollowUp::Wake => vec![b("Standby", "standby")],
        FollowUp::Selfview { on: true } => vec![b("Selfview off", "selfview off")],
        FollowUp::Selfview { on: false } => vec![b("Selfview on", "selfview on")],
        FollowUp::Call => vec![b("Hang up", "hangup")],
        FollowUp::Other => vec![],
    };
    buttons.push(b("Refresh", "status"));
    buttons
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct ResultView {
    title: String,
    summary: String,
    rows: Vec<RowView>,
    hidden: usize,
    buttons: Vec<ButtonView>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RowView {
    icon: String,
    device: String,
    workspace: String,
    detail: String,
    color: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct StatusView {
    title: String,
    devices: Vec<StatusDeviceView>,
    hidden: usize,
    buttons: Vec<ButtonView>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StatusDeviceView {
    device: String,
    workspace: String,
    facts: Vec<FactView>,
    note: String,
}

impl Templates {
    /// Renders a command result: one row per device with its outcome, then follow-up buttons.
    pub fn render_command_result(&self, result: &CommandResult) -> Result<Card, RenderError> {
        let count = |o: Outcome| result.rows.iter().filter(|r| r.outcome == o).count();
        let summary = [
            (Outcome::Done, "done"),
            (Outcome::Pending, "pending"),
            (Outcome::Skipped, "skipped"),
            (Outcome::Failed, "failed"),
        ]
        .iter()
        .filter(|(o, _)| count(*o) > 0)
        .map(|(o, word)| format!("{} {word}", count(*o)))
        .collect::<Vec<_>>()
        .join(" · ");
        let buttons = follow_up_buttons(result.follow_up, &result.target);
        let rows: Vec<RowView> = result.rows.iter().take(MAX_ROWS).map(row_view).collect();
        let mut view = ResultView {
            title: literal(&result.title, TEXT_CHARS),
            summary: summary.clone(),
            hidden: result.rows.len() - rows.len(),
            rows,
            buttons: button_views(&buttons),
        };
        self.shrink_to_fit("command_result", &mut view, |v| {
            v.rows.len() > 1 && v.rows.pop().map(|_| v.hidden += 1).is_some()
        })?;
        let mut md = vec![format!("**{}**", view.title)];
        if !summary.is_empty() {
            md.push(summary);
        }
        md.push(String::new());
        md.extend(view.rows.iter().map(|r| {
            format!(
                "- {} **{}** · {}: {}",
                r.icon, r.device, r.workspace, r.detail
            )
        }));
        if view.hidden > 0 {
            md.push(format!("- … and {} more devices", view.hidden));
        }
        md.extend(["".into(), "Next:".into(), buttons_markdown(&buttons)]);
        self.card("command_result", &view, md.join("\n"))
    }

    /// Renders status values per device, with a Refresh button.
    pub fn render_status(&self, report: &StatusReport) -> Result<Card, RenderError> {
        let buttons = [Button::new("Refresh", report.refresh_command.clone())];
        let devices: Vec<StatusDeviceView> = report
            .devices
            .iter()
            .take(MAX_ROWS)
            .map(|d| StatusDeviceView {
                device: literal(&d.device, NAME_CHARS),
                workspace: literal(&d.workspace, NAME_CHARS),
                facts: fact_views(&d.facts[..d.facts.len().min(MAX_FACTS)]),
                note: literal(&d.note, TEXT_CHARS),
            })
            .collect();
        let mut view = StatusView {
            title: literal(&report.title, TEXT_CHARS),
            hidden: report.devices.len() - devices.len(),
            devices,
            buttons: button_views(&buttons),
        };
        self.shrink_to_fit("status", &mut view, |v| {
            v.devices.len() > 1 && v.devices.pop().map(|_| v.hidden += 1).is_some()
        })?;
        let mut md = vec![format!("**{}**", view.title)];
        for d in &view.devices {
            md.push(String::new());
            md.push(format!("**{}** · {}", d.device, d.workspace));
            md.extend(
                d.facts
                    .iter()
                    .map(|f| format!("- {}: {}", f.title, f.value)),
            );
            if !d.note.is_empty() {
                md.push(format!("- {}", d.note));
            }
        }
        if view.hidden > 0 {
            md.push(format!("\n… and {} more devices", view.hidden));
        }
        md.extend(["".into(), buttons_markdown(&buttons)]);
        self.card("status", &view, md.join("\n"))
    }
}

fn row_view(row: &DeviceOutcome) -> RowView {
    RowView {
        icon: row.outcome.icon().into(),
        device: literal(&row.device, NAME_CHARS),
        workspace: literal(&row.workspace, NAME_CHARS),
        detail: literal(&row.detail, TEXT_CHARS),
        color: row.outcome.color().into(),
    }
}
