//! The bot's side of the event journal (see [`crate::store::Store::begin_action`]): a reply is
//! saved right before it is posted, so an event handled again after a crash or a failed post
//! posts that same reply instead of running its command again; and what a handling result means
//! for the event (done, retry later, or failed for good).

use chrono::DateTime;

use super::Bot;
use super::worker::Handled;
use crate::request::{MARKDOWN_LIMIT, Place, Reply, Request, truncate};
use crate::store::{JournaledReply, Ticket, now_ms};
use crate::webex::{MessageQuery, WebexError};

/// How far a posted copy's `created` may be before the journal's clock (clock skew).
const CLOCK_SKEW_MS: i64 = 30_000;
/// How many of the room's newest messages are searched for a posted copy.
const LOOK_BACK: u32 = 50;

impl Bot {
    /// On a later attempt at an event whose reply was saved: posts that reply unless it already
    /// landed, instead of handling the event again. `None` when there is no saved reply (the
    /// event is handled normally; its action gate still stops a repeated action).
    pub(crate) async fn finish_journaled(&self, ticket: Ticket) -> Option<Handled> {
        if ticket.attempt <= 1 {
            return None;
        }
        let journaled = match self.store.journaled_reply(ticket).await {
            Ok(found) => found?,
            Err(error) => return Some(Handled::Retry(format!("cannot read the journal: {error}"))),
        };
        match self.landed(&journaled).await {
            Ok(true) => {
                tracing::info!(
                    event = ticket.event,
                    "the saved reply was already posted; not posting it again"
                );
                return Some(Handled::Done);
            }
            Ok(false) => {}
            Err(error) => return Some(handled(Err(error))),
        }
        let place = Place {
            room_id: journaled.room_id,
            is_group: journaled.is_group,
            thread: journaled.thread,
        };
        let mut reply = Reply::text(journaled.markdown);
        reply.card = journaled.card;
        tracing::info!(
            event = ticket.event,
            "posting a reply saved by an earlier attempt"
        );
        Some(handled(self.post(&place, &reply).await.map(|_| ())))
    }

    /// Saves `reply` in the journal of the request's event, right before it is posted.
    pub(crate) async fn journal_reply(&self, request: &Request, reply: &Reply) {
        let Some(ticket) = request.ticket else {
            return;
        };
        let journaled = JournaledReply {
            room_id: request.place.room_id.clone(),
            is_group: request.place.is_group,
            thread: request.place.thread.clone(),
            markdown: reply.markdown.clone(),
            card: reply.card.clone(),
            at_ms: now_ms(),
        };
        if let Err(error) = self.store.journal_reply(ticket, &journaled).await {
            tracing::error!(%error, event = ticket.event, "could not save a reply in the journal; posting it anyway");
        }
    }

    /// Whether the journaled reply is already in its room: one of the bot's messages since it
    /// was saved with the same markdown and card. Webex lets a bot list messages only in 1:1
    /// spaces (in a group space only messages that mention it), so a group-space reply is never
    /// found and is posted again: exactly once in 1:1 spaces, at least once in group spaces.
    async fn landed(&self, journaled: &JournaledReply) -> Result<bool, WebexError> {
        if journaled.is_group {
            return Ok(false);
        }
        let mut query = MessageQuery::in_room(&journaled.room_id);
        query.max = Some(LOOK_BACK);
        let page = self.webex.list_messages(&query).first_page().await?;
        let markdown = truncate(&journaled.markdown, MARKDOWN_LIMIT);
        for message in page.items {
            let created_ms = message
                .created
                .as_deref()
                .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
                .map(|c| c.timestamp_millis());
            if created_ms.is_some_and(|c| c < journaled.at_ms - CLOCK_SKEW_MS) {
                break;
            }
            let ours = message.person_id.as_ref().map(|p| p.as_str()) == Some(self.me.id.as_str());
            let card = message
                .attachments
                .as_ref()
                .and_then(|a| a.first())
                .map(|a| &a.content);
            if ours
                && message.markdown.as_deref() == Some(&markdown)
                && card == journaled.card.as_ref()
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// What a handling result means for the event: done; another attempt later when Webex failed
/// in a passing way (no answer, a timeout, 429/423, 5xx); failed for good otherwise.
pub(crate) fn handled(result: Result<(), WebexError>) -> Handled {
    match result {
        Ok(()) => Handled::Done,
        Err(error) if is_transient(&error) => Handled::Retry(error.to_string()),
        Err(error) => Handled::Failed(error.to_string()),
    }
}

fn is_transient(error: &WebexError) -> bool {
    matches!(
        error,
        WebexError::Timeout { .. } | WebexError::Transport { .. }
    ) || matches!(error.status(), Some(423 | 429 | 500..=599))
}
