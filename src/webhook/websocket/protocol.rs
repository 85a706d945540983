//! The websocket's frames, as Cisco's SDKs read and write them (pure): the authorization,
//! ping and ack roombot sends; the events, pongs and whatever else Webex sends; and how a
//! `conversation.activity` becomes a webhook-shaped [`Envelope`] once its REST id is known.

use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

use crate::webex::ids::encode_rest_id;
use crate::webhook::envelope::{Envelope, EventData, is_safe_id};

/// The frame that authorizes the socket with the bot token.
pub fn authorization(token: &str) -> String {
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "type": "authorization",
        "data": {"token": format!("Bearer {token}")},
    })
    .to_string()
}

/// A keepalive ping; Webex answers with a `pong` carrying the same id.
pub fn ping(id: &str) -> String {
    json!({"id": id, "type": "ping"}).to_string()
}

/// The acknowledgement of the event `message_id` (unacknowledged events come again).
pub fn ack(message_id: &str) -> String {
    json!({"type": "ack", "messageId": message_id}).to_string()
}

/// One frame from Webex, as far as roombot reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// An event to ack; `activity` is set for a `conversation.activity` roombot cares about.
    Event {
        id: String,
        activity: Option<Activity>,
    },
    /// The answer to a ping.
    Pong,
    /// Mercury's word that the authorization was accepted (`mercury.buffer_state` or
    /// `mercury.registration_status`, as Cisco's JS SDK waits for before it pings).
    Ready,
    /// Anything else (start-up notices, other event types without an id).
    Other,
}

/// What happened in a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// The activity's own id (not the REST id).
    pub id: String,
    pub verb: Verb,
    /// The actor's person UUID.
    pub actor: String,
    /// The conversation's UUID and URL.
    pub target_id: String,
    pub target_url: String,
    /// For [`Verb::Joined`] and [`Verb::Left`]: the people (UUIDs) who joined or left.
    pub members: Vec<String>,
    /// When it happened (`published`).
    pub published: Option<String>,
    /// Whether the conversation is a 1:1 space (`ONE_ON_ONE` among its tags).
    pub direct: bool,
}

/// The verbs roombot handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// A message (`post`, or `share` with a file).
    Post,
    /// A message was edited.
    Update,
    /// A card was submitted.
    CardAction,
    /// People were added to a space (`add`), or a space was made with them in it (`create`).
    Joined,
    /// Someone left a space or was removed from it (`leave`).
    Left,
}

#[derive(Deserialize)]
struct RawFrame {
    #[serde(default)]
    id: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    data: Option<Value>,
}

/// Reads one text frame; unparsable text is [`Inbound::Other`].
pub fn parse(text: &str) -> Inbound {
    let Ok(frame) = serde_json::from_str::<RawFrame>(text) else {
        return Inbound::Other;
    };
    if frame.kind.as_deref() == Some("pong") {
        return Inbound::Pong;
    }
    let (Some(id), Some(data)) = (frame.id, frame.data) else {
        return Inbound::Other;
    };
    if matches!(
        data["eventType"].as_str(),
        Some("mercury.buffer_state" | "mercury.registration_status")
    ) {
        return Inbound::Ready;
    }
    let activity = (data["eventType"] == "conversation.activity")
        .then(|| activity(&data["activity"]))
        .flatten();
    Inbound::Event { id, activity }
}

fn activity(value: &Value) -> Option<Activity> {
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let verb = match value["verb"].as_str()? {
        "post" | "share" => Verb::Post,
        "update" => Verb::Update,
        "cardAction" => Verb::CardAction,
        "add" | "create" => Verb::Joined,
        "leave" => Verb::Left,
        _ => return None,
    };
    // A `create` names the new space as its object and the people in it as its participants;
    // `add` and `leave` name the person as the object and the space as the target, as the JS
    // SDK's memberships plugin reads them.
    let (space, members) = match value["verb"].as_str()? {
        "create" => {
            let items = value["object"]["participants"]["items"].as_array();
            let members = items
                .into_iter()
                .flatten()
                .filter_map(person_uuid)
                .collect();
            (&value["object"], members)
        }
        "add" | "leave" => (
            &value["target"],
            person_uuid(&value["object"]).into_iter().collect(),
        ),
        _ => (&value["target"], Vec::new()),
    };
    let tags = space["tags"].as_array();
    Some(Activity {
        id: text(&value["id"])?,
        verb,
        actor: person_uuid(&value["actor"])?,
        target_id: text(&space["id"])?,
        // Membership activities need no lookup; a message without a URL is ignored later.
        target_url: text(&space["url"]).unwrap_or_default(),
        members,
        published: text(&value["published"]),
        direct: tags.is_some_and(|t| t.iter().any(|t| t == "ONE_ON_ONE")),
    })
}

/// A person's UUID in an activity: `entryUUID`, else `id`.
fn person_uuid(person: &Value) -> Option<String> {
    person["entryUUID"]
        .as_str()
        .or_else(|| person["id"].as_str())
        .map(str::to_owned)
}

