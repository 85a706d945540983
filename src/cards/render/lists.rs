//! The list card: one row per item (a workspace, a location, a picker's candidate) with its full
//! name as text, the lines that tell it apart, and its button beside it; optional group headings;
//! a line saying which rows of how many are shown, a note, and More.

use serde::{Deserialize, Serialize};

use super::{Button, ButtonView, NAME_CHARS, TEXT_CHARS, button_views, buttons_markdown};
use crate::cards::markdown::{code, literal};
use crate::cards::{Card, RenderError, Templates};

/// How a line reads: plain, good news, a warning or trouble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    Default,
    Good,
    Warning,
    Attention,
}

impl Tone {
    pub(super) fn color(self) -> &'static str {
        match self {
            Self::Default => "Default",
            Self::Good => "Good",
            Self::Warning => "Warning",
            Self::Attention => "Attention",
        }
    }
}

/// One line under a row's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub tone: Tone,
}

impl Line {
    /// A line in `tone`.
    pub fn new(text: impl Into<String>, tone: Tone) -> Self {
        Self {
            text: text.into(),
            tone,
        }
    }
}

/// One row of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    /// A group heading shown above the row ("" for none).
    pub header: String,
    /// The item's full name.
    pub name: String,
    /// What tells it apart (location, devices, health).
    pub lines: Vec<Line>,
    /// The button beside it, if any.
    pub button: Option<Button>,
}

/// A list card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCard {
    pub title: String,
    /// Which rows of how many ("Showing 1–15 of 1,000"); may be empty.
    pub summary: String,
    pub rows: Vec<ListRow>,
    /// Said under the rows (may be empty).
    pub note: String,
    /// More, and other buttons; at most 5.
    pub buttons: Vec<Button>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct ListView {
    title: String,
    summary: String,
    rows: Vec<ListRowView>,
    note: String,
    buttons: Vec<ButtonView>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListRowView {
    header: String,
    text: String,
    lines: Vec<LineView>,
    button: String,
    cmd: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LineView {
    pub text: String,
    pub color: String,
}

pub(super) fn line_views(lines: &[Line]) -> Vec<LineView> {
    lines
        .iter()
        .map(|l| LineView {
            text: literal(&l.text, TEXT_CHARS),
            color: l.tone.color().to_owned(),
        })
        .collect()
}

/// Detail lines a row keeps when its card must shrink (the rest fold into one line).
const FOLDED_LINES: usize = 2;

/// One step of fitting a list into a card, for `shrink_to_fit`: first each row's detail lines
/// past [`FOLDED_LINES`] fold into "… and N more", then the last row goes and is named after
/// the page's `summary` (the next page starts after it: a dropped row must not vanish).
pub(super) struct Fitting {
    summary: String,
    dropped: Vec<String>,
}

impl Fitting {
    pub(super) fn new(summary: &str) -> Self {
        Self {
            summary: summary.to_owned(),
            dropped: Vec::new(),
        }
    }

    /// Shrinks `rows` (whose detail lines `lines` reaches and whose name `name` gives) by one
    /// step, rewriting `summary`; false when nothing is left to shrink.
    pub(super) fn step<R>(
        &mut self,
        rows: &mut Vec<R>,
        lines: fn(&mut R) -> &mut Vec<LineView>,
        name: fn(&R) -> &str,
        summary: &mut String,
    ) -> bool {
        let mut folded = false;
        for row in rows.iter_mut() {
            let lines = lines(row);
            if lines.len() > FOLDED_LINES {
                let hidden = lines.len() - (FOLDED_LINES - 1);
                lines.truncate(FOLDED_LINES - 1);
                lines.push(LineView {
                    text: format!("… and {hidden} more"),
                    color: Tone::Default.color().to_owned(),
                });
                folded = true;
            }
        }
        if folded {
            return true;
        }
        if rows.len() <= 1 {
            return false;
        }
        let Some(row) = rows.pop() else {
            return false;
        };
        self.dropped.insert(0, short(name(&row)));
        *summary = format!(
            "{} · not shown, the card is full: {}",
            self.summary,
            self.dropped.join(", ")
        );
        true
    }
}

/// An (already escaped) name cut to [`NAME_CHARS`], never just after an escaping backslash.
fn short(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        return name.to_owned();
    }
    let mut cut: String = name.chars().take(NAME_CHARS).collect();
    while cut.ends_with('\\') {
        cut.pop();
    }
    cut.push('…');
    cut
}

impl Templates {
    /// Renders a list: rows with their buttons, the page summary, a note and More.
    pub fn render_list(&self, list: &ListCard) -> Result<Card, RenderError> {
        let rows: Vec<ListRowView> = list.rows.iter().map(row_view).collect();
        let mut view = ListView {
            title: literal(&list.title, TEXT_CHARS),
            summary: literal(&list.summary, TEXT_CHARS),
            rows,
            note: literal(&list.note, TEXT_CHARS),
            buttons: button_views(&list.buttons),
        };
        let mut fitting = Fitting::new(&view.summary);
        self.shrink_to_fit("list", &mut view, |v| {
            fitting.step(&mut v.rows, |r| &mut r.lines, |r| &r.text, &mut v.summary)
        })?;
        let fallback = list_markdown(&view, list);
        self.card("list", &view, fallback)
    }
}

fn row_view(row: &ListRow) -> ListRowView {
    let (button, cmd) = match &row.button {
        Some(b) => (literal(&b.title, NAME_CHARS), b.command.clone()),
        None => (String::new(), String::new()),
    };
    ListRowView {
        header: literal(&row.header, NAME_CHARS),
        text: format!("**{}**", literal(&row.name, TEXT_CHARS)),
        lines: line_views(&row.lines),
        button,
        cmd,
    }
}

fn list_markdown(view: &ListView, list: &ListCard) -> String {
    let mut md = vec![format!("**{}**", view.title)];
    if !view.summary.is_empty() {
        md.push(view.summary.clone());
    }
    md.push(String::new());
    for (row, raw) in view.rows.iter().zip(&list.rows) {
        if !row.header.is_empty() {
            md.push(format!("**{}**", row.header));
        }
        let mut line = format!("- {}", row.text);
        for part in &row.lines {
            line.push_str(&format!(" · {}", part.text));
        }
        if let Some(button) = &raw.button {
            line.push_str(&format!(": {}", code(&button.command)));
        }
        md.push(line);
    }
    if !view.note.is_empty() {
        md.extend([String::new(), view.note.clone()]);
    }
    if !list.buttons.is_empty() {
        md.extend([String::new(), buttons_markdown(&list.buttons)]);
    }
    md.join("\n")
}
