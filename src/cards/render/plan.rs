//! The plan card (`plan <command>`): what a command would do, without doing it: who may run
//! it, how many devices it calls and leaves out, whether it asks for a confirmation, each call,
//! each device left out with why, and a button that runs the command for real.

use serde::{Deserialize, Serialize};

use super::{
    Button, ButtonView, Fact, FactView, NAME_CHARS, TEXT_CHARS, button_views, buttons_markdown,
    fact_views,
};
use crate::cards::markdown::literal;
use crate::cards::{Card, RenderError, Templates};

/// Most calls and most left-out devices listed; the rest are counted.
const MAX_LINES: usize = 25;

/// A plan as the card shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanPreview {
    /// The command planned, as text.
    pub command: String,
    /// Role needed, device counts, confirmation.
    pub facts: Vec<Fact>,
    pub calls: Vec<PlanCall>,
    pub skipped: Vec<PlanSkip>,
    pub buttons: Vec<Button>,
}

/// One call of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanCall {
    /// What the call does, e.g. `xCommand Audio.Microphones.Mute`.
    pub what: String,
    /// What it addresses: a device and its workspace, or a workspace, location or the space.
    pub subject: String,
    /// The subject's workspace, for devices ("" otherwise).
    pub workspace: String,
}

/// One device the plan leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSkip {
    pub device: String,
    pub workspace: String,
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct PlanView {
    title: String,
    facts: Vec<FactView>,
    calls: Vec<LineView>,
    hidden_calls: usize,
    skipped: Vec<SkipView>,
    hidden_skipped: usize,
    buttons: Vec<ButtonView>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LineView {
    text: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SkipView {
    device: String,
    workspace: String,
    reason: String,
}

impl Templates {
    /// Renders a plan preview.
    pub fn render_plan(&self, plan: &PlanPreview) -> Result<Card, RenderError> {
        let calls: Vec<LineView> = plan.calls.iter().take(MAX_LINES).map(call_line).collect();
        let skipped: Vec<SkipView> = plan
            .skipped
            .iter()
            .take(MAX_LINES)
            .map(|s| SkipView {
                device: literal(&s.device, NAME_CHARS),
                workspace: literal(&s.workspace, NAME_CHARS),
                reason: literal(&s.reason, TEXT_CHARS),
            })
            .collect();
        let mut view = PlanView {
            title: literal(&format!("Plan: {}", plan.command), TEXT_CHARS),
            facts: fact_views(&plan.facts),
            hidden_calls: plan.calls.len() - calls.len(),
            calls,
            hidden_skipped: plan.skipped.len() - skipped.len(),
            skipped,
            buttons: button_views(&plan.buttons),
        };
        self.shrink_to_fit("plan", &mut view, |v| {
            if v.calls.len() > 1 {
                v.calls.pop();
                v.hidden_calls += 1;
                true
            } else if v.skipped.len() > 1 {
                v.skipped.pop();
                v.hidden_skipped += 1;
                true
            } else {
                false
            }
        })?;
        let fallback = plan_markdown(&view, &plan.buttons);
        self.card("plan", &view, fallback)
    }
}

fn call_line(call: &PlanCall) -> LineView {
    let subject = match call.workspace.as_str() {
        "" => format!("**{}**", literal(&call.subject, NAME_CHARS)),
        workspace => format!(
            "**{}** · {}",
            literal(&call.subject, NAME_CHARS),
            literal(workspace, NAME_CHARS)
        ),
    };
    LineView {
        text: format!("{} → {subject}", literal(&call.what, TEXT_CHARS)),
    }
}

fn plan_markdown(view: &PlanView, buttons: &[Button]) -> String {
    let mut md = vec![format!("**{}**", view.title)];
    md.extend(
        view.facts
            .iter()
            .map(|f| format!("- {}: {}", f.title, f.value)),
    );
    if !view.calls.is_empty() {
        md.push("\nCalls:".into());
        md.extend(view.calls.iter().map(|c| format!("- {}", c.text)));
    }
    if view.hidden_calls > 0 {
        md.push(format!("- … and {} more calls", view.hidden_calls));
    }
    if !view.skipped.is_empty() {
        md.push("\nLeft out:".into());
        md.extend(
            view.skipped
                .iter()
                .map(|s| format!("- **{}** · {}: {}", s.device, s.workspace, s.reason)),
        );
    }
    if view.hidden_skipped > 0 {
        md.push(format!(
            "- … and {} more devices left out",
            view.hidden_skipped
        ));
    }
    md.extend(["".into(), buttons_markdown(buttons)]);
    md.join("\n")
}