impl Activity {
    /// The conversation-service URL that tells this activity's REST id: `conversations/{target}`
    /// in the target's URL replaced by `messages/{id}` (or `attachment/actions/{id}`).
    pub fn lookup_url(&self) -> Option<Url> {
        let what = match self.verb {
            Verb::CardAction => "attachment/actions",
            Verb::Post | Verb::Update => "messages",
            Verb::Joined | Verb::Left => return None,
        };
        let from = format!("conversations/{}", self.target_id);
        if !self.target_url.contains(&from) || !is_safe_id(&self.id) {
            return None;
        }
        let url = self
            .target_url
            .replace(&from, &format!("{what}/{}", self.id));
        Url::parse(&url).ok()
    }

    /// The webhook envelope this activity stands for, with `rest_id` as `data.id`: a message
    /// `created` or `updated`, or an attachment action `created`. `person_id` is the actor's REST
    /// id when known (the bot's own, for the own-message drop).
    pub fn envelope(&self, rest_id: &str, person_id: Option<&str>) -> Envelope {
        let (resource, event) = match self.verb {
            Verb::Post => ("messages", "created"),
            Verb::Update => ("messages", "updated"),
            Verb::CardAction => ("attachmentActions", "created"),
            Verb::Joined => ("memberships", "created"),
            Verb::Left => ("memberships", "deleted"),
        };
        Envelope {
            id: None,
            name: Some("websocket".to_owned()),
            resource: resource.to_owned(),
            event: event.to_owned(),
            actor_id: person_id.map(str::to_owned),
            data: EventData {
                id: rest_id.to_owned(),
                room_id: None,
                room_type: None,
                person_id: person_id.map(str::to_owned),
                person_email: None,
                message_id: None,
                created: None,
            },
        }
    }

