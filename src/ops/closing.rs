//! Closing a card once it was acted on, so it keeps no live button that contradicts what
//! happened. Webex documents that a message with a card cannot be edited (the sandbox refuses
//! it); some deployments allow it anyway. roombot tries an edit once per process, remembers
//! whether Webex took it, and from then on goes straight to what works: an edit in place, or a
//! delete (the reply that follows stands for the card). One message per outcome either way.

use std::sync::atomic::{AtomicU8, Ordering};

use crate::cards::Card;
use crate::request::Request;
use crate::webex::{Attachment, MessageEdit, MessageId};

use crate::plan::{Op, Plan};

use super::audit::Verdict;
use super::{Done, Ops};

/// Whether Webex lets roombot edit its card messages, as learnt from the first try.
#[derive(Debug, Default)]
pub(crate) struct CardEdits(AtomicU8);

const UNKNOWN: u8 = 0;
const WORKS: u8 = 1;
const REFUSED: u8 = 2;

impl CardEdits {
    fn refused(&self) -> bool {
        self.0.load(Ordering::Relaxed) == REFUSED
    }

    fn learn(&self, works: bool) {
        let value = if works { WORKS } else { REFUSED };
        if self.0.swap(value, Ordering::Relaxed) == UNKNOWN {
            tracing::info!(
                works,
                "learnt whether Webex lets roombot edit card messages"
            );
        }
    }
}

impl Ops {
    /// Closes the clicked card of `request`: edited into `closed` where edits work (tried once,
    /// then remembered), else deleted. With `closed` `None` it is deleted.
    pub(crate) async fn close_clicked(&self, request: &Request, closed: Option<Card>) {
        let Some(message) = &request.card_message else {
            return;
        };
        if let Some(card) = closed.filter(|_| !self.card_edits.refused()) {
            match self.edit_card(request, message, card).await {
                Ok(()) => return self.card_edits.learn(true),
                Err(Some(400)) => self.card_edits.learn(false),
                Err(status) => {
                    tracing::warn!(
                        ?status,
                        "could not edit a clicked card; deleting it instead"
                    )
                }
            }
        }
        match self.webex.delete_message(message).await {
            Ok(_) => {}
            // Gone already: an earlier attempt at this event deleted it.
            Err(error) if error.status() == Some(404) => {
                tracing::debug!(%error, "the clicked card is already gone");
            }
            Err(error) => tracing::warn!(%error, "could not delete a clicked card"),
        }
    }

    async fn edit_card(
        &self,
        request: &Request,
        message: &MessageId,
        card: Card,
    ) -> Result<(), Option<u16>> {
        let edit = MessageEdit {
            room_id: request.place.room_id.clone(),
            text: None,
            markdown: Some(card.fallback_markdown),
            attachments: vec![Attachment::adaptive_card(card.content)],
        };
        match self.webex.update_message(message, &edit).await {
            Ok(_) => Ok(()),
            Err(error) => Err(error.status()),
        }
    }
}

/// Whether `plan` ran (as `done` says) and changed something on devices.
pub(crate) fn changed_devices(plan: &Plan, done: &Done) -> bool {
    // Done, or failed on some calls but not all.
    let some_went_through = match (&done.audit.verdict, &done.audit.plan) {
        (Verdict::Done, _) => true,
        (Verdict::Failed, Some(summary)) => summary.failed < summary.calls,
        _ => false,
    };
    some_went_through
        && plan.calls.iter().any(|call| {
            matches!(
                call.op,
                Op::XapiCommand { .. }
                    | Op::ConfigSet { .. }
                    | Op::ConfigReset { .. }
                    | Op::SetTags { .. }
            )
        })
}
