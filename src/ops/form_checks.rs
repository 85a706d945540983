//! The create forms' submits, checked before any Webex call: every field of a "new workspace"
//! or "new location" form becomes a typed value or a problem that names the field. Pure: the
//! form handlers in `forms` use the results.

use std::collections::BTreeMap;

use crate::cards::FORM_LIMITS;
use crate::command::{WorkspaceDetails, WorkspaceType};
use crate::webex::WorkspaceLocationFields;

/// ISO 3166-1 alpha-2 country codes (the 249 officially assigned, as tzdata's `iso3166.tab`).
const COUNTRY_CODES: &str = concat!(
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN ",
    "BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ ",
    "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL ",
    "GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM ",
    "JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME ",
    "MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP ",
    "NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD ",
    "SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO ",
    "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW",
);

/// The location choice meaning "none" (a choice's value must not be empty).
pub(crate) const NO_LOCATION: &str = "none";

/// A checked "new workspace" form: what the typed command would carry, with the location by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WorkspaceDraft {
    /// Display name.
    pub name: String,
    /// Type, capacity, notes and floor (`location` stays `None`: see `location_id`).
    pub details: WorkspaceDetails,
    /// The chosen location's id (`/locations`), if any.
    pub location_id: Option<String>,
}

/// The submitted fields, trimmed; an empty field counts as not given.
struct Fields<'a> {
    fields: &'a BTreeMap<String, String>,
    problems: Vec<String>,
}

impl<'a> Fields<'a> {
    fn new(fields: &'a BTreeMap<String, String>) -> Self {
        Self {
            fields,
            problems: Vec::new(),
        }
    }

    /// The trimmed value of `id`, `None` when missing or blank.
    fn get(&self, id: &str) -> Option<&'a str> {
        self.fields
            .get(id)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Optional text of at most `max` characters.
    fn text(&mut self, id: &str, label: &str, max: u32) -> Option<String> {
        let value = self.get(id)?;
        if value.chars().count() > max as usize {
            self.problems
                .push(format!("{label} is longer than {max} characters."));
            return None;
        }
        Some(value.to_owned())
    }

    /// Required text of at most `max` characters.
    fn required(&mut self, id: &str, label: &str, max: u32) -> Option<String> {
        if self.get(id).is_none() {
            self.problems.push(format!("{label} is required."));
            return None;
        }
        self.text(id, label, max)
    }

    /// An optional whole number within `min..=max`.
    fn integer(&mut self, id: &str, label: &str, min: i64, max: i64) -> Option<i64> {
        let value = self.get(id)?;
        match value.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.problems.push(format!(
                    "{label} must be a whole number from {min} to {max} (got “{value}”)."
                ));
                None
            }
        }
    }

    /// A required decimal number within `-limit..=limit`.
    fn coordinate(&mut self, id: &str, label: &str, limit: f64) -> Option<f64> {
        let Some(value) = self.get(id) else {
            self.problems.push(format!("{label} is required."));
            return None;
        };
        match value.parse::<f64>() {
            Ok(n) if n.is_finite() && (-limit..=limit).contains(&n) => Some(n),
            _ => {
                self.problems.push(format!(
                    "{label} must be a number from -{limit} to {limit} (got “{value}”)."
                ));
                None
            }
        }
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<String>> {
        match value {
            Some(value) if self.problems.is_empty() => Ok(value),
            _ => Err(self.problems),
        }
    }
}