    /// The `memberships` event of `member` (a person UUID this activity names; REST id
    /// `person_id`), with REST ids made in `region` as the JS SDK makes them: the membership is
    /// `MEMBERSHIP/<person>:<space>`, its `created` the activity's `published`. `None` for
    /// activities that are not about memberships.
    pub fn membership_envelope(
        &self,
        member: &str,
        person_id: &str,
        region: &str,
    ) -> Option<Envelope> {
        if !matches!(self.verb, Verb::Joined | Verb::Left) {
            return None;
        }
        let mut envelope = self.envelope(
            &encode_rest_id(
                region,
                "MEMBERSHIP",
                &format!("{member}:{}", self.target_id),
            ),
            Some(person_id),
        );
        envelope.actor_id = Some(encode_rest_id(region, "PEOPLE", &self.actor));
        envelope.data.room_id = Some(encode_rest_id(region, "ROOM", &self.target_id));
        let room_type = if self.direct { "direct" } else { "group" };
        envelope.data.room_type = Some(room_type.to_owned());
        envelope.data.created = self.published.clone();
        Some(envelope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(verb: &str) -> String {
        json!({"id": "E1", "data": {"eventType": "conversation.activity", "activity": {
            "id": "a1b2", "verb": verb, "actor": {"id": "p-uuid"},
            "target": {"id": "c-uuid", "url": "https://conv-a.wbx2.com/conversation/api/v1/conversations/c-uuid"}
        }}, "timestamp": 1})
        .to_string()
    }

    #[test]
    fn a_post_resolves_through_the_messages_url() {
        let Inbound::Event { id, activity } = parse(&event("post")) else {
            panic!("an event")
        };
        assert_eq!(id, "E1");
        let activity = activity.expect("an activity");
        assert_eq!(activity.verb, Verb::Post);
        assert_eq!(
            activity.lookup_url().unwrap().as_str(),
            "https://conv-a.wbx2.com/conversation/api/v1/messages/a1b2"
        );
        let envelope = activity.envelope("M1", None);
        assert_eq!(
            (envelope.resource.as_str(), envelope.event.as_str()),
            ("messages", "created")
        );
    }

    #[test]
    fn a_card_action_resolves_through_attachment_actions() {
        let Inbound::Event { activity, .. } = parse(&event("cardAction")) else {
            panic!("an event")
        };
        let activity = activity.unwrap();
        assert!(
            activity
                .lookup_url()
                .unwrap()
                .path()
                .ends_with("/attachment/actions/a1b2")
        );
        assert_eq!(activity.envelope("A1", None).resource, "attachmentActions");
        assert_eq!(parse(&event("share")), parse(&event("post")));
    }

    #[test]
    fn other_frames_are_told_apart() {
        assert_eq!(parse(r#"{"id":"x","type":"pong"}"#), Inbound::Pong);
        let ready = r#"{"id":"r","data":{"eventType":"mercury.buffer_state"}}"#;
        assert_eq!(parse(ready), Inbound::Ready);
        assert_eq!(parse("not json"), Inbound::Other);
        assert_eq!(
            parse(&event("acknowledge")),
            Inbound::Event {
                id: "E1".into(),
                activity: None
            }
        );
        let typing = json!({"id": "E2", "data": {"eventType": "status.start_typing"}});
        assert_eq!(
            parse(&typing.to_string()),
            Inbound::Event {
                id: "E2".into(),
                activity: None
            }
        );
    }

    #[test]
    fn an_activity_id_that_is_not_id_shaped_has_no_lookup() {
        let Inbound::Event { activity, .. } = parse(&event("post").replace("a1b2", "../x")) else {
            panic!("an event")
        };
        assert_eq!(activity.unwrap().lookup_url(), None);
    }

    fn membership(verb: &str, object: Value, tags: Value) -> Activity {
        let frame = json!({"id": "E3", "data": {"eventType": "conversation.activity", "activity": {
            "id": "a3", "verb": verb, "actor": {"id": "adder-uuid", "entryUUID": "adder-uuid"},
            "object": object, "published": "2026-12-01T10:00:00.000Z",
            "target": {"id": "space-uuid", "tags": tags,
                       "url": "https://conv-a.wbx2.com/conversation/api/v1/conversations/space-uuid"}
        }}});
        let Inbound::Event { activity, .. } = parse(&frame.to_string()) else {
            panic!("an event")
        };
        activity.expect("a membership activity")
    }

    #[test]
    fn an_add_becomes_the_membership_created_event_its_webhook_would_bring() {
        let added = membership("add", json!({"entryUUID": "bot-uuid"}), json!([]));
        assert_eq!(
            (added.verb, added.members.clone()),
            (Verb::Joined, vec!["bot-uuid".to_owned()])
        );
        assert_eq!(added.lookup_url(), None, "nothing to look up");
        let envelope = added.membership_envelope("bot-uuid", "BOT", "us").unwrap();
        assert_eq!(
            envelope.kind(),
            Some(crate::webhook::envelope::EventKind::MembershipCreated)
        );
        let decode = |id: &str| crate::webex::ids::decode_rest_id(id).unwrap();
        assert_eq!(
            decode(&envelope.data.id),
            ("MEMBERSHIP".into(), "bot-uuid:space-uuid".into())
        );
        assert_eq!(
            decode(envelope.data.room_id.as_deref().unwrap()),
            ("ROOM".into(), "space-uuid".into())
        );
        assert_eq!(
            decode(envelope.actor_id.as_deref().unwrap()),
            ("PEOPLE".into(), "adder-uuid".into())
        );
        assert_eq!(envelope.data.person_id.as_deref(), Some("BOT"));
        assert_eq!(envelope.data.room_type.as_deref(), Some("group"));
        assert_eq!(
            envelope.data.created.as_deref(),
            Some("2026-12-01T10:00:00.000Z")
        );
    }

    #[test]
    fn a_leave_a_create_and_a_one_on_one_read_as_webex_sends_them() {
        let left = membership("leave", json!({"id": "bot-uuid"}), json!(["ONE_ON_ONE"]));
        assert_eq!(left.verb, Verb::Left);
        assert!(left.direct);
        let envelope = left.membership_envelope("bot-uuid", "BOT", "us").unwrap();
        assert_eq!(
            (envelope.resource.as_str(), envelope.event.as_str()),
            ("memberships", "deleted")
        );
        assert_eq!(envelope.data.room_type.as_deref(), Some("direct"));
        // A space made with people in it: the space is the object, the people its participants.
        let frame = json!({"id": "E4", "data": {"eventType": "conversation.activity", "activity": {
            "id": "a4", "verb": "create", "actor": {"id": "ada-uuid"},
            "object": {"id": "new-space", "url": "https://conv-a.wbx2.com/conversation/api/v1/conversations/new-space",
                       "participants": {"items": [{"entryUUID": "ada-uuid"}, {"id": "bot-uuid"}]}}
        }}});
        let Inbound::Event {
            activity: Some(created),
            ..
        } = parse(&frame.to_string())
        else {
            panic!("an activity")
        };
        assert_eq!(created.verb, Verb::Joined);
        assert_eq!(created.target_id, "new-space");
        assert_eq!(created.members, ["ada-uuid", "bot-uuid"]);
        // A membership needs no lookup, so a target without a URL still counts.
        let bare = frame.to_string().replace(
            r#""url":"https://conv-a.wbx2.com/conversation/api/v1/conversations/new-space","#,
            "",
        );
        let Inbound::Event {
            activity: Some(bare),
            ..
        } = parse(&bare)
        else {
            panic!("an activity without a URL")
        };
        assert_eq!((bare.target_url.as_str(), bare.verb), ("", Verb::Joined));
        let post = parse(&event("post"));
        let Inbound::Event {
            activity: Some(post),
            ..
        } = post
        else {
            panic!("an activity")
        };
        assert_eq!(post.membership_envelope("p-uuid", "P", "us"), None);
    }

    #[test]
    fn frames_roombot_sends() {
        let auth: Value = serde_json::from_str(&authorization("T")).unwrap();
        assert_eq!(auth["type"], "authorization");
        assert_eq!(auth["data"]["token"], "Bearer T");
        assert_eq!(ack("E1"), r#"{"type":"ack","messageId":"E1"}"#);
        assert_eq!(ping("p1"), r#"{"id":"p1","type":"ping"}"#);
    }
}
