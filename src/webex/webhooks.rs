//! Webhooks: list, create, update (including re-activating a disabled one) and delete.
//! Secrets are `SecretString`: they never show in `Debug` or logs.
//! Docs: <https://developer.webex.com/docs/api/v1/webhooks>.

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

use super::client::WebexClient;
use super::error::WebexError;
use super::ids::{OrgId, PersonId, WebhookId};
use super::open_enum::open_enum;
use super::pagination::Listing;
use super::request::{Query, Request};

open_enum!(
    /// Whether Webex delivers to a webhook (100 failures in 5 minutes make it `inactive`).
    WebhookStatus {
        /// Delivering.
        Active => "active",
        /// Disabled after failures; re-enable with an update.
        Inactive => "inactive",
    }
);

/// A registered webhook. Every field but `id` may be missing.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub id: WebhookId,
    pub name: Option<String>,
    pub target_url: Option<String>,
    pub resource: Option<String>,
    pub event: Option<String>,
    pub filter: Option<String>,
    pub secret: Option<SecretString>,
    pub status: Option<WebhookStatus>,
    pub org_id: Option<OrgId>,
    pub created_by: Option<PersonId>,
    pub app_id: Option<String>,
    pub owned_by: Option<String>,
    pub created: Option<String>,
}

/// The body of `POST /webhooks`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewWebhook {
    pub name: String,
    pub target_url: String,
    pub resource: String,
    pub event: String,
    pub filter: Option<String>,
    #[serde(serialize_with = "expose")]
    pub secret: Option<SecretString>,
}

/// The body of `PUT /webhooks/{id}`: name and target are required by Webex.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookUpdate {
    pub name: String,
    pub target_url: String,
    #[serde(serialize_with = "expose")]
    pub secret: Option<SecretString>,
    pub status: Option<WebhookStatus>,
}

impl WebhookUpdate {
    /// Re-enables an `inactive` webhook, keeping its name and target.
    pub fn reactivate(name: impl Into<String>, target_url: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            target_url: target_url.into(),
            secret: None,
            status: Some(WebhookStatus::Active),
        }
    }
}

fn expose<S: Serializer>(secret: &Option<SecretString>, serializer: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => serializer.serialize_str(secret.expose_secret()),
        None => serializer.serialize_none(),
    }
}

impl WebexClient {
    /// The token's webhooks, paginated.
    /// <https://developer.webex.com/docs/api/v1/webhooks/list-webhooks>
    pub fn list_webhooks(&self, max: Option<u32>) -> Listing<Webhook> {
        let mut query = Query::default();
        query.opt("max", max);
        Listing::new(self, Request::get("webhooks", &["webhooks"]).query(query))
    }

    /// Registers a webhook.
    /// <https://developer.webex.com/docs/api/v1/webhooks/create-a-webhook>
    #[tracing::instrument(skip(self, webhook), fields(name = %webhook.name, resource = %webhook.resource))]
    pub async fn create_webhook(&self, webhook: &NewWebhook) -> Result<Webhook, WebexError> {
        self.call(Request::new(Method::POST, "webhooks", &["webhooks"]).json(webhook)?)
            .await
    }

    /// Changes a webhook's name, target, secret or status.
    /// <https://developer.webex.com/docs/api/v1/webhooks/update-a-webhook>
    #[tracing::instrument(skip(self, update), fields(webhook = %id))]
    pub async fn update_webhook(
        &self,
        id: &WebhookId,
        update: &WebhookUpdate,
    ) -> Result<Webhook, WebexError> {
        let request = Request::new(Method::PUT, "webhooks/{id}", &["webhooks", id.as_str()]);
        self.call(request.json(update)?).await
    }

    /// Deletes a webhook (204).
    /// <https://developer.webex.com/docs/api/v1/webhooks/delete-a-webhook>
    #[tracing::instrument(skip(self), fields(webhook = %id))]
    pub async fn delete_webhook(&self, id: &WebhookId) -> Result<(), WebexError> {
        self.call_empty(Request::new(
            Method::DELETE,
            "webhooks/{id}",
            &["webhooks", id.as_str()],
        ))
        .await
    }
}
