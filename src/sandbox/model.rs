//! The messaging resources the sandbox stores, in their Webex JSON shapes: rooms, messages,
//! attachment actions, webhooks, and the record of each webhook delivery. Plain data: the rules
//! that create and change them live in the route modules.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `direct` (1:1) or `group`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoomType {
    Direct,
    Group,
}

impl RoomType {
    /// The Webex spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Group => "group",
        }
    }
}

/// A room (space) and its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// REST id.
    pub id: String,
    /// Direct or group.
    pub room_type: RoomType,
    /// The title of a group room; a 1:1 room is titled by the other member's name per caller.
    pub title: Option<String>,
    /// Person ids of the members.
    pub members: Vec<String>,
    /// Who created it.
    pub creator_id: String,
    /// Creation time (Webex format).
    pub created: String,
    /// Last message time (Webex format).
    pub last_activity: String,
    /// When members added after the room was made joined (Webex format), by person id: a
    /// membership's `created`. Members not in it joined when the room was created.
    pub joined: std::collections::BTreeMap<String, String>,
}

impl Room {
    /// True when `person_id` is a member.
    pub fn has_member(&self, person_id: &str) -> bool {
        self.members.iter().any(|m| m == person_id)
    }
}

/// A message as `GET /messages/{id}` returns it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    pub room_id: String,
    pub room_type: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub markdown: Option<String>,
    #[serde(default)]
    pub html: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    pub person_id: String,
    pub person_email: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentioned_people: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentioned_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Value>,
    pub created: String,
    #[serde(default)]
    pub updated: Option<String>,
}

/// A stored message with the bookkeeping Webex does not show.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    pub message: Message,
    /// Creation order (messages list newest first by this).
    pub seq: u64,
    /// Creation time, for `before`.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// How many times it was edited (at most 10).
    pub edits: u32,
}

/// A card submission (`GET /attachment/actions/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentAction {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub message_id: String,
    #[serde(default)]
    pub inputs: Value,
    pub person_id: String,
    pub room_id: String,
    pub created: String,
}

/// A webhook as the webhooks API shows it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub id: String,
    pub name: String,
    pub target_url: String,
    pub resource: String,
    pub event: String,
    #[serde(default)]
    pub filter: Option<String>,
    #[serde(default)]
    pub secret: Option<String>,
    pub status: String,
    pub created: String,
    pub owned_by: String,
    pub org_id: String,
    pub created_by: String,
    pub app_id: String,
}

/// One attempt to deliver an event to a webhook's `targetUrl`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The webhook delivered to.
    pub webhook_id: String,
    /// Where it was POSTed.
    pub target_url: String,
    /// `messages`, `attachmentActions`, …
    pub resource: String,
    /// `created`, `updated`, `deleted`.
    pub event: String,
    /// `data.id` of the envelope.
    pub data_id: String,
    /// The exact bytes POSTed.
    pub body: Vec<u8>,
    /// The `X-Spark-Signature` sent, if the webhook has a secret.
    pub signature: Option<String>,
    /// The receiver's status, `None` when it could not be reached.
    pub status: Option<u16>,
}

impl Delivery {
    /// True when the receiver answered 2xx.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// The current time in Webex's format (`2024-01-15T09:00:00.123Z`).
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// True when `viewer` may see `message` in `room`.
pub fn visible_to(room: &Room, message: &Message, viewer: &str, viewer_is_bot: bool) -> bool {
    room.has_member(viewer)
        && (!viewer_is_bot
            || room.room_type == RoomType::Direct
            || message.person_id == viewer
            || message.mentioned_people.iter().any(|p| p == viewer))
}
