//! The bot worker: takes queued webhook events, fetches the message or card action (webhooks carry
//! ids only), works out who and where, hands the text to the command layer and posts the reply.

pub mod arrivals;
pub mod auth;
pub mod identity;
pub mod journal;
pub mod mention;
pub mod people;
pub mod webhooks;
pub mod worker;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::FutureExt;

use crate::access::AccessPolicy;
use crate::metrics::Metrics;
use crate::request::{Actor, FormKind, Input, Place, Reply, Request, Responder};
use crate::store::{PostedMessage, Store, Ticket};
use crate::webex::{
    AttachmentAction, AttachmentActionId, Message, MessageId, NewMessage, PersonId, RoomId,
    RoomType, WebexClient, WebexError,
};
use crate::webhook::envelope::{Envelope, EventKind};
use crate::webhook::queue::QueuedEvent;
use identity::BotIdentity;
use mention::MentionStripper;
use people::PeopleCache;
use worker::{Handled, Handler};

/// The answer to a card click that names no command (a forged or outdated card).
const NO_COMMAND: &str =
    "That button does not say what to do, so I did nothing. Type `help` to see what I can do.";

/// How often a message fetch that answers 404 is tried: REST can lag the webhook.
const FETCH_ATTEMPTS: u32 = 4;

/// `bot.event_deadline_secs` unless set otherwise.
const DEFAULT_EVENT_DEADLINE: Duration = Duration::from_secs(120);

/// The instant an event accepted at `received_ms` (Unix ms) reaches its deadline.
fn event_ends_at(received_ms: i64, deadline: Duration) -> tokio::time::Instant {
    let age =
        Duration::from_millis(crate::store::now_ms().saturating_sub(received_ms).max(0) as u64);
    tokio::time::Instant::now() + deadline.saturating_sub(age)
}

/// Everything a worker needs to answer an event; shared by all workers.
pub struct Bot {
    pub webex: WebexClient,
    pub me: BotIdentity,
    pub store: Store,
    mentions: MentionStripper,
    people: PeopleCache,
    /// Leave spaces someone outside the organisation added the bot to.
    leave_foreign: bool,
    responder: Arc<dyn Responder>,
    metrics: Arc<Metrics>,
    /// How long after acceptance an event may still be worked on (`bot.event_deadline_secs`).
    event_deadline: Duration,
}

impl Bot {
    /// A bot for `me`, answering through `responder`.
    pub fn new(
        webex: WebexClient,
        me: BotIdentity,
        store: Store,
        access: AccessPolicy,
        people_ttl: Duration,
        responder: Arc<dyn Responder>,
        metrics: Arc<Metrics>,
    ) -> Self {
        let mentions = MentionStripper::new(me.id.as_str(), &me.display_name);
        let people = PeopleCache::new(access.clone(), me.org_id.clone(), people_ttl)
            .space_ttl(access.space_grant_ttl());
        let access = &access;
        Self {
            webex,
            me,
            store,
            mentions,
            people,
            leave_foreign: access.leaves_foreign_spaces(),
            responder,
            metrics,
            event_deadline: DEFAULT_EVENT_DEADLINE,
        }
    }

    /// Sets how long after acceptance an event may still be worked on: no Webex call of an
    /// attempt retries past it.
    pub fn event_deadline(mut self, deadline: Duration) -> Self {
        self.event_deadline = deadline;
        self
    }

    /// The worker handler for this bot.
    pub fn handler(self: Arc<Self>) -> Handler {
        Arc::new(move |event| {
            let bot = self.clone();
            // One retry deadline for every Webex call of this attempt, never past the event's.
            let until = event_ends_at(event.received_ms, bot.event_deadline);
            Box::pin(async move {
                bot.webex
                    .with_event_deadline(until, bot.handle(event))
                    .await
            })
        })
    }

    /// Handles one queued event and says how it went (the worker records it). A later attempt
    /// whose reply was already saved only posts that reply ([`Bot::finish_journaled`]).
    #[tracing::instrument(name = "handle event", skip(self, queued), fields(resource = %queued.envelope.resource, id = %queued.envelope.data.id, event = queued.ticket.event, attempt = queued.ticket.attempt))]
    pub async fn handle(&self, queued: QueuedEvent) -> Handled {
        if let Some(handled) = self.finish_journaled(queued.ticket).await {
            return handled;
        }
        let started = Instant::now();
        let (event, ticket) = (&queued.envelope, Some(queued.ticket));
        let result = match event.kind() {
            Some(EventKind::MessageCreated) => self.on_message(event, ticket, started).await,
            Some(EventKind::AttachmentActionCreated) => {
                self.on_action(event, ticket, started).await
            }
            Some(EventKind::MembershipCreated) => self.on_arrival(event, ticket, started).await,
            Some(EventKind::MembershipDeleted) => self.on_departure(event).await,
            None => {
                tracing::debug!(event = %event.event, "event of a kind the bot does not handle");
                Ok(())
            }
        };
        journal::handled(result)
    }

