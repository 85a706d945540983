//! Command result and status cards: one row per device, with the next sensible buttons.

use serde::{Deserialize, Serialize};

use super::lists::{Line, LineView, line_views};
use super::{
    Button, ButtonView, Fact, FactView, NAME_CHARS, TEXT_CHARS, button_views, buttons_markdown,
    fact_views,
};
use crate::cards::markdown::literal;
use crate::cards::words::{count, plural};
use crate::cards::{Card, RenderError, Templates};

/// Most device rows in one result or status card; the rest are counted ("… and 3 more").
const MAX_ROWS: usize = 15;
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

    /// How the outcome is counted: "3 failed".
    pub fn word(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Pending => "pending",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
        }
    }

    /// Rows of worse outcomes come first (a lower rank is worse).
    pub fn rank(self) -> u8 {
        match self {
            Self::Failed => 0,
            Self::Skipped => 1,
            Self::Pending => 2,
            Self::Done => 3,
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

/// A command's result: counts by outcome first, then the devices (failures before successes,
/// the long tail counted), then the devices left out, folded into lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandResult {
    /// Headline, e.g. "Muted room 4B".
    pub title: String,
    /// Counts by outcome ("1,574 done · 3 failed · 120 skipped: 80 offline, 40 read-only").
    pub summary: String,
    /// One row per device called (the card puts failures first and counts what it leaves out).
    pub rows: Vec<DeviceOutcome>,
    /// Lines under the rows: the devices left out, by reason, and quieter notes.
    pub notes: Vec<Line>,
    /// Buttons (the next sensible command, Refresh); at most 5.
    pub buttons: Vec<Button>,
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
    /// Anything else to say (empty result, failure); may be empty.
    pub note: String,
}

/// A status reply: a fleet summary when many devices were read, the devices of the page, the
/// devices left out folded into lines, Refresh and More.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    /// Headline, e.g. "Status of room 4B".
    pub title: String,
    /// Which devices of how many are shown ("" when all).
    pub summary: String,
    /// Across every device read (may be empty).
    pub fleet: Vec<Fact>,
    /// One entry per device shown.
    pub devices: Vec<DeviceStatus>,
    /// Lines under the devices: those left out, by reason.
    pub notes: Vec<Line>,
    /// Command text the Refresh button runs again (the same status command).
    pub refresh_command: String,
    /// Command text of More (the next page of devices), if one follows.
    pub more_command: Option<String>,
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
    more: String,
    notes: Vec<LineView>,
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
    summary: String,
    fleet: Vec<FactView>,
    devices: Vec<StatusDeviceView>,
    more: String,
    notes: Vec<LineView>,
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
    /// Renders a command result: counts, then failures before successes (the rest counted),
    /// then the notes and buttons.
    pub fn render_command_result(&self, result: &CommandResult) -> Result<Card, RenderError> {
        let mut rows: Vec<&DeviceOutcome> = result.rows.iter().collect();
        rows.sort_by_key(|r| r.outcome.rank());
        let mut view = ResultView {
            title: literal(&result.title, TEXT_CHARS),
            summary: literal(&result.summary, TEXT_CHARS),
            rows: rows.iter().take(MAX_ROWS).map(|r| row_view(r)).collect(),
            more: String::new(),
            notes: line_views(&result.notes),
            buttons: button_views(&result.buttons),
        };
        view.more = more_line(&rows[view.rows.len()..]);
        self.shrink_to_fit("command_result", &mut view, |v| {
            let keep = v.rows.len().saturating_sub(1);
            v.rows.truncate(keep);
            v.more = more_line(&rows[keep..]);
            keep > 0
        })?;
        let mut md = vec![format!("**{}**", view.title)];
        if !view.summary.is_empty() {
            md.push(view.summary.clone());
        }
        md.push(String::new());
        md.extend(view.rows.iter().map(|r| {
            format!(
                "- {} **{}** · {}: {}",
                r.icon, r.device, r.workspace, r.detail
            )
        }));
        if !view.more.is_empty() {
            md.push(format!("- {}", view.more));
        }
        md.extend(view.notes.iter().map(|n| format!("- {}", n.text)));
        if !result.buttons.is_empty() {
            md.extend(["".into(), "Next:".into(), buttons_markdown(&result.buttons)]);
        }
        self.card("command_result", &view, md.join("\n"))
    }

    /// Renders status: the fleet summary, each device's values, the notes, Refresh and More.
    pub fn render_status(&self, report: &StatusReport) -> Result<Card, RenderError> {
        let mut buttons = vec![Button::new("Refresh", report.refresh_command.clone())];
        if let Some(more) = &report.more_command {
            buttons.push(Button::new("More", more.clone()));
        }
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
        let total = report.devices.len();
        let mut view = StatusView {
            title: literal(&report.title, TEXT_CHARS),
            summary: literal(&report.summary, TEXT_CHARS),
            fleet: fact_views(&report.fleet),
            more: hidden_devices(total - devices.len()),
            devices,
            notes: line_views(&report.notes),
            buttons: button_views(&buttons),
        };
        self.shrink_to_fit("status", &mut view, |v| {
            let popped = v.devices.len() > 1 && v.devices.pop().is_some();
            v.more = hidden_devices(total - v.devices.len());
            popped
        })?;
        self.card("status", &view, status_markdown(&view, &buttons))
    }
}

fn status_markdown(view: &StatusView, buttons: &[Button]) -> String {
    let mut md = vec![format!("**{}**", view.title)];
    if !view.summary.is_empty() {
        md.push(view.summary.clone());
    }
    md.extend(
        view.fleet
            .iter()
            .map(|f| format!("- {}: {}", f.title, f.value)),
    );
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
    if !view.more.is_empty() {
        md.push(format!("\n{}", view.more));
    }
    if !view.notes.is_empty() {
        md.push(String::new());
        md.extend(view.notes.iter().map(|n| format!("- {}", n.text)));
    }
    md.extend(["".into(), buttons_markdown(buttons)]);
    md.join("\n")
}

/// "… and 3 more devices" ("" for none).
fn hidden_devices(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!("… and {}", plural(n, "more device", "more devices")),
    }
}

/// The rows left out, counted by outcome: "… and 3 more failed, 1,574 more done" ("" for none).
fn more_line(rest: &[&DeviceOutcome]) -> String {
    let counts: Vec<String> = [
        Outcome::Failed,
        Outcome::Pending,
        Outcome::Done,
        Outcome::Skipped,
    ]
    .iter()
    .filter_map(|o| {
        let n = rest.iter().filter(|r| r.outcome == *o).count();
        (n > 0).then(|| format!("{} more {}", count(n), o.word()))
    })
    .collect();
    match counts.is_empty() {
        true => String::new(),
        false => format!("… and {}", counts.join(", ")),
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