/// Checks a "new workspace" submit: name required, type one of the Webex types, capacity and
/// floor whole numbers in range, a floor only with a location, lengths within the limits.
pub(crate) fn workspace_draft(
    fields: &BTreeMap<String, String>,
) -> Result<WorkspaceDraft, Vec<String>> {
    let limits = FORM_LIMITS;
    let mut f = Fields::new(fields);
    let name = f.required("name", "name", limits.name);
    let kind = f.get("type").and_then(|value| {
        let kind = WorkspaceType::from_name(value);
        if kind.is_none() {
            let all: Vec<&str> = WorkspaceType::ALL.iter().map(|k| k.as_str()).collect();
            f.problems.push(format!(
                "type must be one of {} (got “{value}”).",
                all.join(", ")
            ));
        }
        kind
    });
    let capacity = f
        .integer("capacity", "capacity", 0, i64::from(limits.capacity))
        .and_then(|n| u32::try_from(n).ok());
    let (low, high) = limits.floors;
    let floor = f
        .integer("floor", "floor", i64::from(low), i64::from(high))
        .and_then(|n| i32::try_from(n).ok());
    let location_id = f
        .get("location")
        .filter(|id| *id != NO_LOCATION)
        .map(str::to_owned);
    if floor.is_some() && location_id.is_none() {
        f.problems.push("floor needs a location.".to_owned());
    }
    let notes = f.text("notes", "notes", limits.notes);
    let draft = name.map(|name| WorkspaceDraft {
        name,
        details: WorkspaceDetails {
            kind,
            capacity,
            notes,
            location: None,
            floor,
        },
        location_id,
    });
    f.finish(draft)
}

