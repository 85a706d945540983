//! Who asked, where, and what; and what the bot answers. The leaf every layer shares: the bot
//! builds a [`Request`] from a message or a card click, a [`Responder`] (the command layer, in
//! `ops`) turns it into a [`Reply`], and the bot posts that. Pure data; no I/O.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use crate::access::Role;
use crate::store::Ticket;
use crate::webex::{MessageId, PersonId, RoomId};

/// Webex's limit on `text` and `markdown`, in bytes.
pub const MARKDOWN_LIMIT: usize = 7439;

/// The person behind a message or a card click.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub person_id: PersonId,
    pub email: String,
    pub role: Role,
    /// Known to belong to another organisation than the bot's.
    pub outside_org: bool,
}

/// Where the request came from and where the reply goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub room_id: RoomId,
    /// True in group spaces (replies go into the thread there).
    pub is_group: bool,
    /// The root message to reply under, in group spaces.
    pub thread: Option<MessageId>,
}

/// A request: who, where, and what they asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub actor: Actor,
    pub place: Place,
    pub input: Input,
    /// The bot's message whose card was clicked (card clicks only).
    pub card_message: Option<MessageId>,
    /// The stored event this request answers (`None` outside the webhook path, e.g. `exec`):
    /// the handle on its journal, checked before an action that must not run twice.
    pub ticket: Option<Ticket>,
}

/// What was asked: typed text, or what a card button carries (DESIGN rule 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Command text, typed (mention stripped) or from a button's `{"cmd": …}`.
    Text(String),
    /// `{"confirm": token}` or `{"cancel": token}`.
    Confirmation { token: String, confirm: bool },
    /// The configuration form's Apply: the target, and each key whose submitted value differs
    /// from the one shown, with the submitted value.
    ConfigForm {
        target: String,
        changes: Vec<(String, String)>,
    },
    /// A create form's Submit: which form, and every input by id (values as submitted, text).
    Form {
        kind: FormKind,
        fields: BTreeMap<String, String>,
    },
    /// The bot was just added to the space by this request's person: introduce it (what it
    /// does, how to mention `bot_name`, who may do what here).
    Introduction { bot_name: String },
}

/// The create forms a card can submit (`{"form": …}` in the Submit data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// `{"form": "workspace_create"}`: name, type, capacity, location, floor, notes.
    WorkspaceCreate,
    /// `{"form": "location_create"}`: name, address1, address2, city, state, postalCode,
    /// countryCode, latitude, longitude, notes.
    LocationCreate,
}

impl FormKind {
    /// The kind named by a Submit's `form` value (`workspace_create`, `location_create`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "workspace_create" => Some(Self::WorkspaceCreate),
            "location_create" => Some(Self::LocationCreate),
            _ => None,
        }
    }

    /// The `form` value its Submit button carries.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WorkspaceCreate => "workspace_create",
            Self::LocationCreate => "location_create",
        }
    }
}

/// What the bot answers: markdown that reads well on its own, and optionally an Adaptive Card.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub markdown: String,
    pub card: Option<Value>,
    /// What kind of command this answers and how it went (`mute`, `done`), for `/metrics`.
    pub outcome: Option<(String, &'static str)>,
}

impl Reply {
    /// A markdown-only reply.
    pub fn text(markdown: impl Into<String>) -> Self {
        Self {
            markdown: markdown.into(),
            card: None,
            outcome: None,
        }
    }

    /// A card with its markdown fallback.
    pub fn card(card: Value, fallback: impl Into<String>) -> Self {
        Self {
            markdown: fallback.into(),
            card: Some(card),
            outcome: None,
        }
    }

    /// Labels the reply for `/metrics`: the command's kind and its result.
    pub fn with_outcome(mut self, kind: impl Into<String>, result: &'static str) -> Self {
        self.outcome = Some((kind.into(), result));
        self
    }

    /// The markdown, cut at a character boundary to fit Webex's limit.
    pub fn bounded_markdown(&self) -> String {
        truncate(&self.markdown, MARKDOWN_LIMIT)
    }
}

/// Turns a request into a reply: the command layer, behind a seam so the bot loop runs (and is
/// tested) without it.
pub trait Responder: Send + Sync {
    /// Runs `request` and returns what to answer.
    fn respond<'a>(
        &'a self,
        request: &'a Request,
    ) -> Pin<Box<dyn Future<Output = Reply> + Send + 'a>>;
}

/// Cuts `text` to at most `limit` bytes, ending with an ellipsis when cut.
pub fn truncate(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_the_limit_and_char_boundaries() {
        let long = "é".repeat(5000);
        let cut = truncate(&long, MARKDOWN_LIMIT);
        assert!(cut.len() <= MARKDOWN_LIMIT);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate("short", 10), "short");
    }
}
