//! The create forms: `workspace create` without a name and `location create [<name>]` answer
//! with a form card; its Submit comes back as [`Input::Form`](crate::bot::context::Input) and
//! lands in [`Ops::submit_form`]: role check (admin, like the typed commands), every field
//! checked ([`form_checks`](super::form_checks)) before any create call, then the same create
//! path as the typed command. A refused submit answers with the form again, filled in as
//! submitted, with the problems listed on top.

use std::collections::BTreeMap;

use crate::bot::Bot;
use crate::bot::context::{FormKind, Request};
use crate::bot::reply::Reply;
use crate::cards::{Choice, LocationForm, WorkspaceForm};
use crate::command::{Command, WorkspaceDetails, WorkspaceType};
use crate::store::Ticket;
use crate::webex::{Location, MessageId};

use super::audit::{self, Verdict};
use super::form_checks::{NO_LOCATION, location_fields, workspace_draft};
use super::{Ctx, Done, Ops, target};

impl Ops {
    /// Handles a create form's Submit for `request`, with the clicker's rights; `fields` are the
    /// inputs by id, as submitted.
    #[tracing::instrument(name = "submit form", skip_all, fields(room = %request.place.room_id, form = kind.as_str()))]
    pub async fn submit_form(
        &self,
        bot: &Bot,
        request: &Request,
        kind: FormKind,
        fields: &BTreeMap<String, String>,
    ) -> Reply {
        let ctx = Ctx {
            bot,
            request,
            confirmed: false,
        };
        let command = match kind {
            FormKind::WorkspaceCreate => Command::WorkspaceCreate {
                name: None,
                details: WorkspaceDetails::default(),
            },
            FormKind::LocationCreate => Command::LocationCreate { name: None },
        };
        let needed = target::required_role(&command);
        let form = request.card_message.clone();
        let done = if request.actor.role < needed {
            self.refuse(&ctx, &command, needed)
        } else if let Some(done) = self.claim(bot, form.as_ref(), request.ticket).await {
            done
        } else {
            let done = match kind {
                FormKind::WorkspaceCreate => self.submit_workspace_form(&ctx, fields).await,
                FormKind::LocationCreate => self.submit_location_form(&ctx, fields).await,
            };
            // Only a create that happened uses the form up; a refused one may be fixed and resent.
            let refused = !matches!(done.audit.verdict, Verdict::Done);
            if let (Some(form), true) = (&form, refused)
                && let Err(error) = bot.store.release_form(form).await
            {
                tracing::warn!(%error, "could not release a form claim");
            }
            done
        };
        let text = format!("{} form", command.canonical());
        audit::record(request, &text, false, &done.audit);
        done.reply
    }

    /// Claims the form card for this submission; `Some(answer)` when it was already used, so
    /// clicking Create twice creates once.
    async fn claim(
        &self,
        bot: &Bot,
        form: Option<&MessageId>,
        ticket: Option<Ticket>,
    ) -> Option<Done> {
        let form = form?;
        match bot.store.claim_form(form, ticket).await {
            Ok(true) => None,
            Ok(false) => Some(self.rejected(
                "This form was already used to create something.",
                "Type the create command again for a new form.",
            )),
            Err(error) => {
                tracing::error!(%error, "cannot claim a form");
                Some(self.rejected(
                    "I could not read that form's state; nothing was created.",
                    "Please try again.",
                ))
            }
        }
    }

