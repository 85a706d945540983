//! Locations (`/locations`) and their floors: list them, create floors, and find a location or
//! floor by name or number for other commands. `location create` answers with the "new location"
//! form (address and coordinates); its submit creates the location here.

use crate::bot::reply::Reply;
use crate::cards::markdown::escape;
use crate::cards::{Button, LocationForm, TargetPicker};
use crate::command::Command;
use crate::resolve::{NameMatch, match_name};
use crate::webex::{Floor, FloorFields, FloorId, Location, LocationKind, WorkspaceLocationFields};

use super::audit::Verdict;
use super::{Ctx, Done, Ops};

/// Most pages of floors read.
const PAGE_CAP: usize = 20;

impl Ops {
    /// `locations`: one button per location listing its floors.
    pub(crate) async fn locations(&self, ctx: &Ctx<'_>) -> Done {
        let locations = match self.directory.locations(&ctx.bot.webex, false).await {
            Ok(locations) => locations,
            Err(error) => return self.webex_failure("list locations", &error),
        };
        let names: Vec<String> = locations
            .iter()
            .filter_map(|l| l.fields.name.clone())
            .collect();
        let buttons = names
            .iter()
            .map(|n| {
                Button::new(
                    n.clone(),
                    Command::Workspaces {
                        location: Some(n.clone()),
                    }
                    .canonical(),
                )
            })
            .collect();
        let prompt = format!("{} location(s)", names.len());
        let picker = TargetPicker {
            prompt: prompt.clone(),
            candidates: buttons,
        };
        let fallback = format!("{prompt}: {}", names.join(", "));
        Done::new(
            self.card(self.templates.render_target_picker(&picker), fallback),
            Verdict::Read,
        )
        .targets(names)
    }

    /// `floors <location>`.
    pub(crate) async fn floors(&self, ctx: &Ctx<'_>, place: &str) -> Done {
        let location = match self.one_location(ctx, place).await {
            Ok(location) => location,
            Err(done) => return done,
        };
        let label = location.fields.name.clone().unwrap_or_default();
        let floors = match self.list_floors(ctx, &location).await {
            Ok(floors) => floors,
            Err(done) => return done,
        };
        let mut lines: Vec<String> = floors
            .iter()
            .map(|f| {
                let number = f
                    .floor_number
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "?".into());
                match &f.display_name {
                    Some(name) => format!("- Floor {number}: {name}"),
                    None => format!("- Floor {number}"),
                }
            })
            .collect();
        if lines.is_empty() {
            lines.push("No floors yet.".to_owned());
        }
        let text = format!("**Floors of {label}**\n\n{}", lines.join("\n"));
        Done::new(Reply::text(text), Verdict::Read).targets(vec![label])
    }

    /// `location create [<name>]`: the "new location" form, named if a name was given.
    pub(crate) fn location_create(&self, name: Option<String>) -> Done {
        let form = LocationForm {
            name: name.unwrap_or_default(),
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

    /// `POST /workspaceLocations` with checked `fields`; the reply says what was created.
    pub(crate) async fn create_location(
        &self,
        ctx: &Ctx<'_>,
        fields: &WorkspaceLocationFields,
    ) -> Done {
        let name = fields.display_name.clone().unwrap_or_default();
        if let Some(done) = self
            .begin_action(ctx, &format!("location create {name}"))
            .await
        {
            return done;
        }
        let created = match ctx.bot.webex.create_workspace_location(fields).await {
            Ok(created) => created,
            Err(error) => return self.webex_failure(&format!("create location {name}"), &error),
        };
        self.directory.invalidate();
        let label = created.fields.display_name.clone().unwrap_or(name);
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
        let buttons = vec![
            Button::new(
                "Floors",
                Command::Floors {
                    location: label.clone(),
                }
                .canonical(),
            ),
            Button::new("Locations", Command::Locations.canonical()),
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

    /// `floor create <location> <number> [name]`.
    pub(crate) async fn floor_create(
        &self,
        ctx: &Ctx<'_>,
        place: &str,
        number: i32,
        name: Option<String>,
    ) -> Done {
        let location = match self.one_location(ctx, place).await {
            Ok(location) => location,
            Err(done) => return done,
        };
        let label = location.fields.name.clone().unwrap_or_default();
        let fields = FloorFields {
            floor_number: i64::from(number),
            display_name: name,
        };
        if let Some(done) = self
            .begin_action(ctx, &format!("floor create {label} {number}"))
            .await
        {
            return done;
        }
        match ctx
            .bot
            .webex
            .create_floor(LocationKind::Org, &location.id, &fields)
            .await
        {
            Ok(floor) => {
                let named = floor
                    .display_name
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                Done::new(
                    Reply::text(format!("Created floor {number}{named} in **{label}**.")),
                    Verdict::Done,
                )
                .targets(vec![label])
            }
            Err(error) => self.webex_failure(&format!("create floor {number} in {label}"), &error),
        }
    }

    /// The one location named `place` (else "no location named …" or a choice).
    pub(crate) async fn one_location(&self, ctx: &Ctx<'_>, place: &str) -> Result<Location, Done> {
        for force in [false, true] {
            let locations = match self.directory.locations(&ctx.bot.webex, force).await {
                Ok(locations) => locations,
                Err(error) => return Err(self.webex_failure("list locations", &error)),
            };
            let items: Vec<(String, Location)> = locations
                .iter()
                .map(|l| (l.fields.name.clone().unwrap_or_default(), l.clone()))
                .collect();
            match match_name(&items, place) {
                NameMatch::One(location) => return Ok(location),
                NameMatch::Many(many) => {
                    let names: Vec<String> =
                        many.iter().filter_map(|l| l.fields.name.clone()).collect();
                    return Err(self.rejected(
                        &format!("“{place}” matches several locations: {}.", names.join(", ")),
                        "Type more of the name.",
                    ));
                }
                NameMatch::None { closest } if force => {
                    return Err(self.not_found("location", place, &closest));
                }
                NameMatch::None { .. } => continue,
            }
        }
        Err(self.not_found("location", place, &[]))
    }

    /// The id of floor `number` of `location`.
    pub(crate) async fn floor_id(
        &self,
        ctx: &Ctx<'_>,
        location: &Location,
        number: i32,
    ) -> Result<FloorId, Done> {
        let floors = self.list_floors(ctx, location).await?;
        floors
            .into_iter()
            .find(|f| f.floor_number == Some(i64::from(number)))
            .map(|f| f.id)
            .ok_or_else(|| {
                let label = location.fields.name.clone().unwrap_or_default();
                self.rejected(
                    &format!("{label} has no floor {number}."),
                    &format!("Create it first: `floor create \"{label}\" {number}`."),
                )
            })
    }

    async fn list_floors(&self, ctx: &Ctx<'_>, location: &Location) -> Result<Vec<Floor>, Done> {
        ctx.bot
            .webex
            .list_floors(LocationKind::Org, &location.id)
            .list_all(PAGE_CAP)
            .await
            .map_err(|error| self.webex_failure("list floors", &error))
    }
}
