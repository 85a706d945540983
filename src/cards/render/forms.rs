//! The create forms: a new workspace (name, type, capacity, location, floor, notes) and a new
//! workspace location (name, postal address, country code, coordinates, notes). Submit carries
//! `{"form": "workspace_create"}` or `{"form": "location_create"}`; Webex merges the inputs,
//! named after the fields, into that data. Shown again with the problems when a submit is refused.

use serde::{Deserialize, Serialize};

use super::TEXT_CHARS;
use crate::cards::markdown::literal;
use crate::cards::{Card, RenderError, Templates};

/// Most choices in the location drop-down (more are dropped until the card fits anyway).
const MAX_LOCATIONS: usize = 100;
/// Most problems listed above the inputs.
const MAX_ERRORS: usize = 12;

/// Longest text each input accepts (the bot checks the same limits on submit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormLimits {
    /// Display names.
    pub name: u32,
    /// Notes.
    pub notes: u32,
    /// Address lines, city, state or region.
    pub line: u32,
    /// Postal code.
    pub postal_code: u32,
    /// Largest capacity.
    pub capacity: u32,
    /// Lowest and highest floor number.
    pub floors: (i32, i32),
}

/// The limits the bot enforces on the create forms.
pub const FORM_LIMITS: FormLimits = FormLimits {
    name: 256,
    notes: 1024,
    line: 256,
    postal_code: 32,
    capacity: 10_000,
    floors: (-999, 999),
};

/// One entry of a drop-down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// What the person sees.
    pub title: String,
    /// What is submitted.
    pub value: String,
}

impl Choice {
    /// A choice showing `title` and submitting `value`.
    pub fn new(title: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            value: value.into(),
        }
    }
}

/// The "new workspace" form, empty or filled with what was given (or submitted).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkspaceForm {
    /// Problems with a refused submit (empty for a fresh form).
    pub errors: Vec<String>,
    /// Display name.
    pub name: String,
    /// Selected type value (`meetingRoom`), or empty.
    pub kind: String,
    /// The workspace types offered.
    pub kinds: Vec<Choice>,
    /// Capacity, when known.
    pub capacity: Option<i64>,
    /// The organisation's locations (value: location id).
    pub locations: Vec<Choice>,
    /// Selected location id, or empty.
    pub location: String,
    /// Floor number, when known.
    pub floor: Option<i64>,
    /// Notes.
    pub notes: String,
}