/// Checks a "new location" submit and builds the `POST /workspaceLocations` body: the address
/// lines, postal code, city and region joined into its one-line `address`.
pub(crate) fn location_fields(
    fields: &BTreeMap<String, String>,
) -> Result<WorkspaceLocationFields, Vec<String>> {
    let limits = FORM_LIMITS;
    let mut f = Fields::new(fields);
    let name = f.required("name", "name", limits.name);
    let address1 = f.required("address1", "address line 1", limits.line);
    let address2 = f.text("address2", "address line 2", limits.line);
    let city = f.required("city", "city", limits.line);
    let state = f.text("state", "state or region", limits.line);
    let postal_code = f.text("postalCode", "postal code", limits.postal_code);
    let country_code = country_code(&mut f);
    let latitude = f.coordinate("latitude", "latitude", 90.0);
    let longitude = f.coordinate("longitude", "longitude", 180.0);
    let notes = f.text("notes", "notes", limits.notes);
    let place = [postal_code.as_deref(), city.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let address = [
        address1.as_deref(),
        address2.as_deref(),
        Some(place.as_str()),
        state.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let body = (|| {
        Some(WorkspaceLocationFields {
            display_name: Some(name?),
            address: Some(address),
            country_code: Some(country_code?),
            city_name: Some(city?),
            latitude: Some(latitude?),
            longitude: Some(longitude?),
            notes,
        })
    })();
    f.finish(body)
}

/// The country code, upper-cased, if it is an assigned ISO 3166-1 alpha-2 code.
fn country_code(f: &mut Fields<'_>) -> Option<String> {
    let Some(value) = f.get("countryCode") else {
        f.problems.push("country code is required.".to_owned());
        return None;
    };
    let code = value.to_ascii_uppercase();
    let known = code.len() == 2 && COUNTRY_CODES.split(' ').any(|c| c == code);
    if !known {
        f.problems.push(format!(
            "country code must be an ISO 3166 two-letter code such as ES (got “{value}”)."
        ));
        return None;
    }
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn barcelona() -> Vec<(&'static str, &'static str)> {
        vec![
            ("name", "Barcelona"),
            ("address1", "Carrer de Pere IV 1"),
            ("address2", ""),
            ("city", "Barcelona"),
            ("state", "Catalonia"),
            ("postalCode", "08018"),
            ("countryCode", "es"),
            ("latitude", "41.406615"),
            ("longitude", "2.200717"),
            ("notes", ""),
        ]
    }

    #[test]
    fn a_full_workspace_form_becomes_the_typed_commands_details() {
        let draft = workspace_draft(&form(&[
            ("name", " Lab 7 "),
            ("type", "MEETINGROOM"),
            ("capacity", "6"),
            ("location", "LOC1"),
            ("floor", "-1"),
            ("notes", "Whiteboard"),
        ]))
        .expect("valid");
        assert_eq!(draft.name, "Lab 7");
        assert_eq!(draft.details.kind, Some(WorkspaceType::MeetingRoom));
        assert_eq!(draft.details.capacity, Some(6));
        assert_eq!(draft.details.floor, Some(-1));
        assert_eq!(draft.details.notes.as_deref(), Some("Whiteboard"));
        assert_eq!(draft.location_id.as_deref(), Some("LOC1"));
    }

    #[test]
    fn blank_optional_workspace_fields_are_not_sent() {
        let draft = workspace_draft(&form(&[
            ("name", "Lab"),
            ("type", ""),
            ("capacity", " "),
            ("location", "none"),
            ("floor", ""),
            ("notes", ""),
        ]))
        .expect("valid");
        assert_eq!(draft.details, WorkspaceDetails::default());
        assert_eq!(draft.location_id, None);
    }

    #[test]
    fn every_bad_workspace_field_is_named() {
        let problems = workspace_draft(&form(&[
            ("name", ""),
            ("type", "ballroom"),
            ("capacity", "-3"),
            ("floor", "2.5"),
            ("notes", &"n".repeat(1025)),
        ]))
        .expect_err("invalid");
        let all = problems.join("\n");
        for needle in [
            "name is required",
            "type must be one of notSet",
            "capacity must be a whole number from 0 to 10000 (got “-3”)",
            "floor must be a whole number",
            "notes is longer than 1024",
        ] {
            assert!(all.contains(needle), "{needle} not in {all}");
        }
        let problems =
            workspace_draft(&form(&[("name", "x"), ("floor", "2")])).expect_err("floor alone");
        assert_eq!(problems, vec!["floor needs a location.".to_owned()]);
        assert!(workspace_draft(&form(&[("name", "x"), ("capacity", "10001")])).is_err());
        assert!(workspace_draft(&form(&[("name", &"x".repeat(257))])).is_err());
    }

    #[test]
    fn a_full_location_form_becomes_the_workspace_locations_body() {
        let body = location_fields(&form(&barcelona())).expect("valid");
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({
                "displayName": "Barcelona",
                "address": "Carrer de Pere IV 1, 08018 Barcelona, Catalonia",
                "countryCode": "ES",
                "cityName": "Barcelona",
                "latitude": 41.406615,
                "longitude": 2.200717,
            })
        );
    }

    #[test]
    fn coordinates_and_country_codes_are_checked() {
        let with = |key: &str, value: &str| {
            let mut fields = form(&barcelona());
            fields.insert(key.to_owned(), value.to_owned());
            location_fields(&fields)
                .err()
                .unwrap_or_default()
                .join("\n")
        };
        assert!(
            with("latitude", "200")
                .contains("latitude must be a number from -90 to 90 (got “200”)")
        );
        assert!(with("latitude", "-90").is_empty());
        assert!(
            with("longitude", "-180.5").contains("longitude must be a number from -180 to 180")
        );
        assert!(with("longitude", "NaN").contains("longitude"));
        assert!(with("longitude", "east").contains("longitude"));
        assert!(with("countryCode", "XX").contains("country code must be an ISO 3166"));
        assert!(with("countryCode", "ESP").contains("country code"));
        assert!(with("countryCode", "no").is_empty());
        assert!(with("city", "").contains("city is required"));
        assert!(with("postalCode", &"9".repeat(33)).contains("postal code is longer than 32"));
        assert_eq!(COUNTRY_CODES.split(' ').count(), 249);
    }

    #[test]
    fn an_empty_location_form_names_every_required_field() {
        let problems = location_fields(&BTreeMap::new()).expect_err("empty");
        let all = problems.join("\n");
        for needle in [
            "name",
            "address line 1",
            "city",
            "country code",
            "latitude",
            "longitude",
        ] {
            assert!(
                all.contains(&format!("{needle} is required")),
                "{needle}: {all}"
            );
        }
        assert_eq!(problems.len(), 6);
    }
}
