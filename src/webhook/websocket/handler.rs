//! One websocket event, from activity to intake: the bot's own activities and edits go to the
//! intake without a lookup (it drops or ignores them, as it does their webhook deliveries); the
//! bot's own arrival in a space and departure become the `memberships` events their webhooks
//! would bring; messages and card actions are resolved to their REST id through the
//! conversation service. Each is then handed to the same [`Intake`] as a webhook delivery
//! (dedupe ledger, durable store, queue). The event is acked only once the intake has it (or it
//! is gone for good), so an event that could not be stored comes again after a reconnect.

use std::sync::Arc;

use crate::metrics::Delivery;
use crate::webex::ids::{decode_rest_id, rest_id_region};
use crate::webex::{PersonId, WebexClient};
use crate::webhook::Intake;
use crate::webhook::envelope::is_safe_id;

use super::protocol::{Activity, Verb};

/// Turns activities into intake deliveries.
pub struct EventHandler {
    client: WebexClient,
    intake: Arc<Intake>,
    bot_id: PersonId,
    /// The bot's person UUID (activities name actors by UUID).
    bot_uuid: Option<String>,
}

impl EventHandler {
    /// A handler for the bot `bot_id`, looking activities up with `client` (the bot token).
    pub fn new(client: WebexClient, intake: Arc<Intake>, bot_id: PersonId) -> Self {
        let bot_uuid = decode_rest_id(bot_id.as_str()).map(|(_, uuid)| uuid);
        Self {
            client,
            intake,
            bot_id,
            bot_uuid,
        }
    }

    /// Handles one event; `true` when it may be acked.
    pub async fn handle(&self, activity: Option<Activity>) -> bool {
        let Some(activity) = activity else {
            return true;
        };
        if matches!(activity.verb, Verb::Joined | Verb::Left) {
            return self.membership(&activity).await;
        }
        let own = self.bot_uuid.as_deref() == Some(activity.actor.as_str());
        if own || activity.verb == Verb::Update {
            // Dropped or ignored by the intake whatever its id: no lookup needed.
            if !is_safe_id(&activity.id) {
                return true;
            }
            let person = own.then(|| self.bot_id.as_str());
            let envelope = activity.envelope(&activity.id, person);
            return self.intake.take_trusted(envelope).await != Delivery::StoreFailed;
        }
        let Some(rest_id) = self.rest_id(&activity).await else {
            return false;
        };
        let Some(rest_id) = rest_id else {
            return true;
        };
        let envelope = activity.envelope(&rest_id, None);
        self.intake.take_trusted(envelope).await != Delivery::StoreFailed
    }

    /// A membership activity: the bot's own arrival or departure goes to the intake as the
    /// `memberships` event its webhook would bring (built from the activity, no lookup); other
    /// people's comings and goings are acked and forgotten.
    async fn membership(&self, activity: &Activity) -> bool {
        let Some(bot_uuid) = self.bot_uuid.as_deref() else {
            return true;
        };
        if !activity.members.iter().any(|m| m == bot_uuid) || !is_safe_id(&activity.target_id) {
            return true;
        }
        let region = rest_id_region(self.bot_id.as_str()).unwrap_or_else(|| "us".to_owned());
        let Some(envelope) = activity.membership_envelope(bot_uuid, self.bot_id.as_str(), &region)
        else {
            return true;
        };
        self.intake.take_trusted(envelope).await != Delivery::StoreFailed
    }

    /// The REST id: `Some(Some(id))`; `Some(None)` when there is none to find (gone, or not
    /// id-shaped: ack and forget); `None` when the lookup failed for now (do not ack).
    async fn rest_id(&self, activity: &Activity) -> Option<Option<String>> {
        let Some(url) = activity.lookup_url() else {
            tracing::warn!(activity = %activity.id, "activity without a usable conversation URL; ignored");
            return Some(None);
        };
        match self.client.published_id(&url).await {
            Ok(id) if is_safe_id(&id) => Some(Some(id)),
            Ok(_) => {
                tracing::warn!(activity = %activity.id, "the conversation service gave an id that is not id-shaped; ignored");
                Some(None)
            }
            Err(error) if error.is_not_found() => {
                tracing::info!(activity = %activity.id, %error, "the activity is gone; acked");
                Some(None)
            }
            Err(error) => {
                tracing::warn!(activity = %activity.id, %error, "could not look the activity up; it comes again after a reconnect");
                None
            }
        }
    }
}
