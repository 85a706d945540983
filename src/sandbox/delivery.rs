//! Webhook delivery. An [`Event`] (a message created/updated/deleted, a card submitted) goes to
//! every active webhook whose owner may see it and whose resource, event and filter match, as
//! the exact Webex envelope (ids only in `data`). With a secret, `X-Spark-Signature` is the
//! lowercase hex HMAC-SHA1 of the raw body bytes. Deliveries run in spawned tasks, after the API
//! call that caused them has been answered; a receiver that fails (non-2xx or unreachable) 100
//! times within 5 minutes gets its webhook set `inactive`. Nothing is retried.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha1::Sha1;

use super::model::visible_to;
use super::model::{Delivery, Message, Room, Webhook};
use super::state::{Shared, Store};

/// Failed deliveries within [`FAILURE_WINDOW`] that disable a webhook.
pub const FAILURE_LIMIT: usize = 100;
/// The window Webex counts failures in.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(5 * 60);

/// Something that happened which webhooks may hear about.
#[derive(Debug, Clone)]
pub struct Event {
    /// `messages` or `attachmentActions`.
    pub resource: &'static str,
    /// `created`, `updated` or `deleted`.
    pub event: &'static str,
    /// Who caused it (`actorId`).
    pub actor_id: String,
    /// The envelope's `data` (ids only).
    pub data: Value,
    /// Person ids allowed to hear about it (webhook owners).
    pub audience: Vec<String>,
    /// Filterable facts not in `data` (`personEmail`, `hasFiles`, …).
    pub extra: Vec<(&'static str, String)>,
}

/// The event for `message` in `room`: heard by every member who may see the message.
pub fn message_event(
    shared: &Shared,
    room: &Room,
    message: &Message,
    event: &'static str,
) -> Event {
    let audience = room
        .members
        .iter()
        .filter(|m| {
            let is_bot = shared.person(m).is_some_and(|p| p.is_bot());
            visible_to(room, message, m, is_bot)
        })
        .cloned()
        .collect();
    let mut data = json!({
        "id": message.id,
        "roomId": message.room_id,
        "roomType": message.room_type,
        "personId": message.person_id,
        "personEmail": message.person_email,
    });
    if !message.mentioned_people.is_empty() {
        data["mentionedPeople"] = json!(message.mentioned_people);
    }
    data["created"] = json!(message.created);
    Event {
        resource: "messages",
        event,
        actor_id: message.person_id.clone(),
        data,
        audience,
        extra: vec![
            ("hasFiles", (!message.files.is_empty()).to_string()),
            (
                "hasAttachments",
                (!message.attachments.is_empty()).to_string(),
            ),
        ],
    }
}

/// Sends `event` to every matching webhook, each in its own task, and to the websockets of
/// registered devices that may hear about it.
pub fn dispatch(shared: &Arc<Shared>, event: Event) {
    super::mercury::publish(shared, &event);
    let targets: Vec<Webhook> = {
        let store = shared.store();
        matching_webhooks(shared, &store, &event)
    };
    for webhook in targets {
        let body = serde_json::to_vec(&envelope(&webhook, &event)).unwrap_or_default();
        let signature = webhook
            .secret
            .as_deref()
            .map(|secret| sign(secret.as_bytes(), &body));
        let delivery = Delivery {
            webhook_id: webhook.id.clone(),
            target_url: webhook.target_url.clone(),
            resource: event.resource.to_owned(),
            event: event.event.to_owned(),
            data_id: event.data["id"].as_str().unwrap_or_default().to_owned(),
            body,
            signature,
            status: None,
        };
        shared.delivery_started();
        tokio::spawn(deliver(Arc::clone(shared), delivery));
    }
}

/// Lowercase hex HMAC-SHA1 of `body` keyed by `secret`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha1> as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn matching_webhooks(shared: &Shared, store: &Store, event: &Event) -> Vec<Webhook> {
    store
        .webhooks
        .iter()
        .map(|record| &record.webhook)
        .filter(|w| w.status == "active")
        .filter(|w| event.audience.contains(&w.created_by))
        .filter(|w| resource_matches(w, event))
        .filter(|w| {
            w.filter
                .as_deref()
                .is_none_or(|f| filter_matches(shared, f, &w.created_by, event))
        })
        .cloned()
        .collect()
}

