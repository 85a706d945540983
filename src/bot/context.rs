//! Who is asking and where: the request context every command runs in.

use std::collections::BTreeMap;

use crate::access::Role;
use crate::store::Ticket;
use crate::webex::{MessageId, PersonId, RoomId};

/// The person behind a message or a card click.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub person_id: PersonId,
    pub email: String,
    pub role: Role,
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
    /// the handle on its journal, checked before the first call that changes something.
    pub ticket: Option<Ticket>,
}

/// What was asked: typed text, or what a card button carries (DESIGN rule 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Command text, typed (mention stripped) or from a button's `{"cmd": …}`.
    Text(String),
    /// `{"confirm": token}` or `{"cancel": token}`.
    Confirmation { token: String, confirm: bool },
    /// The configuration form's Apply: the target, the values shown, and the values submitted.
    ConfigForm {
        target: String,
        changes: Vec<(String, String)>,
    },
    /// A create form's Submit: which form, and every input by id (values as submitted, text).
    Form {
        kind: FormKind,
        fields: BTreeMap<String, String>,
    },
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
