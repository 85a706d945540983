//! The webhook delivery envelope. Webex sends ids only in `data`; every field but `data.id` may be
//! missing, so everything else is optional.

use serde::{Deserialize, Serialize};

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
}

/// What kind of event a delivery is, as far as the bot cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    MessageCreated,
    AttachmentActionCreated,
}

impl Envelope {
    /// The kind of event, or `None` for resources the bot ignores.
    pub fn kind(&self) -> Option<EventKind> {
        match (self.resource.as_str(), self.event.as_str()) {
            ("messages", "created") => Some(EventKind::MessageCreated),
            ("attachmentActions", "created") => Some(EventKind::AttachmentActionCreated),
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
    fn other_resources_have_no_kind() {
        let body = r#"{"resource":"memberships","event":"created","data":{"id":"X"}}"#;
        let envelope: Envelope = serde_json::from_str(body).unwrap();
        assert_eq!(envelope.kind(), None);
    }
}
