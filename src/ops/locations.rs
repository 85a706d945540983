//! The replies about locations (`/locations`) and their floors: the list, a location's floors,
//! a floor created, the "new location" form and a location created from it.

use crate::cards::markdown::escape;
use crate::cards::words::plural;
use crate::cards::{Button, Line, ListCard, ListRow, LocationForm, TargetPicker, Tone};
use crate::command::Command;
use crate::plan::{LocationRef, LocationRow, Paging};
use crate::request::Reply;

use super::audit::Verdict;
use super::execute::{Answer, CallResult, Outcome};
use super::workspaces::{more_button, page_line};
use super::{Done, Ops};

impl Ops {
    /// `locations`: one page, each location with its workspace count and a button listing
    /// them.
    pub(crate) fn render_locations(&self, rows: &[LocationRow], paging: &Paging) -> Done {
        let list_rows = rows
            .iter()
            .map(|row| {
                let command = Command::Workspaces {
                    location: Some(row.name.clone()),
                    page: None,
                };
                let workspaces = match row.workspaces {
                    0 => "no workspaces yet".to_owned(),
                    n => plural(n, "workspace", "workspaces"),
                };
                ListRow {
                    header: String::new(),
                    name: row.name.clone(),
                    lines: vec![Line::new(workspaces, Tone::Default)],
                    button: Some(Button::new("Workspaces", command.canonical())),
                }
            })
            .collect();
        let list = ListCard {
            title: plural(paging.total, "location", "locations"),
            summary: page_line(paging),
            rows: list_rows,
            note: String::new(),
            buttons: more_button(paging),
        };
        let names: Vec<String> = rows.iter().map(|r| escape(&r.name)).collect();
        let fallback = format!("{}: {}", escape(&list.title), names.join(", "));
        Done::new(
            self.card(self.templates.render_list(&list), fallback),
            Verdict::Read,
        )
        .targets(names)
    }

    /// `floors <location>`.
    pub(crate) fn render_floors(&self, outcome: &Outcome, location: &LocationRef) -> Done {
        let floors = match outcome.first() {
            Some(CallResult::Done(Answer::Floors(floors))) => floors,
            other => return self.unexpected("list floors", other),
        };
        let mut lines: Vec<String> = floors
            .iter()
            .map(|f| {
                let number = f
                    .floor_number
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "?".into());
                match &f.display_name {
                    Some(name) => format!("- Floor {number}: {}", escape(name)),
                    None => format!("- Floor {number}"),
                }
            })
            .collect();
        if lines.is_empty() {
            lines.push("No floors yet.".to_owned());
        }
        let text = format!(
            "**Floors of {}**\n\n{}",
            escape(&location.name),
            lines.join("\n")
        );
        Done::new(Reply::text(text), Verdict::Read).targets(vec![location.name.clone()])
    }

    /// `floor create <location> <number> [name]`.
    pub(crate) fn render_floor_created(
        &self,
        outcome: &Outcome,
        location: &LocationRef,
        number: i32,
    ) -> Done {
        let label = &location.name;
        let floor = match outcome.first() {
            Some(CallResult::Done(Answer::Floor(floor))) => floor,
            other => return self.unexpected(&format!("create floor {number} in {label}"), other),
        };
        let named = floor
            .display_name
            .as_ref()
            .map(|n| format!(" ({})", escape(n)))
            .unwrap_or_default();
        let text = format!("Created floor {number}{named} in **{}**.", escape(label));
        Done::new(Reply::text(text), Verdict::Done).targets(vec![label.clone()])
    }

    /// `location create [<name>]`: the "new location" form, named if a name was given.
    pub(crate) fn render_location_form(&self, name: &str) -> Done {
        let form = LocationForm {
            name: name.to_owned(),
            ..LocationForm::default()
        };
        Done::new(self.location_form_reply(&form), Verdict::Read)
    }

    /// The "new location" form as a reply.
    pub(crate) fn location_form_reply(&self, form: &LocationForm) -> Reply {
        let fallback =
            "To create a location, open this message in a Webex client that shows cards.";
        self.card(self.templates.render_location_form(form), fallback)
    }

    /// A location created from the form: what was created, and where to go next.
    pub(crate) fn render_location_created(&self, outcome: &Outcome, name: &str) -> Done {
        let created = match outcome.first() {
            Some(CallResult::Done(Answer::Location(created))) => created,
            other => return self.unexpected(&format!("create location {name}"), other),
        };
        let label = created
            .fields
            .display_name
            .clone()
            .unwrap_or_else(|| name.to_owned());
        let summary = format!(
            "Created location {label}: {} ({}), {}, {}.",
            created.fields.address.clone().unwrap_or_default(),
            created.fields.country_code.clone().unwrap_or_default(),
            created.fields.latitude.unwrap_or_default(),
            created.fields.longitude.unwrap_or_default(),
        );
        let quoted = label.replace('"', "'");
        let text = format!(
            "{}\n\nAdd floors with `floor create \"{quoted}\" <number> [name]`; put workspaces there with `workspace create <name> in \"{quoted}\"`.",
            escape(&summary)
        );
        let floors = Command::Floors {
            location: label.clone(),
        };
        let buttons = vec![
            Button::new("Floors", floors.canonical()),
            Button::new("Locations", Command::Locations { page: None }.canonical()),
        ];
        let picker = TargetPicker {
            prompt: summary,
            candidates: buttons,
        };
        Done::new(
            self.card(self.templates.render_target_picker(&picker), text),
            Verdict::Done,
        )
        .targets(vec![label])
    }

    /// The reply when a plan's one call did not answer as expected (refused, failed, or none).
    pub(crate) fn unexpected(&self, what: &str, result: Option<&CallResult>) -> Done {
        match result.and_then(|r| self.call_failed(what, r)) {
            Some(done) => done,
            None => self.rejected(&format!("I could not {what}."), "Please try again."),
        }
    }
}