    async fn on_message(
        &self,
        event: &Envelope,
        ticket: Option<Ticket>,
        started: Instant,
    ) -> Result<(), WebexError> {
        let message = self
            .fetch_message(&MessageId::new(event.data.id.clone()))
            .await?;
        let Some(person_id) = message.person_id.clone() else {
            tracing::warn!(message = %message.id, "message without a personId; ignored");
            return Ok(());
        };
        if person_id == self.me.id {
            tracing::debug!(message = %message.id, "our own message; ignored");
            return Ok(());
        }
        let Some(room_id) = message.room_id.clone() else {
            tracing::warn!(message = %message.id, "message without a roomId; ignored");
            return Ok(());
        };
        let email = message.person_email.clone().unwrap_or_default();
        let text = self.mentions.command_text(
            message.text.as_deref().unwrap_or(""),
            message.html.as_deref(),
        );
        // Fails closed: a message that does not say its space is direct is taken for a group.
        let is_group = !matches!(message.room_type, Some(RoomType::Direct));
        let thread = is_group.then(|| {
            message
                .parent_id
                .clone()
                .unwrap_or_else(|| message.id.clone())
        });
        let actor = self.actor(&person_id, Some(email)).await;
        let place = Place {
            room_id,
            is_group,
            thread,
        };
        let request = Request {
            actor,
            place,
            input: Input::Text(text),
            card_message: None,
            ticket,
        };
        self.answer(&request, started).await
    }

    async fn on_action(
        &self,
        event: &Envelope,
        ticket: Option<Ticket>,
        started: Instant,
    ) -> Result<(), WebexError> {
        let action = self
            .webex
            .get_attachment_action(&AttachmentActionId::new(event.data.id.clone()))
            .await?;
        let Some(message_id) = action.message_id.clone() else {
            tracing::warn!(action = %action.id, "card action without a messageId; ignored");
            return Ok(());
        };
        let Some(posted) = self.our_message(&message_id).await? else {
            tracing::warn!(message = %message_id, "card action on a message the bot did not post; ignored");
            return Ok(());
        };
        let Some(person_id) = action.person_id.clone() else {
            tracing::warn!(action = %action.id, "card action without a personId; ignored");
            return Ok(());
        };
        let room_id = action.room_id.clone().unwrap_or(posted.room_id);
        let is_group = posted.parent_id.is_some();
        let thread = posted.parent_id;
        let place = Place {
            room_id,
            is_group,
            thread,
        };
        let Some(input) = card_input(&action) else {
            tracing::warn!(action = %action.id, "card action names no command; answering with a hint");
            return self.post(&place, &Reply::text(NO_COMMAND)).await.map(drop);
        };
        let actor = self.actor(&person_id, None).await;
        let request = Request {
            actor,
            place,
            input,
            card_message: Some(message_id),
            ticket,
        };
        self.answer(&request, started).await
    }

    async fn answer(&self, request: &Request, started: Instant) -> Result<(), WebexError> {
        let reply = self.respond(request).await;
        self.journal_reply(request, &reply).await;
        let posted = self.post(&request.place, &reply).await;
        let (kind, result) = reply
            .outcome
            .clone()
            .unwrap_or_else(|| ("other".into(), "done"));
        let result = if posted.is_err() {
            "reply_failed"
        } else {
            result
        };
        self.metrics.command(&kind, result, started.elapsed());
        posted.map(|_| ())
    }

    /// The responder's reply; if it panics, the person is told so with a reference that the
    /// error log line carries too (nothing more runs for this request).
    async fn respond(&self, request: &Request) -> Reply {
        let answer = AssertUnwindSafe(self.responder.respond(request)).catch_unwind();
        match answer.await {
            Ok(reply) => reply,
            Err(panic) => {
                let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
                tracing::error!(
                    %reference, panic = panic_message(panic.as_ref()),
                    person = %request.actor.person_id, room = %request.place.room_id,
                    "handling a request panicked"
                );
                Reply::text(format!(
                    "Something went wrong on my side (reference {reference}), so I stopped there. \
                     Please try again; if it happens again, give the reference to whoever runs me."
                ))
                .with_outcome("other", "panicked")
            }
        }
    }

    /// Posts `reply` into `place` (in its thread in group spaces) and remembers it as ours.
    pub async fn post(&self, place: &Place, reply: &Reply) -> Result<Message, WebexError> {
        let mut message = NewMessage::to_room(&place.room_id).markdown(reply.bounded_markdown());
        if let Some(thread) = &place.thread {
            message = message.in_thread(thread);
        }
        if let Some(card) = &reply.card {
            message = message.card(card.clone());
        }
        // The reply gets a retry deadline of its own: a long action must still be reported.
        let delivery = self.webex.deliver_message(&message, &self.me.id);
        let posted = match self.webex.with_fresh_deadline(delivery).await {
            Ok(posted) => posted,
            Err(error) => {
                self.metrics.reply_failed();
                return Err(error);
            }
        };
        // A top-level message in a group space (the introduction) is its own thread's root:
        // a click on it is answered in a thread under it, as in any group space.
        let parent_id = match (&place.thread, place.is_group) {
            (Some(thread), _) => Some(thread.clone()),
            (None, true) => Some(posted.id.clone()),
            (None, false) => None,
        };
        let record = PostedMessage {
            id: posted.id.clone(),
            room_id: place.room_id.clone(),
            parent_id,
        };
        if let Err(error) = self.store.record_posted(record).await {
            tracing::error!(%error, "could not remember a posted message; its buttons will be refused");
        }
        Ok(posted)
    }