/// The firehose (`all`) covers every resource except `attachmentActions`.
fn resource_matches(webhook: &Webhook, event: &Event) -> bool {
    let resource = webhook.resource == event.resource
        || (webhook.resource == "all" && event.resource != "attachmentActions");
    resource && (webhook.event == "all" || webhook.event == event.event)
}

fn filter_matches(shared: &Shared, filter: &str, owner: &str, event: &Event) -> bool {
    url::form_urlencoded::parse(filter.as_bytes()).all(|(key, value)| {
        if key == "mentionedPeople" {
            let wanted = if value == "me" {
                owner.to_owned()
            } else {
                value.into_owned()
            };
            return event.data["mentionedPeople"]
                .as_array()
                .is_some_and(|people| people.iter().any(|p| p.as_str() == Some(wanted.as_str())));
        }
        if key == "personEmail" && event.data.get("personEmail").is_none() {
            let actor = shared.person(&event.actor_id).map(|p| p.email.as_str());
            return actor.is_some_and(|email| email.eq_ignore_ascii_case(&value));
        }
        let in_data = event.data.get(key.as_ref()).and_then(Value::as_str);
        let in_extra = event
            .extra
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str());
        in_data.or(in_extra) == Some(value.as_ref())
    })
}

/// The body Webex POSTs to a webhook's `targetUrl`.
fn envelope(webhook: &Webhook, event: &Event) -> Value {
    let mut body = json!({
        "id": webhook.id,
        "name": webhook.name,
        "targetUrl": webhook.target_url,
        "resource": event.resource,
        "event": event.event,
    });
    if let Some(filter) = &webhook.filter {
        body["filter"] = json!(filter);
    }
    for (key, value) in [
        ("orgId", json!(webhook.org_id)),
        ("createdBy", json!(webhook.created_by)),
        ("appId", json!(webhook.app_id)),
        ("ownedBy", json!(webhook.owned_by)),
        ("status", json!("active")),
        ("created", json!(webhook.created)),
        ("actorId", json!(event.actor_id)),
        ("data", event.data.clone()),
    ] {
        body[key] = value;
    }
    body
}

async fn deliver(shared: Arc<Shared>, mut delivery: Delivery) {
    let mut request = shared
        .client
        .post(&delivery.target_url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(delivery.body.clone());
    if let Some(signature) = &delivery.signature {
        request = request.header("X-Spark-Signature", signature);
    }
    delivery.status = match request.send().await {
        Ok(response) => Some(response.status().as_u16()),
        Err(error) => {
            tracing::debug!(%error, target = %delivery.target_url, "webhook delivery failed");
            None
        }
    };
    record(&shared, delivery);
    shared.delivery_finished();
}

/// Stores the attempt; counts a failure and disables the webhook at the limit.
fn record(shared: &Shared, delivery: Delivery) {
    let now = tokio::time::Instant::now();
    let mut store = shared.store();
    if !delivery.succeeded()
        && let Some(record) = store
            .webhooks
            .iter_mut()
            .find(|w| w.webhook.id == delivery.webhook_id)
    {
        record.failures.push_back(now);
        while record
            .failures
            .front()
            .is_some_and(|t| now.duration_since(*t) > FAILURE_WINDOW)
        {
            record.failures.pop_front();
        }
        if record.failures.len() >= FAILURE_LIMIT {
            record.webhook.status = "inactive".to_owned();
        }
    }
    store.deliveries.push(delivery);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_the_rfc_2202_test_vector() {
        // RFC 2202 test case 2.
        let sig = sign(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(sig, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }
}
