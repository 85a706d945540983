//! Help generated from the grammar table: structured data for the cards layer
//! ([`help_overview`], [`help_for`]), markdown fallbacks and the README command reference
//! ([`reference_markdown`]).

use serde::Serialize;

use super::spec::{Group, Spec};
use super::table::{self, SPECS};

/// How targets are written; shown by help and the README.
pub const TARGETS_HELP: &str = "`<target>` is `room <name>`, `workspace <name>`, \
`device <name>`, `tag <tag>`, `location <name>`, `all` or a bare workspace name, optionally \
after `in`, `on`, `at` or `for` (`in room 4B`, `on 4B`, `for tag earlyAdopters`). Quote names \
with spaces (`\"Big Conference\"`) or let them run to the end. With no target, the space's \
default target (`use`) applies.";

/// One group of `help`: its title, one example and its commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HelpGroup {
    pub title: String,
    pub example: String,
    pub commands: Vec<HelpSummary>,
}

/// One command in the overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HelpSummary {
    /// The topic to ask for: `help <name>`.
    pub name: String,
    pub title: String,
    pub summary: String,
    pub example: String,
}

/// Everything `help <command>` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HelpEntry {
    pub name: String,
    pub title: String,
    pub group: String,
    pub summary: String,
    pub forms: Vec<String>,
    /// Other accepted spellings.
    pub variants: Vec<String>,
    pub examples: Vec<String>,
    /// The xAPI or REST call it leads to.
    pub api: String,
}

/// The `help` overview: every group with one example and its commands.
pub fn help_overview() -> Vec<HelpGroup> {
    Group::ALL
        .iter()
        .map(|group| {
            let specs: Vec<&Spec> = SPECS.iter().filter(|s| s.group == *group).collect();
            let commands: Vec<HelpSummary> = specs.iter().map(|spec| summary_of(spec)).collect();
            HelpGroup {
                title: group.title().to_owned(),
                example: commands
                    .first()
                    .map(|c| c.example.clone())
                    .unwrap_or_default(),
                commands,
            }
        })
        .filter(|group| !group.commands.is_empty())
        .collect()
}

/// Help on one command, found by name, verb or title (`volume`, `hang up`, `Terminal notation`).
pub fn help_for(topic: &str) -> Option<HelpEntry> {
    table::spec_named(topic).map(entry_of)
}

/// The overview as markdown (the fallback text of the help card).
pub fn overview_markdown() -> String {
    let mut out = String::from("Here is what I can do. Type `help <command>` for details.\n\n");
    for group in help_overview() {
        let names: Vec<&str> = group.commands.iter().map(|c| c.name.as_str()).collect();
        out.push_str(&format!(
            "- **{}**: {} (e.g. `{}`)\n",
            group.title,
            names.join(", "),
            group.example
        ));
    }
    out.push('\n');
    out.push_str(TARGETS_HELP);
    out
}

impl HelpEntry {
    /// This entry as markdown (the fallback text of the help card).
    pub fn markdown(&self) -> String {
        let code = |lines: &[String]| {
            lines
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = format!("**{}**: {}\n", self.title, self.summary);
        out.push_str(&format!("- Forms: {}\n", code(&self.forms)));
        if !self.variants.is_empty() {
            out.push_str(&format!("- Also accepted: {}\n", code(&self.variants)));
        }
        out.push_str(&format!("- Examples: {}\n", code(&self.examples)));
        out.push_str(&format!("- Leads to: {}", self.api));
        out
    }
}

/// The README's command reference, generated from the table.
pub fn reference_markdown() -> String {
    let mut out = format!("{TARGETS_HELP}\n");
    for group in Group::ALL {
        out.push_str(&format!("\n### {}\n\n", group.title()));
        out.push_str("| Command | Forms | Also accepted | Examples | Leads to |\n");
        out.push_str("|---|---|---|---|---|\n");
        for spec in SPECS.iter().filter(|spec| spec.group == group) {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cell(spec.title),
                code_cell(spec.forms),
                code_cell(spec.variants),
                code_cell(spec.examples),
                cell(spec.api)
            ));
        }
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn code_cell(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|line| format!("`{}`", cell(line)))
        .collect::<Vec<_>>()
        .join("<br>")
}

fn summary_of(spec: &Spec) -> HelpSummary {
    HelpSummary {
        name: spec.name.to_owned(),
        title: spec.title.to_owned(),
        summary: spec.summary.to_owned(),
        example: spec
            .examples
            .first()
            .copied()
            .unwrap_or(spec.name)
            .to_owned(),
    }
}

fn entry_of(spec: &Spec) -> HelpEntry {
    let owned = |lines: &[&str]| lines.iter().map(|l| (*l).to_owned()).collect();
    HelpEntry {
        name: spec.name.to_owned(),
        title: spec.title.to_owned(),
        group: spec.group.title().to_owned(),
        summary: spec.summary.to_owned(),
        forms: owned(spec.forms),
        variants: owned(spec.variants),
        examples: owned(spec.examples),
        api: spec.api.to_owned(),
    }
}