/// The "new location" form: the fields `POST /workspaceLocations` needs, address split up.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocationForm {
    /// Problems with a refused submit (empty for a fresh form).
    pub errors: Vec<String>,
    /// Display name.
    pub name: String,
    /// Street and number.
    pub address1: String,
    /// Building, floor, suite…
    pub address2: String,
    /// City.
    pub city: String,
    /// State or region.
    pub state: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: String,
    /// Latitude, as typed.
    pub latitude: String,
    /// Longitude, as typed.
    pub longitude: String,
    /// Notes.
    pub notes: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoiceView {
    title: String,
    value: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct WorkspaceFormView {
    title: String,
    summary: String,
    errors: Vec<String>,
    name: String,
    name_max: u32,
    kind: String,
    kinds: Vec<ChoiceView>,
    has_capacity: bool,
    capacity: i64,
    capacity_max: u32,
    location: String,
    locations: Vec<ChoiceView>,
    has_floor: bool,
    floor: i64,
    floor_min: i32,
    floor_max: i32,
    notes: String,
    notes_max: u32,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct LocationFormView {
    title: String,
    summary: String,
    errors: Vec<String>,
    name: String,
    address1: String,
    address2: String,
    city: String,
    state: String,
    postal_code: String,
    country_code: String,
    latitude: String,
    longitude: String,
    notes: String,
    name_max: u32,
    line_max: u32,
    postal_code_max: u32,
    notes_max: u32,
}

fn choice_views(choices: &[Choice]) -> Vec<ChoiceView> {
    choices
        .iter()
        .map(|c| ChoiceView {
            title: c.title.clone(),
            value: c.value.clone(),
        })
        .collect()
}

/// The first [`MAX_LOCATIONS`] locations, and the selected one even if it comes later.
fn capped_locations(form: &WorkspaceForm) -> Vec<ChoiceView> {
    let mut kept: Vec<Choice> = form.locations.iter().take(MAX_LOCATIONS).cloned().collect();
    if !kept.iter().any(|c| c.value == form.location)
        && let Some(selected) = form.locations.iter().find(|c| c.value == form.location)
    {
        kept.push(selected.clone());
    }
    choice_views(&kept)
}

fn error_lines(errors: &[String]) -> Vec<String> {
    errors
        .iter()
        .take(MAX_ERRORS)
        .map(|e| format!("⚠️ {}", literal(e, TEXT_CHARS)))
        .collect()
}

/// The fallback: what to fix (if anything), then how to do the same by typing.
fn form_markdown(title: &str, errors: &[String], typed: &str) -> String {
    let mut md = vec![format!("**{title}**"), String::new()];
    if !errors.is_empty() {
        md.push("Please fix:".to_owned());
        md.extend(
            errors
                .iter()
                .take(MAX_ERRORS)
                .map(|e| format!("- {}", literal(e, TEXT_CHARS))),
        );
        md.push(String::new());
    }
    md.push(typed.to_owned());
    md.join("\n")
}

impl Templates {
    /// Renders the new-workspace form; the location list is cut until the card fits.
    pub fn render_workspace_form(&self, form: &WorkspaceForm) -> Result<Card, RenderError> {
        let limits = FORM_LIMITS;
        let mut view = WorkspaceFormView {
            title: "New workspace".to_owned(),
            summary: "Fill in the details and press Create. Only the name is required; a floor needs a location.".to_owned(),
            errors: error_lines(&form.errors),
            name: form.name.clone(),
            name_max: limits.name,
            kind: form.kind.clone(),
            kinds: choice_views(&form.kinds),
            has_capacity: form.capacity.is_some(),
            capacity: form.capacity.unwrap_or(0),
            capacity_max: limits.capacity,
            location: form.location.clone(),
            locations: capped_locations(form),
            has_floor: form.floor.is_some(),
            floor: form.floor.unwrap_or(0),
            floor_min: limits.floors.0,
            floor_max: limits.floors.1,
            notes: form.notes.clone(),
            notes_max: limits.notes,
        };
        self.shrink_to_fit("workspace_form", &mut view, |v| {
            // Keep the first entry ("No location") and the selected one.
            let selected = v.location.clone();
            let drop = v
                .locations
                .iter()
                .skip(1)
                .rposition(|c| c.value != selected)
                .map(|i| i + 1);
            drop.map(|i| v.locations.remove(i)).is_some()
        })?;
        let typed = "Or type it: “workspace create \"<name>\" [type <type>] [capacity <n>] [notes \"<text>\"] [in <location> [floor <n>]]”";
        let fallback = form_markdown(&view.title, &form.errors, typed);
        self.card("workspace_form", &view, fallback)
    }

    /// Renders the new-location form.
    pub fn render_location_form(&self, form: &LocationForm) -> Result<Card, RenderError> {
        let limits = FORM_LIMITS;
        let view = LocationFormView {
            title: "New location".to_owned(),
            summary: "Webex needs the name, street, city, country code and coordinates; the rest is optional.".to_owned(),
            errors: error_lines(&form.errors),
            name: form.name.clone(),
            address1: form.address1.clone(),
            address2: form.address2.clone(),
            city: form.city.clone(),
            state: form.state.clone(),
            postal_code: form.postal_code.clone(),
            country_code: form.country_code.clone(),
            latitude: form.latitude.clone(),
            longitude: form.longitude.clone(),
            notes: form.notes.clone(),
            name_max: limits.name,
            line_max: limits.line,
            postal_code_max: limits.postal_code,
            notes_max: limits.notes,
        };
        let typed = "This form needs a client that shows cards (Webex app or web): the address cannot be typed as a command.";
        let fallback = form_markdown(&view.title, &form.errors, typed);
        self.card("location_form", &view, fallback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::{MAX_CARD_BYTES, check_webex_rules};

    fn templates() -> Templates {
        Templates::load().expect("templates load")
    }

    #[test]
    fn a_long_location_list_is_cut_to_fit_keeping_none_and_the_selected_one() {
        let mut locations = vec![Choice::new("No location", "none")];
        locations.extend((0..400).map(|i| Choice::new(format!("Site {i}"), format!("{i:0>300}"))));
        let selected = locations[399].value.clone();
        let form = WorkspaceForm {
            location: selected.clone(),
            locations,
            ..WorkspaceForm::default()
        };
        let card = templates().render_workspace_form(&form).expect("renders");
        assert!(card.content.to_string().len() <= MAX_CARD_BYTES);
        assert_eq!(check_webex_rules(&card.content), Ok(()));
        let choices = card.content["body"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == "location")
            .map(|e| e["choices"].as_array().unwrap().clone())
            .unwrap();
        assert!(
            choices.len() > 10 && choices.len() < 100,
            "{}",
            choices.len()
        );
        assert_eq!(choices[0]["value"], "none");
        assert!(choices.iter().any(|c| c["value"] == selected.as_str()));
    }

    #[test]
    fn problems_are_shown_literally_and_input_values_are_not_escaped() {
        let form = LocationForm {
            errors: vec!["name is *required*.".into()],
            name: "R&D [lab]".into(),
            ..LocationForm::default()
        };
        let card = templates().render_location_form(&form).expect("renders");
        let body = card.content["body"].as_array().unwrap();
        assert_eq!(body[2]["text"], "⚠️ name is \\*required\\*\\.");
        assert_eq!(body[3]["value"], "R&D [lab]");
        assert!(
            card.fallback_markdown
                .contains("- name is \\*required\\*\\.")
        );
    }
}