    /// Fetches a message, retrying 404s briefly because REST can lag the webhook.
    async fn fetch_message(&self, id: &MessageId) -> Result<Message, WebexError> {
        let mut delay = Duration::from_millis(250);
        for attempt in 1..=FETCH_ATTEMPTS {
            match self.webex.get_message(id).await {
                Err(error) if error.is_not_found() && attempt < FETCH_ATTEMPTS => {
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
                other => return other,
            }
        }
        unreachable!("the last attempt returns")
    }

    /// Whether `id` is a message the bot posted (the store, else Webex).
    async fn our_message(&self, id: &MessageId) -> Result<Option<PostedMessage>, WebexError> {
        if let Ok(Some(posted)) = self.store.posted(id).await {
            return Ok(Some(posted));
        }
        let message = self.webex.get_message(id).await?;
        let ours = message.person_id.as_ref().is_some_and(|p| *p == self.me.id);
        let group = matches!(message.room_type, Some(RoomType::Group));
        let parent_id = match (message.parent_id, group) {
            (Some(parent), _) => Some(parent),
            (None, true) => Some(message.id.clone()),
            (None, false) => None,
        };
        Ok(ours.then(|| PostedMessage {
            id: message.id,
            room_id: message.room_id.unwrap_or_else(|| RoomId::new("")),
            parent_id,
        }))
    }

    async fn actor(&self, person_id: &PersonId, email: Option<String>) -> Actor {
        self.people.actor(&self.webex, person_id, email).await
    }
}

/// What a card click stands for (DESIGN rule 3): `{"cmd": "…"}` from a button, `{"confirm"|"cancel":
/// token}`, the configuration form's Apply (`{"form": "config", "target", "original"}` plus
/// inputs keyed by configuration key), or a create form's Submit (`{"form": "workspace_create"}`
/// or `{"form": "location_create"}` plus inputs named after the fields). Input values arrive as
/// strings.
fn card_input(action: &AttachmentAction) -> Option<Input> {
    let inputs = action.inputs.as_ref()?;
    let text = |key: &str| inputs.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    if let Some(cmd) = text("cmd") {
        return Some(Input::Text(cmd));
    }
    if let Some(token) = text("confirm") {
        return Some(Input::Confirmation {
            token,
            confirm: true,
        });
    }
    if let Some(token) = text("cancel") {
        return Some(Input::Confirmation {
            token,
            confirm: false,
        });
    }
    if text("form").as_deref() == Some("config") {
        let target = text("target")?;
        let original = inputs.get("original").and_then(|v| v.as_object())?;
        let changes = original
            .iter()
            .filter_map(|(key, before)| {
                let now = inputs.get(key).map(value_text)?;
                (now != value_text(before)).then(|| (key.clone(), now))
            })
            .collect();
        return Some(Input::ConfigForm { target, changes });
    }
    if let Some(kind) = text("form").as_deref().and_then(FormKind::from_name) {
        let fields = inputs
            .iter()
            .filter(|(key, _)| key.as_str() != "form")
            .filter(|(_, value)| !value.is_null())
            .map(|(key, value)| (key.clone(), value_text(value)))
            .collect();
        return Some(Input::Form { kind, fields });
    }
    None
}

/// The text a panic was raised with (`panic!("…")` gives a `&str` or a `String`).
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{Value, json};

    use super::*;

    fn action(inputs: Value) -> AttachmentAction {
        serde_json::from_value(json!({"id": "A1", "inputs": inputs})).expect("an action")
    }

    #[test]
    fn a_create_form_submit_carries_every_input_as_text() {
        let input = card_input(&action(json!({
            "form": "workspace_create", "name": "Lab 7", "capacity": "6", "floor": 2, "notes": "",
            "location": null
        })));
        let fields: BTreeMap<String, String> = [
            ("name", "Lab 7"),
            ("capacity", "6"),
            ("floor", "2"),
            ("notes", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(
            input,
            Some(Input::Form {
                kind: FormKind::WorkspaceCreate,
                fields
            })
        );
        let input = card_input(&action(json!({"form": "location_create", "name": "HQ"})));
        assert!(matches!(
            input,
            Some(Input::Form { kind: FormKind::LocationCreate, fields }) if fields["name"] == "HQ"
        ));
    }

    #[test]
    fn an_unknown_form_names_nothing_and_a_command_wins_over_a_form() {
        assert_eq!(
            card_input(&action(json!({"form": "party", "name": "x"}))),
            None
        );
        assert_eq!(
            card_input(&action(json!({"cmd": "help", "form": "workspace_create"}))),
            Some(Input::Text("help".into()))
        );
    }
}
