//! Replies that arrive. `POST /messages` is not idempotent: after a 5xx, a timeout or a broken
//! connection Webex may have posted the message anyway. So [`WebexClient::deliver_message`] first
//! looks for it (the author's latest messages in that room, or in the thread) and posts again only
//! when it is not there, until the retry deadline. A message that cannot be delivered ends as
//! [`WebexError::Undelivered`] with every trackingId tried, and one error log line.
//!
//! Where Webex does not let the bot list messages (group spaces, where a bot may list only
//! messages that mention it, and direct messages by person), the check is impossible: the message
//! is posted again, so a reply may then arrive twice rather than never.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use super::client::WebexClient;
use super::error::WebexError;
use super::ids::PersonId;
use super::messages::{Message, MessageQuery, NewMessage};
use super::retry;

/// How many of the latest messages are searched for one that landed.
const LOOK_BACK: u32 = 20;
/// Clock difference tolerated between us and Webex when reading a message's `created`.
const CLOCK_SKEW: Duration = Duration::from_secs(60);

/// What a search for a posted message found.
#[derive(Debug)]
enum Search {
    /// The message is there.
    Landed(Box<Message>),
    /// The message is not among the latest ones: post it.
    Absent,
    /// Webex does not let us look (a group space, a direct message by person): post it.
    Unverifiable,
    /// The deadline passed, or Webex refused the search (the error, if any).
    GaveUp(Option<WebexError>),
}

/// One delivery in progress: what is sent, by whom, since when, until when.
struct Delivery<'a> {
    message: &'a NewMessage,
    author: &'a PersonId,
    /// Messages created before this cannot be ours.
    since: DateTime<Utc>,
    deadline: Instant,
    /// False once Webex refused a search (a group space): later rounds only wait and post.
    searchable: bool,
}

impl<'a> Delivery<'a> {
    fn new(message: &'a NewMessage, author: &'a PersonId, deadline: Instant) -> Self {
        Self {
            message,
            author,
            since: Utc::now() - CLOCK_SKEW,
            deadline,
            searchable: true,
        }
    }
}

impl WebexClient {
    /// Posts `message` (written by `author`, the bot) so that it lands once where Webex lets us
    /// check, and at least once elsewhere, trying until the retry deadline.
    #[tracing::instrument(skip(self, message, author), fields(room = ?message.room_id))]
    pub async fn deliver_message(
        &self,
        message: &NewMessage,
        author: &PersonId,
    ) -> Result<Message, WebexError> {
        let mut delivery = Delivery::new(message, author, retry::deadline(self.config()));
        let mut tracking_ids = Vec::new();
        let mut round = 1;
        loop {
            let error = match self.create_message(message).await {
                Ok(posted) => return Ok(posted),
                Err(error) => error,
            };
            tracking_ids.extend(error.tracking_id().map(str::to_owned));
            if !may_have_run(&error) {
                return Err(undelivered(message, tracking_ids, error));
            }
            tracing::warn!(%error, round, "reply may not have been posted; looking for it");
            match self.search_until(&delivery, round).await {
                Search::Landed(found) => {
                    tracing::info!(message = %found.id, "the reply had been posted after all");
                    return Ok(*found);
                }
                Search::Absent => round += 1,
                Search::Unverifiable => {
                    tracing::warn!("Webex does not let the bot look here; posting the reply again");
                    delivery.searchable = false;
                    round += 1;
                }
                Search::GaveUp(search_error) => {
                    let ids = search_error.as_ref().and_then(WebexError::tracking_id);
                    tracking_ids.extend(ids.map(str::to_owned));
                    return Err(undelivered(message, tracking_ids, error));
                }
            }
        }
    }

    /// Waits a backoff step, then searches (unless the place is unsearchable); a failed search
    /// is repeated until the deadline.
    async fn search_until(&self, delivery: &Delivery<'_>, round: u32) -> Search {
        let mut step = round;
        let mut last_error = None;
        loop {
            let wait = self.backoff(step);
            if Instant::now() + wait >= delivery.deadline {
                return Search::GaveUp(last_error);
            }
            tokio::time::sleep(wait).await;
            if !delivery.searchable {
                return Search::Unverifiable;
            }
            match self.search(delivery).await {
                Ok(found) => return found,
                Err(error) if is_final(&error) => return Search::GaveUp(Some(error)),
                Err(error) => {
                    tracing::warn!(%error, "could not look for the reply; trying again");
                    last_error = Some(error);
                    step += 1;
                }
            }
        }
    }

