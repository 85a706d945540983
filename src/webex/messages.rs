//! Messages: read what people wrote, post replies with one Adaptive Card, edit and delete.
//! Docs: <https://developer.webex.com/docs/api/v1/messages>.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::WebexClient;
use super::error::WebexError;
use super::ids::{MessageId, PersonId, RoomId};
use super::open_enum::open_enum;
use super::pagination::Listing;
use super::request::{Query, Request};

/// Content type of an Adaptive Card attachment.
pub const ADAPTIVE_CARD: &str = "application/vnd.microsoft.card.adaptive";

open_enum!(
    /// The kind of space a message is in.
    RoomType {
        /// A 1:1 space.
        Direct => "direct",
        /// A group space.
        Group => "group",
    }
);

/// A message. Every field but `id` may be missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: MessageId,
    pub parent_id: Option<MessageId>,
    pub room_id: Option<RoomId>,
    pub room_type: Option<RoomType>,
    pub to_person_id: Option<PersonId>,
    pub to_person_email: Option<String>,
    pub text: Option<String>,
    pub markdown: Option<String>,
    pub html: Option<String>,
    pub files: Option<Vec<String>>,
    pub person_id: Option<PersonId>,
    pub person_email: Option<String>,
    pub mentioned_people: Option<Vec<PersonId>>,
    pub mentioned_groups: Option<Vec<String>>,
    pub attachments: Option<Vec<Attachment>>,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub is_voice_clip: Option<bool>,
}

/// A message attachment (Webex supports one Adaptive Card per message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub content_type: String,
    pub content: serde_json::Value,
}

impl Attachment {
    /// An Adaptive Card attachment with `content` as the card JSON.
    pub fn adaptive_card(content: serde_json::Value) -> Self {
        Self {
            content_type: ADAPTIVE_CARD.to_owned(),
            content,
        }
    }
}

/// The body of `POST /messages`: one destination, text and/or markdown, optional card.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    pub room_id: Option<RoomId>,
    pub to_person_id: Option<PersonId>,
    pub to_person_email: Option<String>,
    pub parent_id: Option<MessageId>,
    pub text: Option<String>,
    pub markdown: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

impl NewMessage {
    /// A message to a space.
    pub fn to_room(room: &RoomId) -> Self {
        Self {
            room_id: Some(room.clone()),
            ..Self::default()
        }
    }

    /// A direct message to a person by id.
    pub fn to_person(person: &PersonId) -> Self {
        Self {
            to_person_id: Some(person.clone()),
            ..Self::default()
        }
    }

    /// A direct message to a person by email.
    pub fn to_person_email(email: impl Into<String>) -> Self {
        Self {
            to_person_email: Some(email.into()),
            ..Self::default()
        }
    }

    /// Replies in the thread of `parent` (which must be a root message).
    pub fn in_thread(mut self, parent: &MessageId) -> Self {
        self.parent_id = Some(parent.clone());
        self
    }

    /// Sets the plain text.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Sets the markdown (also the fallback shown when a card cannot render).
    pub fn markdown(mut self, markdown: impl Into<String>) -> Self {
        self.markdown = Some(markdown.into());
        self
    }

    /// Attaches `card` as the message's single Adaptive Card (replacing any other).
    pub fn card(mut self, card: serde_json::Value) -> Self {
        self.attachments = vec![Attachment::adaptive_card(card)];
        self
    }
}

/// The body of `PUT /messages/{id}`: the space and the new content.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageEdit {
    pub room_id: RoomId,
    pub text: Option<String>,
    pub markdown: Option<String>,
    /// Not documented for edits; Cisco's samples send it (a 400 means: delete and repost).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// Filters of `GET /messages`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageQuery {
    pub room_id: RoomId,
    /// `me` or person ids (sent comma-separated); a bot in a group space must use `me`.
    pub mentioned_people: Vec<String>,
    pub parent_id: Option<MessageId>,
    /// Only messages sent before this ISO 8601 time.
    pub before: Option<String>,
    pub before_message: Option<MessageId>,
    pub max: Option<u32>,
}

impl MessageQuery {
    /// Messages of `room`, no other filter.
    pub fn in_room(room: &RoomId) -> Self {
        Self {
            room_id: room.clone(),
            mentioned_people: Vec::new(),
            parent_id: None,
            before: None,
            before_message: None,
            max: None,
        }
    }

    fn to_query(&self) -> Query {
        let mut q = Query::default();
        q.push("roomId", &self.room_id);
        if !self.mentioned_people.is_empty() {
            q.push("mentionedPeople", self.mentioned_people.join(","));
        }
        q.opt("parentId", self.parent_id.as_ref())
            .opt("before", self.before.as_ref())
            .opt("beforeMessage", self.before_message.as_ref())
            .opt("max", self.max);
        q
    }
}

impl WebexClient {
    /// Posts a message. Never retried after a 5xx: it might have been posted.
    /// <https://developer.webex.com/docs/api/v1/messages/create-a-message>
    #[tracing::instrument(skip(self, message), fields(room = ?message.room_id))]
    pub async fn create_message(&self, message: &NewMessage) -> Result<Message, WebexError> {
        self.call(Request::new(Method::POST, "messages", &["messages"]).json(message)?)
            .await
    }

    /// One message with its text, html, mentions and attachments.
    /// <https://developer.webex.com/docs/api/v1/messages/get-message-details>
    #[tracing::instrument(skip(self), fields(message = %id))]
    pub async fn get_message(&self, id: &MessageId) -> Result<Message, WebexError> {
        self.call(Request::get("messages/{id}", &["messages", id.as_str()]))
            .await
    }

    /// Messages of a space, newest first, paginated.
    /// <https://developer.webex.com/docs/api/v1/messages/list-messages>
    pub fn list_messages(&self, query: &MessageQuery) -> Listing<Message> {
        Listing::new(
            self,
            Request::get("messages", &["messages"]).query(query.to_query()),
        )
    }

    /// Edits a message (Webex allows 10 edits).
    /// <https://developer.webex.com/docs/api/v1/messages/edit-a-message>
    #[tracing::instrument(skip(self, edit), fields(message = %id))]
    pub async fn update_message(
        &self,
        id: &MessageId,
        edit: &MessageEdit,
    ) -> Result<Message, WebexError> {
        let request = Request::new(Method::PUT, "messages/{id}", &["messages", id.as_str()]);
        self.call(request.json(edit)?).await
    }

    /// Deletes a message (204).
    /// <https://developer.webex.com/docs/api/v1/messages/delete-a-message>
    #[tracing::instrument(skip(self), fields(message = %id))]
    pub async fn delete_message(&self, id: &MessageId) -> Result<(), WebexError> {
        self.call_empty(Request::new(
            Method::DELETE,
            "messages/{id}",
            &["messages", id.as_str()],
        ))
        .await
    }
}
