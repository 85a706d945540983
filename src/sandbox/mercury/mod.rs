//! The websocket side of Webex (Mercury), as Cisco's SDKs see it: the U2C catalog, the device
//! registration service (a limit on registrations per person), the conversation service's
//! activity lookup ([`routes`]), and the websocket itself ([`socket`]): authorization required,
//! a `conversation.activity` for every message a registered person may see (for a bot: messages
//! that mention it in groups, everything in 1:1s, its own too), every card action on its
//! cards and every membership change of the spaces it is in (`add`, `leave`), pongs for pings,
//! acks tracked, and every unacked event sent again when the device connects again. Fault switches ([`SocketFaults`]) drop sockets, refuse authorization, delay
//! or withhold pongs; the handle can also forget registrations (a stale one answers 404).

pub mod routes;
pub mod socket;

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::delivery::Event;
use super::ids;
use super::state::Shared;

/// Registrations one person may hold before `POST /devices` is refused.
pub const DEFAULT_MAX_REGISTRATIONS: usize = 10;

/// Fault switches for the websocket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SocketFaults {
    /// Answer every authorization with close 4401.
    pub refuse_authorization: bool,
    /// Answer pings only after this long.
    pub pong_delay: Option<Duration>,
    /// Never answer pings.
    pub no_pongs: bool,
}

/// What the socket task is told to do.
#[derive(Debug)]
pub enum Outgoing {
    /// Send this text frame.
    Text(String),
    /// End the connection without a close frame (a dropped socket).
    Drop,
}

/// A live, authorized connection of a device.
#[derive(Debug)]
pub struct Connection {
    pub generation: u64,
    pub tx: mpsc::UnboundedSender<Outgoing>,
}

/// One device registration.
#[derive(Debug)]
pub struct Registration {
    pub uuid: String,
    /// The person id it belongs to.
    pub owner: String,
    pub name: String,
    /// The registration as `GET /devices` shows it.
    pub body: Value,
    /// Events sent (or to send) and not acked yet: `(event id, frame)`.
    pub unacked: Vec<(String, String)>,
    pub connection: Option<Connection>,
}

/// The websocket side's state.
#[derive(Debug)]
pub struct MercuryState {
    pub registrations: Vec<Registration>,
    pub faults: SocketFaults,
    pub max_registrations: usize,
    /// Ids of acked events, in ack order.
    pub acked: Vec<String>,
    /// Connections that were authorized, ever.
    pub authorized: u64,
    /// Authorizations refused.
    pub refused: u64,
    /// Tokens revoked through the handle (every call with them gets 401).
    pub revoked: Vec<String>,
    next: u64,
}

/// The websocket side, behind one mutex (never held across an `.await`).
#[derive(Debug)]
pub struct Mercury(Mutex<MercuryState>);

impl Default for Mercury {
    fn default() -> Self {
        Self(Mutex::new(MercuryState {
            registrations: Vec::new(),
            faults: SocketFaults::default(),
            max_registrations: DEFAULT_MAX_REGISTRATIONS,
            acked: Vec::new(),
            authorized: 0,
            refused: 0,
            revoked: Vec::new(),
            next: 0,
        }))
    }
}

impl Mercury {
    /// Locks the state.
    pub fn lock(&self) -> MutexGuard<'_, MercuryState> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `token` was revoked.
    pub fn is_revoked(&self, token: &str) -> bool {
        self.lock().revoked.iter().any(|t| t == token)
    }
}

impl MercuryState {
    /// A fresh number (connection generations, event sequence).
    pub fn number(&mut self) -> u64 {
        self.next += 1;
        self.next
    }
}

/// Queues `event` for every registration of a person in its audience and sends it to those
/// connected. Deleted messages are not sent (roombot does not use them).
pub fn publish(shared: &Shared, event: &Event) {
    let Some(activity) = activity(shared, event) else {
        return;
    };
    let mut state = shared.mercury.lock();
    let targets: Vec<usize> = (0..state.registrations.len())
        .filter(|&i| event.audience.contains(&state.registrations[i].owner))
        .collect();
    for i in targets {
        let sequence = state.number();
        let id = uuid::Uuid::new_v4().to_string();
        let frame = json!({
            "id": id,
            "data": {"eventType": "conversation.activity", "activity": activity},
            "timestamp": chrono::Utc::now().timestamp_millis(),
            "trackingId": format!("SANDBOX_{id}"),
            "alertType": "full",
            "headers": {},
            "sequenceNumber": sequence,
        })
        .to_string();
        let registration = &mut state.registrations[i];
        registration.unacked.push((id, frame.clone()));
        if let Some(connection) = &registration.connection {
            let _ = connection.tx.send(Outgoing::Text(frame));
        }
    }
}

/// The `conversation.activity` for `event`, with UUIDs where Webex has them: `post`, `share`,
/// `update` and `cardAction` for messages and card actions (their id is the activity's, which
/// the conversation service turns into the REST id); `add` and `leave` for memberships, naming
/// the person as the object and the space as the target.
fn activity(shared: &Shared, event: &Event) -> Option<Value> {
    let uuid = |id: &str| ids::decode(id).map(|(_, uuid)| uuid);
    let verb = match (event.resource, event.event) {
        ("messages", "created") => {
            let files = event
                .extra
                .iter()
                .any(|(k, v)| *k == "hasFiles" && v == "true");
            if files { "share" } else { "post" }
        }
        ("messages", "updated") => "update",
        ("attachmentActions", "created") => "cardAction",
        ("memberships", "created") => "add",
        ("memberships", "deleted") => "leave",
        _ => return None,
    };
    let room = uuid(event.data["roomId"].as_str()?)?;
    let membership = event.resource == "memberships";
    let (id, object) = if membership {
        let member = event.data["personId"].as_str()?;
        (uuid::Uuid::new_v4().to_string(), person(shared, member)?)
    } else {
        (uuid(event.data["id"].as_str()?)?, Value::Null)
    };
    // A membership's activity happened when the person joined (a re-add is a new one).
    let published = match (membership, event.data["created"].as_str()) {
        (true, Some(created)) if event.event == "created" => created.to_owned(),
        _ => chrono::Utc::now().to_rfc3339(),
    };
    let tags: &[&str] = match event.data["roomType"].as_str() {
        Some("direct") => &["ONE_ON_ONE"],
        _ => &[],
    };
    let mut activity = json!({
        "id": id,
        "objectType": "activity",
        "verb": verb,
        "actor": person(shared, &event.actor_id)?,
        "target": {
            "id": room,
            "objectType": "conversation",
            "url": format!("{}/conversation/api/v1/conversations/{room}", shared.origin),
            "tags": tags,
        },
        "published": published,
    });
    if membership {
        activity["object"] = object;
    }
    Some(activity)
}

/// A person as activities name them (UUIDs, as `id` and `entryUUID`).
fn person(shared: &Shared, person_id: &str) -> Option<Value> {
    let uuid = ids::decode(person_id).map(|(_, uuid)| uuid)?;
    let known = shared.person(person_id);
    Some(json!({
        "id": uuid,
        "entryUUID": uuid,
        "objectType": "person",
        "emailAddress": known.map(|p| p.email.clone()),
        "displayName": known.map(|p| p.display_name.clone()),
    }))
}
