//! `/webhooks` CRUD. Each identity sees and manages only its own webhooks. `PUT` changes only
//! `name`, `targetUrl`, `secret` and `status`, and may only set `status` to `active` (to revive
//! a webhook the sandbox disabled after 100 failed deliveries in 5 minutes). Filters are checked
//! against the keys Webex documents per resource.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;

use super::caller::Caller;
use super::error::ApiError;
use super::http::{list_response, parse_json};
use super::ids;
use super::model::{Webhook, timestamp};
use super::state::{Shared, WebhookRecord};

/// The app id the sandbox stamps on webhooks (the bot's "application").
pub fn app_id() -> String {
    ids::encode("APPLICATION", "c0ffee00-5a4d-4b0c-8e17-00000000b07a")
}

/// The webhook routes.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/webhooks", get(list_webhooks).post(create_webhook))
        .route(
            "/v1/webhooks/{id}",
            get(get_webhook).put(update_webhook).delete(delete_webhook),
        )
}

const RESOURCES: &[&str] = &[
    "all",
    "messages",
    "attachmentActions",
    "memberships",
    "rooms",
];
const EVENTS: &[&str] = &["all", "created", "updated", "deleted"];

/// The filter keys Webex accepts for `resource`.
fn filter_keys(resource: &str) -> &'static [&'static str] {
    match resource {
        "messages" => &[
            "roomId",
            "roomType",
            "personId",
            "personEmail",
            "mentionedPeople",
            "hasFiles",
            "hasAttachments",
        ],
        "attachmentActions" => &["roomId", "messageId", "personId", "personEmail"],
        "memberships" => &["roomId", "personId", "personEmail", "isModerator"],
        "rooms" => &["type", "isLocked"],
        _ => &[],
    }
}

/// Checks `filter` (`key=value&key=value`) against the keys allowed for `resource`.
fn validate_filter(resource: &str, filter: &str) -> Result<(), ApiError> {
    let allowed = filter_keys(resource);
    for (key, value) in url::form_urlencoded::parse(filter.as_bytes()) {
        if !allowed.contains(&key.as_ref()) || value.is_empty() {
            return Err(ApiError::bad_request(format!(
                "Invalid filter '{key}' for resource '{resource}'."
            )));
        }
    }
    Ok(())
}

fn validate_target(target_url: &str) -> Result<(), ApiError> {
    match url::Url::parse(target_url) {
        Ok(url) if url.scheme() == "http" || url.scheme() == "https" => Ok(()),
        _ => Err(ApiError::bad_request(format!(
            "Invalid targetUrl: '{target_url}'."
        ))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewWebhook {
    name: Option<String>,
    target_url: Option<String>,
    resource: Option<String>,
    event: Option<String>,
    filter: Option<String>,
    secret: Option<String>,
}

fn required(value: Option<String>, name: &str) -> Result<String, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::bad_request(format!("{name} is required.")))
}

async fn create_webhook(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Webhook>, ApiError> {
    let new: NewWebhook = parse_json(&body)?;
    let name = required(new.name, "name")?;
    let target_url = required(new.target_url, "targetUrl")?;
    let resource = required(new.resource, "resource")?;
    let event = required(new.event, "event")?;
    validate_target(&target_url)?;
    if !RESOURCES.contains(&resource.as_str()) || !EVENTS.contains(&event.as_str()) {
        return Err(ApiError::bad_request(format!(
            "Unsupported resource/event: {resource}/{event}."
        )));
    }
    if resource == "all" && event != "all" {
        return Err(ApiError::bad_request(
            "The 'all' resource only supports the 'all' event.",
        ));
    }
    let filter = new.filter.filter(|f| !f.is_empty());
    if let Some(filter) = &filter {
        validate_filter(&resource, filter)?;
    }
    let webhook = Webhook {
        id: ids::new_id("WEBHOOK"),
        name,
        target_url,
        resource,
        event,
        filter,
        secret: new.secret.filter(|s| !s.is_empty()),
        status: "active".to_owned(),
        created: timestamp(chrono::Utc::now()),
        owned_by: "creator".to_owned(),
        org_id: caller.org_id.clone(),
        created_by: caller.person_id.clone(),
        app_id: app_id(),
    };
    shared.store().webhooks.push(WebhookRecord {
        webhook: webhook.clone(),
        failures: Default::default(),
    });
    shared.changed();
    Ok(Json(webhook))
}

async fn list_webhooks(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
) -> Response {
    let items: Vec<Value> = shared
        .store()
        .webhooks
        .iter()
        .filter(|w| w.webhook.created_by == caller.person_id)
        .map(|w| serde_json::to_value(&w.webhook).unwrap_or_default())
        .collect();
    list_response(&shared, &uri, items)
}

fn not_found() -> ApiError {
    ApiError::not_found("Could not find a webhook with provided ID.")
}

async fn get_webhook(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Webhook>, ApiError> {
    let store = shared.store();
    let record = store
        .webhooks
        .iter()
        .find(|w| w.webhook.id == id && w.webhook.created_by == caller.person_id)
        .ok_or_else(not_found)?;
    Ok(Json(record.webhook.clone()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhookUpdate {
    name: Option<String>,
    target_url: Option<String>,
    secret: Option<String>,
    status: Option<String>,
}

async fn update_webhook(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Webhook>, ApiError> {
    let update: WebhookUpdate = parse_json(&body)?;
    let name = required(update.name, "name")?;
    let target_url = required(update.target_url, "targetUrl")?;
    validate_target(&target_url)?;
    if update.status.as_deref().is_some_and(|s| s != "active") {
        return Err(ApiError::bad_request("status can only be set to 'active'."));
    }
    let webhook = {
        let mut store = shared.store();
        let record = store
            .webhooks
            .iter_mut()
            .find(|w| w.webhook.id == id && w.webhook.created_by == caller.person_id)
            .ok_or_else(not_found)?;
        record.webhook.name = name;
        record.webhook.target_url = target_url;
        if let Some(secret) = update.secret {
            record.webhook.secret = Some(secret).filter(|s| !s.is_empty());
        }
        if update.status.is_some() {
            record.webhook.status = "active".to_owned();
        }
        record.webhook.clone()
    };
    shared.changed();
    Ok(Json(webhook))
}

async fn delete_webhook(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Response {
    let removed = {
        let mut store = shared.store();
        let before = store.webhooks.len();
        store
            .webhooks
            .retain(|w| !(w.webhook.id == id && w.webhook.created_by == caller.person_id));
        store.webhooks.len() < before
    };
    if !removed {
        return not_found().into_response();
    }
    shared.changed();
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_filters_accept_documented_keys_only() {
        assert!(validate_filter("messages", "roomId=abc&mentionedPeople=me").is_ok());
        assert!(validate_filter("messages", "messageId=abc").is_err());
        assert!(validate_filter("attachmentActions", "messageId=abc").is_ok());
        assert!(validate_filter("messages", "roomId=").is_err());
    }
}