    /// The "new workspace" form, filled with the details typed so far.
    pub(crate) async fn workspace_form(&self, ctx: &Ctx<'_>, details: &WorkspaceDetails) -> Done {
        let locations = match self.directory.locations(&ctx.bot.webex, false).await {
            Ok(locations) => locations,
            Err(error) => return self.webex_failure("list locations", &error),
        };
        let location = details
            .location
            .as_deref()
            .and_then(|place| {
                locations.iter().find(|l| {
                    l.fields
                        .name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(place))
                })
            })
            .map(|l| l.id.as_str().to_owned())
            .unwrap_or_else(|| NO_LOCATION.to_owned());
        let form = WorkspaceForm {
            name: String::new(),
            kind: details
                .kind
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
            capacity: details.capacity.map(i64::from),
            location,
            floor: details.floor.map(i64::from),
            notes: details.notes.clone().unwrap_or_default(),
            ..WorkspaceForm::default()
        };
        Done::new(self.workspace_form_reply(form, &locations), Verdict::Read)
    }

    fn workspace_form_reply(&self, mut form: WorkspaceForm, locations: &[Location]) -> Reply {
        form.kinds = WorkspaceType::ALL
            .iter()
            .map(|k| Choice::new(kind_title(*k), k.as_str()))
            .collect();
        form.locations = std::iter::once(Choice::new("No location", NO_LOCATION))
            .chain(locations.iter().map(|l| {
                let name = l.fields.name.clone().unwrap_or_else(|| l.id.to_string());
                Choice::new(name, l.id.as_str())
            }))
            .collect();
        let fallback = "To create a workspace, type `workspace create \"<name>\" [type <type>] [capacity <n>] [in <location> [floor <n>]]`.";
        self.card(self.templates.render_workspace_form(&form), fallback)
    }

    async fn submit_workspace_form(
        &self,
        ctx: &Ctx<'_>,
        fields: &BTreeMap<String, String>,
    ) -> Done {
        let checked = workspace_draft(fields);
        let mut locations = match self.directory.locations(&ctx.bot.webex, false).await {
            Ok(locations) => locations,
            Err(error) => return self.webex_failure("list locations", &error),
        };
        let draft = match checked {
            Ok(draft) => draft,
            Err(problems) => return self.workspace_form_again(fields, problems, &locations),
        };
        let Some(id) = draft.location_id.clone() else {
            return self
                .create_workspace(ctx, draft.name, &draft.details, None)
                .await;
        };
        if !locations.iter().any(|l| l.id.as_str() == id) {
            locations = match self.directory.locations(&ctx.bot.webex, true).await {
                Ok(locations) => locations,
                Err(error) => return self.webex_failure("list locations", &error),
            };
        }
        match locations.iter().find(|l| l.id.as_str() == id) {
            Some(location) => {
                self.create_workspace(ctx, draft.name, &draft.details, Some(location.clone()))
                    .await
            }
            None => {
                let problem = "location no longer exists; choose another one.".to_owned();
                self.workspace_form_again(fields, vec![problem], &locations)
            }
        }
    }

    /// The form again, as submitted, with `problems` on top. Nothing was created.
    fn workspace_form_again(
        &self,
        fields: &BTreeMap<String, String>,
        problems: Vec<String>,
        locations: &[Location],
    ) -> Done {
        let text = |id: &str| {
            fields
                .get(id)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let number = |id: &str| text(id).parse::<i64>().ok();
        let detail = problems.join(" ");
        let form = WorkspaceForm {
            errors: problems,
            name: text("name"),
            kind: WorkspaceType::from_name(&text("type"))
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
            capacity: number("capacity"),
            location: Some(text("location"))
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| NO_LOCATION.to_owned()),
            floor: number("floor"),
            notes: text("notes"),
            ..WorkspaceForm::default()
        };
        Done::new(
            self.workspace_form_reply(form, locations),
            Verdict::Rejected,
        )
        .detail(detail)
    }

    async fn submit_location_form(&self, ctx: &Ctx<'_>, fields: &BTreeMap<String, String>) -> Done {
        match location_fields(fields) {
            Ok(body) => self.create_location(ctx, &body).await,
            Err(problems) => {
                let text = |id: &str| {
                    fields
                        .get(id)
                        .map(|v| v.trim().to_owned())
                        .unwrap_or_default()
                };
                let detail = problems.join(" ");
                let form = LocationForm {
                    errors: problems,
                    name: text("name"),
                    address1: text("address1"),
                    address2: text("address2"),
                    city: text("city"),
                    state: text("state"),
                    postal_code: text("postalCode"),
                    country_code: text("countryCode"),
                    latitude: text("latitude"),
                    longitude: text("longitude"),
                    notes: text("notes"),
                };
                Done::new(self.location_form_reply(&form), Verdict::Rejected).detail(detail)
            }
        }
    }
}

/// How the form names a workspace type.
fn kind_title(kind: WorkspaceType) -> &'static str {
    match kind {
        WorkspaceType::NotSet => "Not set",
        WorkspaceType::Focus => "Focus room",
        WorkspaceType::Huddle => "Huddle room",
        WorkspaceType::MeetingRoom => "Meeting room",
        WorkspaceType::Open => "Open space",
        WorkspaceType::Desk => "Desk",
        WorkspaceType::Other => "Other",
    }
}
