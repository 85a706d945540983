//! The create forms: `workspace create` without a name and `location create [<name>]` answer
//! with a form card; its Submit comes back as [`Input::Form`](crate::request::Input) and lands
//! in [`Ops::submit_form`]: the role first (admin, like the typed commands, before any call),
//! every field checked ([`form_checks`](super::form_checks)), then planned and run like the
//! typed command. A refused submit answers with the form again, filled in as submitted, with
//! the problems listed on top. A form creates once: its card is claimed for the submission.

use std::collections::BTreeMap;

use crate::cards::{Choice, LocationForm, WorkspaceForm};
use crate::command::{Command, WorkspaceDetails, WorkspaceType};
use crate::plan::{
    Refusal, Snapshot, WorkspaceFormDefaults, check_role, plan_location_submit,
    plan_workspace_submit,
};
use crate::request::{FormKind, Reply, Request};
use crate::webex::{Location, LocationId, MessageId};

use super::audit::Verdict;
use super::form_checks::{NO_LOCATION, location_fields, workspace_draft};
use super::{Done, Ops};

impl Ops {
    /// Handles a create form's Submit for `request`, with the clicker's rights; `fields` are the
    /// inputs by id, as submitted.
    #[tracing::instrument(name = "submit form", skip_all, fields(room = %request.place.room_id, form = kind.as_str()))]
    pub(crate) async fn submit_form(
        &self,
        request: &Request,
        kind: FormKind,
        fields: &BTreeMap<String, String>,
    ) -> Reply {
        let command = match kind {
            FormKind::WorkspaceCreate => Command::WorkspaceCreate {
                name: None,
                details: WorkspaceDetails::default(),
            },
            FormKind::LocationCreate => Command::LocationCreate { name: None },
        };
        let text = format!("{} form", command.canonical());
        let done = self.form_done(request, kind, &command, fields).await;
        self.finish(request, &text, false, done).await
    }

    async fn form_done(
        &self,
        request: &Request,
        kind: FormKind,
        command: &Command,
        fields: &BTreeMap<String, String>,
    ) -> Done {
        if let Err(refusal) = check_role(command, request.actor.role) {
            return self.refusal(&refusal);
        }
        let form = request.card_message.clone();
        if let Some(done) = self.claim(form.as_ref(), request).await {
            return done;
        }
        let done = match kind {
            FormKind::WorkspaceCreate => self.submit_workspace_form(request, command, fields).await,
            FormKind::LocationCreate => self.submit_location_form(request, fields).await,
        };
        // Only a create that happened uses the form up; a refused one may be fixed and resent.
        if let (Some(form), false) = (&form, done.audit.verdict == Verdict::Done)
            && let Err(error) = self.store.release_form(form).await
        {
            tracing::warn!(%error, "could not release a form claim");
        }
        done
    }

    /// Claims the form card for this submission; `Some(answer)` when it was already used, so
    /// clicking Create twice creates once.
    async fn claim(&self, form: Option<&MessageId>, request: &Request) -> Option<Done> {
        let form = form?;
        match self.store.claim_form(form, request.ticket).await {
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

    async fn submit_workspace_form(
        &self,
        request: &Request,
        command: &Command,
        fields: &BTreeMap<String, String>,
    ) -> Done {
        let mut fresh = false;
        loop {
            let snapshot = match self.snapshot(request, command, fresh, false).await {
                Ok(snapshot) => snapshot,
                Err(error) => return self.webex_failure("list locations", &error),
            };
            let draft = match workspace_draft(fields) {
                Ok(draft) => draft,
                Err(problems) => return self.workspace_form_again(fields, problems, &snapshot),
            };
            let location = draft.location_id.as_deref().map(LocationId::from);
            let planned = plan_workspace_submit(
                &draft.name,
                &draft.details,
                location.as_ref(),
                &snapshot,
                &request.actor,
            );
            match planned {
                Ok(plan) => return self.run_plan(request, &plan, &snapshot, "").await,
                // A location created since the listing: look once more before refusing.
                Err(Refusal::Invalid { .. }) if !fresh => fresh = true,
                Err(Refusal::Invalid { message, .. }) => {
                    return self.workspace_form_again(fields, vec![message], &snapshot);
                }
                Err(refusal) => return self.refusal(&refusal),
            }
        }
    }

    async fn submit_location_form(
        &self,
        request: &Request,
        fields: &BTreeMap<String, String>,
    ) -> Done {
        let body = match location_fields(fields) {
            Ok(body) => body,
            Err(problems) => return self.location_form_again(fields, problems),
        };
        match plan_location_submit(&body, &request.actor) {
            Ok(plan) => {
                if let Some(done) = self.begin_action(request, &plan).await {
                    return done.plan(&plan, None);
                }
                let outcome = self.execute(request, &plan).await;
                let name = body.display_name.clone().unwrap_or_default();
                self.render_location_created(&outcome, &name)
                    .plan(&plan, Some(&outcome))
            }
            Err(refusal) => self.refusal(&refusal),
        }
    }

    /// The "new workspace" form, filled with what was typed so far.
    pub(crate) fn render_workspace_form(
        &self,
        defaults: &WorkspaceFormDefaults,
        snapshot: &Snapshot,
    ) -> Done {
        let form = WorkspaceForm {
            kind: defaults.kind.clone().unwrap_or_default(),
            capacity: defaults.capacity.map(i64::from),
            location: defaults
                .location
                .as_ref()
                .map(|l| l.as_str().to_owned())
                .unwrap_or_else(|| NO_LOCATION.to_owned()),
            floor: defaults.floor.map(i64::from),
            notes: defaults.notes.clone().unwrap_or_default(),
            ..WorkspaceForm::default()
        };
        Done::new(
            self.workspace_form_reply(form, &snapshot.locations),
            Verdict::Read,
        )
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

    /// The form again, as submitted, with `problems` on top. Nothing was created.
    fn workspace_form_again(
        &self,
        fields: &BTreeMap<String, String>,
        problems: Vec<String>,
        snapshot: &Snapshot,
    ) -> Done {
        let text = |id: &str| submitted(fields, id);
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
            self.workspace_form_reply(form, &snapshot.locations),
            Verdict::Rejected,
        )
        .detail(detail)
    }

    fn location_form_again(
        &self,
        fields: &BTreeMap<String, String>,
        problems: Vec<String>,
    ) -> Done {
        let text = |id: &str| submitted(fields, id);
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

/// A submitted field, trimmed ("" when absent).
fn submitted(fields: &BTreeMap<String, String>, id: &str) -> String {
    fields
        .get(id)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
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
