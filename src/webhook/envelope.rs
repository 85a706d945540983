//! The webhook delivery envelope. Webex sends ids only in `data`; every field but `data.id` may be
//! missing, so everything else is optional. `data.id` becomes a path segment of a Webex call, so
//! an envelope whose id is not id-shaped (letters, digits, `-`, `_`, `=`; at most
//! [`MAX_ID_LEN`] characters) does not decode: `..` never turns into `GET /v1/messages`.

use serde::{Deserialize, Deserializer, Serialize};

/// The longest `data.id` accepted (Webex ids are about 80 characters).
pub const MAX_ID_LEN: usize = 256;

/// One webhook delivery, as far as roombot reads it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// The webhook's id.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// `messages`, `attachmentActions`, …
    pub resource: String,
    /// `created`, `updated`, `deleted`, …
    pub event: String,
    #[serde(default)]
    pub actor_id: Option<String>,
    pub data: EventData,
}

/// The `data` object: the id of what happened, and a few ids around it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventData {
    #[serde(deserialize_with = "safe_id")]
    pub id: String,
    #[serde(default)]
    pub room_id: Option<String>,
    #[serde(default)]
    pub room_type: Option<String>,
    #[serde(default)]
    pub person_id: Option<String>,
    #[serde(default)]
    pub person_email: Option<String>,
    /// For attachment actions: the message whose card was clicked.
    #[serde(default)]
    pub message_id: Option<String>,
    /// When it was made: for a membership, when the person joined (a re-add is a new one).
    #[serde(default)]
    pub created: Option<String>,
}

/// What kind of event a delivery is, as far as the bot cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    MessageCreated,
    AttachmentActionCreated,
    /// Someone was added to a space (the bot cares when it is the bot).
    MembershipCreated,
    /// Someone left or was removed from a space.
    MembershipDeleted,
}

/// Whether `id` can be a Webex id: base64url characters (and `=` padding), 1 to [`MAX_ID_LEN`].
pub fn is_safe_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'='))
}

fn safe_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let id = String::deserialize(deserializer)?;
    if is_safe_id(&id) {
        Ok(id)
    } else {
        Err(serde::de::Error::custom("data.id is not a Webex id"))
    }
}

impl Envelope {
    /// The kind of event, or `None` for resources the bot ignores.
    pub fn kind(&self) -> Option<EventKind> {
        match (self.resource.as_str(), self.event.as_str()) {
            ("messages", "created") => Some(EventKind::MessageCreated),
            ("attachmentActions", "created") => Some(EventKind::AttachmentActionCreated),
            ("memberships", "created") => Some(EventKind::MembershipCreated),
            ("memberships", "deleted") => Some(EventKind::MembershipDeleted),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_message_delivery_with_only_ids() {
        let body = r#"{"id":"W1","name":"roombot messages","targetUrl":"https://x/webhooks/webex",
            "resource":"messages","event":"created","orgId":"O","createdBy":"P","appId":"A",
            "ownedBy":"creator","status":"active","created":"2026-01-01T00:00:00.000Z","actorId":"P1",
            "data":{"id":"M1","roomId":"R1","roomType":"direct","personId":"P1",
            "personEmail":"ada@example.com","created":"2026-01-01T00:00:00.000Z"}}"#;
        let envelope: Envelope = serde_json::from_str(body).unwrap();
        assert_eq!(envelope.kind(), Some(EventKind::MessageCreated));
        assert_eq!(envelope.data.id, "M1");
        assert_eq!(envelope.data.person_id.as_deref(), Some("P1"));
    }

    #[test]
    fn decodes_a_minimal_attachment_action() {
        let body = r#"{"resource":"attachmentActions","event":"created","data":{"id":"A1","type":"submit"}}"#;
        let envelope: Envelope = serde_json::from_str(body).unwrap();
        assert_eq!(envelope.kind(), Some(EventKind::AttachmentActionCreated));
        assert_eq!(envelope.data.message_id, None);
    }

    #[test]
    fn ids_that_are_not_id_shaped_do_not_decode() {
        let long = "A".repeat(MAX_ID_LEN + 1);
        for id in [
            "..",
            ".",
            "",
            "a/b",
            "M1?x=1",
            "M 1",
            "M1%2F",
            "ü",
            long.as_str(),
        ] {
            let body =
                serde_json::json!({"resource": "messages", "event": "created", "data": {"id": id}});
            assert!(serde_json::from_value::<Envelope>(body).is_err(), "{id:?}");
        }
        let webex =
            "Y2lzY29zcGFyazovL3VzL01FU1NBR0UvOTJkYjNiZTAtNDNiZC0xMWU2LThhZTktZGQ1YjNkZmM1NjVk";
        for id in [
            webex,
            "M1",
            "a-b_c=",
            "0f8c6d2e-1111-4a4a-9b9b-123456789abc",
        ] {
            assert!(is_safe_id(id), "{id}");
        }
    }

    #[test]
    fn other_resources_have_no_kind() {
        let body = r#"{"resource":"rooms","event":"created","data":{"id":"X"}}"#;
        let envelope: Envelope = serde_json::from_str(body).unwrap();
        assert_eq!(envelope.kind(), None);
        let body = r#"{"resource":"memberships","event":"updated","data":{"id":"X"}}"#;
        let envelope: Envelope = serde_json::from_str(body).unwrap();
        assert_eq!(envelope.kind(), None);
        let body = r#"{"resource":"memberships","event":"deleted","data":{"id":"X"}}"#;
        let envelope: Envelope = serde_json::from_str(body).unwrap();
        assert_eq!(envelope.kind(), Some(EventKind::MembershipDeleted));
    }
}
