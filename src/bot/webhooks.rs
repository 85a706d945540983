//! roombot's own webhooks: exactly four (`messages/created`, `attachmentActions/created`,
//! `memberships/created`, `memberships/deleted`), named `roombot messages`, `roombot card
//! actions`, `roombot arrivals` and `roombot departures`, pointing at `public_url + /webhooks/webex`,
//! signed with our secret. Webhooks roombot did not create are never touched. A watchdog
//! re-activates ours when Webex disabled them (after 100 failed deliveries in 5 minutes).

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::webex::{
    NewWebhook, WebexClient, WebexError, Webhook, WebhookStatus, WebhookUpdate, retry,
};

/// The webhooks roombot needs: (name, resource, event). The membership ones tell it when it
/// is added to a space (it introduces itself) or removed (it forgets the space).
pub const OURS: [(&str, &str, &str); 4] = [
    ("roombot messages", "messages", "created"),
    ("roombot card actions", "attachmentActions", "created"),
    ("roombot arrivals", "memberships", "created"),
    ("roombot departures", "memberships", "deleted"),
];

/// How long one [`sync`] in [`sync_patiently`] may retry inside the client before the failure
/// is reported and the sync tried again.
const SYNC_TRY: Duration = Duration::from_secs(10);

/// Webex disables a re-enabled webhook again at its next failure within this window.
const REACTIVATION_GAP: Duration = Duration::from_secs(5 * 60);

/// What `sync` did to one webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncAction {
    Created,
    Updated,
    Unchanged,
}

/// The target URL for a public base URL.
pub fn target_url(public_url: &Url) -> String {
    format!(
        "{}/webhooks/webex",
        public_url.as_str().trim_end_matches('/')
    )
}

/// Whether a webhook is one of roombot's (by name, resource and event).
pub fn is_ours(webhook: &Webhook) -> bool {
    OURS.iter().any(|(name, resource, event)| {
        webhook.name.as_deref() == Some(*name)
            && webhook.resource.as_deref() == Some(*resource)
            && webhook.event.as_deref() == Some(*event)
    })
}

/// roombot's webhooks among all of the bot's webhooks.
pub async fn list_ours(webex: &WebexClient) -> Result<Vec<Webhook>, WebexError> {
    let all = webex.list_webhooks(Some(100)).list_all(50).await?;
    Ok(all.into_iter().filter(is_ours).collect())
}

/// [`sync`] until it succeeds: transient failures (5xx, 429, timeouts, no connection) are waited
/// out with backoff and passed to `on_wait`; other errors (a rejected token, a bad target URL)
/// are returned. Safe because `sync` is idempotent: a create Webex ran despite a 5xx is found
/// by the next run's listing (and a duplicate it may leave is removed).
pub async fn sync_patiently(
    webex: &WebexClient,
    target: &str,
    secret: &SecretString,
    on_wait: impl Fn(&WebexError),
) -> Result<Vec<(String, SyncAction)>, WebexError> {
    let mut attempt = 1;
    loop {
        let deadline = tokio::time::Instant::now() + SYNC_TRY;
        match retry::within(deadline, sync(webex, target, secret)).await {
            Err(error) if error.is_transient() => {
                let wait = webex.backoff(attempt);
                tracing::warn!(%error, attempt, wait_ms = wait.as_millis() as u64, "webhook sync failed; retrying");
                on_wait(&error);
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Creates or updates our webhooks so they point at `target` with `secret` and are active,
/// and deletes extra copies of ours (same name). Idempotent: a second run changes nothing.
pub async fn sync(
    webex: &WebexClient,
    target: &str,
    secret: &SecretString,
) -> Result<Vec<(String, SyncAction)>, WebexError> {
    let existing = list_ours(webex).await?;
    let mut report = Vec::new();
    for (name, resource, event) in OURS {
        let found = first_deleting_duplicates(webex, &existing, name).await?;
        let action = match found {
            None => {
                let new = NewWebhook {
                    name: name.into(),
                    target_url: target.into(),
                    resource: resource.into(),
                    event: event.into(),
                    filter: None,
                    secret: Some(secret.clone()),
                };
                webex.create_webhook(&new).await?;
                SyncAction::Created
            }
            Some(webhook) => {
                let active = matches!(webhook.status, Some(WebhookStatus::Active) | None);
                let same_target = webhook.target_url.as_deref() == Some(target);
                // Webex shows the secret back on list; when it does not, re-send ours.
                let same_secret = webhook
                    .secret
                    .as_ref()
                    .is_some_and(|s| s.expose_secret() == secret.expose_secret());
                if active && same_target && same_secret {
                    SyncAction::Unchanged
                } else {
                    update(webex, webhook, target, secret).await?;
                    SyncAction::Updated
                }
            }
        };
        report.push((name.to_owned(), action));
    }
    Ok(report)
}

/// The first of our webhooks named `name`; deletes any further ones (a create that Webex ran
/// despite answering 5xx, then created again).
async fn first_deleting_duplicates<'a>(
    webex: &WebexClient,
    existing: &'a [Webhook],
    name: &str,
) -> Result<Option<&'a Webhook>, WebexError> {
    let mut same_name = existing.iter().filter(|w| w.name.as_deref() == Some(name));
    let first = same_name.next();
    for duplicate in same_name {
        tracing::warn!(webhook = %name, id = %duplicate.id, "deleting a duplicate of roombot's webhook");
        webex.delete_webhook(&duplicate.id).await?;
    }
    Ok(first)
}

async fn update(
    webex: &WebexClient,
    webhook: &Webhook,
    target: &str,
    secret: &SecretString,
) -> Result<(), WebexError> {
    let update = WebhookUpdate {
        name: webhook.name.clone().unwrap_or_default(),
        target_url: target.into(),
        secret: Some(secret.clone()),
        status: Some(WebhookStatus::Active),
    };
    webex.update_webhook(&webhook.id, &update).await.map(|_| ())
}

/// Deletes roombot's webhooks (only ours); returns how many went.
pub async fn delete_ours(webex: &WebexClient) -> Result<usize, WebexError> {
    let ours = list_ours(webex).await?;
    for webhook in &ours {
        webex.delete_webhook(&webhook.id).await?;
    }
    Ok(ours.len())
}

/// Re-activates any of our webhooks Webex marked `inactive`; returns their names.
pub async fn reactivate_inactive(webex: &WebexClient) -> Result<Vec<String>, WebexError> {
    let mut reactivated = Vec::new();
    for webhook in list_ours(webex).await? {
        if matches!(webhook.status, Some(WebhookStatus::Inactive)) {
            let name = webhook.name.clone().unwrap_or_default();
            let target = webhook.target_url.clone().unwrap_or_default();
            webex
                .update_webhook(
                    &webhook.id,
                    &WebhookUpdate::reactivate(name.clone(), target),
                )
                .await?;
            tracing::warn!(webhook = %name, "Webex had disabled this webhook; re-activated it");
            reactivated.push(name);
        }
    }
    Ok(reactivated)
}

/// Checks our webhooks every `every` (the first time after `every`: start-up checks once itself)
/// and re-activates disabled ones. After a re-activation it
/// waits at least 5 minutes before the next one, since Webex disables a webhook re-enabled within
/// 5 minutes again at its next failure.
pub async fn watchdog(webex: WebexClient, every: Duration) {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match reactivate_inactive(&webex).await {
            Ok(names) if !names.is_empty() => {
                tokio::time::sleep(REACTIVATION_GAP.saturating_sub(every)).await
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not check roombot's webhooks"),
        }
    }
}
