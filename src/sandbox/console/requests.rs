//! `GET /_sandbox/requests?since=N[&who=bot]`: the sandbox request log as the chat page polls it.
//! Each entry carries its position (`seq`) in the log; the answer's `next` is what to ask for
//! next time. When the log was cleared since (`since` beyond its end) the answer starts over
//! from the beginning and says `reset: true`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::sandbox::faults::Fault;
use crate::sandbox::request_log::LoggedRequest;
use crate::sandbox::state::Shared;

/// At most this many entries per answer (the page asks again from `next`).
pub const MAX_ENTRIES: usize = 500;

/// The query of `GET /_sandbox/requests`.
#[derive(Debug, Default, Deserialize)]
pub struct RequestsQuery {
    /// First log position wanted (0 when absent).
    #[serde(default)]
    pub since: usize,
    /// `bot` keeps only the bot's own calls; anything else (or nothing) keeps every call.
    #[serde(default)]
    pub who: Option<String>,
}

/// Handler of `GET /_sandbox/requests`.
pub async fn list(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<RequestsQuery>,
) -> Json<Value> {
    let bot_email = shared.bot().email.clone();
    let log = shared.log.lock().unwrap_or_else(|e| e.into_inner());
    Json(page(&log, &bot_email, &query))
}

/// One answer: entries from `query.since` (at most [`MAX_ENTRIES`]), `next` and `reset`.
pub fn page(log: &[LoggedRequest], bot_email: &str, query: &RequestsQuery) -> Value {
    let reset = query.since > log.len();
    let start = if reset { 0 } else { query.since };
    let end = log.len().min(start + MAX_ENTRIES);
    let only_bot = query.who.as_deref() == Some("bot");
    let items: Vec<Value> = log[start..end]
        .iter()
        .enumerate()
        .map(|(i, r)| (start + i, r))
        .filter(|(_, r)| !only_bot || r.caller_email.as_deref() == Some(bot_email))
        .map(|(seq, r)| entry(seq, r, bot_email))
        .collect();
    json!({ "next": end, "reset": reset, "items": items })
}

fn entry(seq: usize, request: &LoggedRequest, bot_email: &str) -> Value {
    json!({
        "seq": seq,
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "status": request.status,
        "caller": request.caller_email,
        "token": request.token.as_ref().map(|t| t.kind.as_str()),
        "bot": request.caller_email.as_deref() == Some(bot_email),
        "fault": request.fault.as_ref().map(describe_fault),
        "delayMs": u64::try_from(request.delay.as_millis()).unwrap_or(u64::MAX),
    })
}

/// A fault in a few words, as the page shows it next to the call.
fn describe_fault(fault: &Fault) -> String {
    match fault {
        Fault::RateLimited { retry_after_secs } => {
            format!("injected 429, Retry-After {retry_after_secs} s")
        }
        Fault::ServerError(status) => format!("injected {status}"),
        Fault::Dropped => "connection dropped (injected)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn logged(path: &str, caller: Option<&str>, fault: Option<Fault>) -> LoggedRequest {
        LoggedRequest {
            method: "GET".into(),
            path: path.into(),
            query: None,
            body: None,
            status: if fault.is_some() { 503 } else { 200 },
            caller_email: caller.map(str::to_owned),
            token: None,
            fault,
            delay: Duration::from_millis(12),
        }
    }

    fn log() -> Vec<LoggedRequest> {
        vec![
            logged("/v1/people/me", Some("bot@x"), None),
            logged("/v1/messages", Some("oscar@x"), None),
            logged(
                "/v1/xapi/status",
                Some("bot@x"),
                Some(Fault::ServerError(503)),
            ),
        ]
    }

    #[test]
    fn since_skips_what_was_seen_and_who_bot_keeps_the_bots_calls() {
        let query = RequestsQuery {
            since: 1,
            who: Some("bot".into()),
        };
        let answer = page(&log(), "bot@x", &query);
        assert_eq!(answer["next"], 3);
        assert_eq!(answer["reset"], false);
        let items = answer["items"].as_array().expect("items");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["seq"], 2);
        assert_eq!(items[0]["path"], "/v1/xapi/status");
        assert_eq!(items[0]["fault"], "injected 503");
        assert_eq!(items[0]["delayMs"], 12);
    }

    #[test]
    fn a_cleared_log_starts_over_and_says_so() {
        let query = RequestsQuery {
            since: 10,
            who: None,
        };
        let answer = page(&log(), "bot@x", &query);
        assert_eq!(answer["reset"], true);
        assert_eq!(answer["items"].as_array().map(Vec::len), Some(3));
        assert_eq!(answer["items"][1]["bot"], false);
    }
}