    /// Looks for the message among its author's latest messages in its room (or thread).
    async fn search(&self, delivery: &Delivery<'_>) -> Result<Search, WebexError> {
        let message = delivery.message;
        let Some(room) = &message.room_id else {
            return Ok(Search::Unverifiable);
        };
        let query = MessageQuery {
            parent_id: message.parent_id.clone(),
            max: Some(LOOK_BACK),
            ..MessageQuery::in_room(room)
        };
        let page = match self.list_messages(&query).first_page().await {
            Ok(page) => page,
            Err(error) if error.status() == Some(403) => return Ok(Search::Unverifiable),
            Err(error) => return Err(error),
        };
        let found = page
            .items
            .into_iter()
            .find(|m| is_same(m, message, delivery.author, delivery.since));
        Ok(found.map_or(Search::Absent, |m| Search::Landed(Box::new(m))))
    }
}

/// Whether `candidate` is `sent`, as posted by `author` no earlier than `since`.
fn is_same(
    candidate: &Message,
    sent: &NewMessage,
    author: &PersonId,
    since: DateTime<Utc>,
) -> bool {
    let recent = candidate
        .created
        .as_deref()
        .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
        .is_none_or(|created| created >= since);
    let content = match (&sent.markdown, &sent.text) {
        (Some(markdown), _) => candidate.markdown.as_ref() == Some(markdown),
        (None, Some(text)) => candidate.text.as_ref() == Some(text),
        (None, None) => false,
    };
    recent
        && content
        && candidate.person_id.as_ref() == Some(author)
        && candidate.parent_id == sent.parent_id
}

/// Whether Webex may have run the failed `POST`: a 5xx, a timeout, a broken connection.
fn may_have_run(error: &WebexError) -> bool {
    match error {
        WebexError::Api(api) => api.status >= 500,
        WebexError::Timeout { .. } => true,
        WebexError::Transport { source, .. } => !source.is_connect(),
        _ => false,
    }
}

/// A search error that another try will not fix (4xx other than rate limits).
fn is_final(error: &WebexError) -> bool {
    error
        .status()
        .is_some_and(|s| (400..500).contains(&s) && !matches!(s, 408 | 423 | 429))
}

fn undelivered(message: &NewMessage, tracking_ids: Vec<String>, last: WebexError) -> WebexError {
    let destination = message
        .room_id
        .as_ref()
        .map(|r| format!("room {r}"))
        .or_else(|| message.to_person_id.as_ref().map(|p| format!("person {p}")))
        .unwrap_or_else(|| "a person by email".to_owned());
    tracing::error!(
        destination = %destination, tracking_ids = %tracking_ids.join(","), error = %last,
        "reply could not be delivered"
    );
    WebexError::Undelivered {
        destination,
        tracking_ids,
        last: Box::new(last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webex::{MessageId, RoomId};

    fn candidate(markdown: &str, created: &str, parent: Option<&str>) -> Message {
        serde_json::from_value(serde_json::json!({
            "id": "M1", "personId": "BOT", "markdown": markdown, "created": created,
            "parentId": parent, "roomId": "R1"
        }))
        .expect("a message")
    }

    #[test]
    fn a_landed_message_matches_by_author_content_thread_and_time() {
        let since = DateTime::parse_from_rfc3339("2026-01-01T10:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let sent = NewMessage::to_room(&RoomId::from("R1")).markdown("Volume set to 40");
        let bot = PersonId::from("BOT");
        let at = "2026-01-01T10:00:05.000Z";
        assert!(is_same(
            &candidate("Volume set to 40", at, None),
            &sent,
            &bot,
            since
        ));
        assert!(!is_same(
            &candidate("Volume set to 41", at, None),
            &sent,
            &bot,
            since
        ));
        assert!(!is_same(
            &candidate("Volume set to 40", at, None),
            &sent,
            &PersonId::from("P"),
            since
        ));
        let old = "2026-01-01T09:59:59.000Z";
        assert!(!is_same(
            &candidate("Volume set to 40", old, None),
            &sent,
            &bot,
            since
        ));
        let threaded = sent.clone().in_thread(&MessageId::from("T1"));
        assert!(!is_same(
            &candidate("Volume set to 40", at, None),
            &threaded,
            &bot,
            since
        ));
        assert!(is_same(
            &candidate("Volume set to 40", at, Some("T1")),
            &threaded,
            &bot,
            since
        ));
    }
}
