//! `GET /mercury/v1/registrations/{uuid}/messages`: the websocket. 404 before the upgrade when
//! the registration does not exist (stale). The first frame must be an `authorization` with a
//! valid token of the registration's owner (else close 4401, as is every authorization while
//! the refuse fault is on). Then every unacked event is sent again, new events as they happen,
//! pings are answered (late, or never, under the faults) and acks clear their events.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::super::error::ApiError;
use super::super::state::Shared;
use super::{Connection, Outgoing};

/// How long a new socket has to send its authorization.
const AUTHORIZATION_WAIT: Duration = Duration::from_secs(10);

/// The websocket route (outside the auth layer: authorization is in-band).
pub fn routes(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/mercury/v1/registrations/{uuid}/messages", get(upgrade))
        .with_state(shared)
}

async fn upgrade(
    State(shared): State<Arc<Shared>>,
    Path(uuid): Path<String>,
    ws: WebSocketUpgrade,
) -> Response {
    let exists = shared
        .mercury
        .lock()
        .registrations
        .iter()
        .any(|r| r.uuid == uuid);
    if !exists {
        return ApiError::not_found("Registration not found.").into_response();
    }
    ws.on_upgrade(move |socket| serve(shared, uuid, socket))
}

async fn serve(shared: Arc<Shared>, uuid: String, mut socket: WebSocket) {
    if !authorize(&shared, &uuid, &mut socket).await {
        shared.mercury.lock().refused += 1;
        let close = CloseFrame {
            code: 4401,
            reason: "Authorization Failed".into(),
        };
        let _ = socket.send(Message::Close(Some(close))).await;
        shared.changed();
        return;
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let Some(generation) = attach(&shared, &uuid, tx.clone()) else {
        return;
    };
    shared.changed();
    loop {
        tokio::select! {
            outgoing = rx.recv() => match outgoing {
                Some(Outgoing::Text(text)) => {
                    if socket.send(Message::text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Drop) | None => break,
            },
            inbound = socket.recv() => match inbound {
                Some(Ok(Message::Text(text))) => answer(&shared, &uuid, text.as_str(), &tx),
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
    detach(&shared, &uuid, generation);
}

/// Reads the authorization frame; `true` when it carries a valid token of the owner.
async fn authorize(shared: &Shared, uuid: &str, socket: &mut WebSocket) -> bool {
    let Ok(Some(Ok(Message::Text(text)))) =
        tokio::time::timeout(AUTHORIZATION_WAIT, socket.recv()).await
    else {
        return false;
    };
    let frame: Value = serde_json::from_str(text.as_str()).unwrap_or_default();
    let token = frame["data"]["token"]
        .as_str()
        .and_then(|t| t.strip_prefix("Bearer "))
        .unwrap_or_default();
    if frame["type"] != "authorization" || shared.mercury.lock().faults.refuse_authorization {
        return false;
    }
    let Some(caller) = shared.caller_for_token(token) else {
        return false;
    };
    let state = shared.mercury.lock();
    state
        .registrations
        .iter()
        .any(|r| r.uuid == uuid && r.owner == caller.person_id)
}

/// Makes this the registration's connection and queues its unacked events; its generation.
fn attach(shared: &Shared, uuid: &str, tx: mpsc::UnboundedSender<Outgoing>) -> Option<u64> {
    let mut state = shared.mercury.lock();
    let generation = state.number();
    state.authorized += 1;
    let registration = state.registrations.iter_mut().find(|r| r.uuid == uuid)?;
    // As Mercury does: the authorization accepted, then what was not acked before.
    let ready = json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "data": {"eventType": "mercury.buffer_state"},
    });
    let _ = tx.send(Outgoing::Text(ready.to_string()));
    for (_, frame) in &registration.unacked {
        let _ = tx.send(Outgoing::Text(frame.clone()));
    }
    if let Some(old) = registration
        .connection
        .replace(Connection { generation, tx })
    {
        let _ = old.tx.send(Outgoing::Drop);
    }
    Some(generation)
}

fn detach(shared: &Shared, uuid: &str, generation: u64) {
    let mut state = shared.mercury.lock();
    if let Some(registration) = state.registrations.iter_mut().find(|r| r.uuid == uuid)
        && registration
            .connection
            .as_ref()
            .is_some_and(|c| c.generation == generation)
    {
        registration.connection = None;
    }
    drop(state);
    shared.changed();
}

/// Answers a ping (under the pong faults) or records an ack.
fn answer(shared: &Arc<Shared>, uuid: &str, text: &str, tx: &mpsc::UnboundedSender<Outgoing>) {
    let frame: Value = serde_json::from_str(text).unwrap_or_default();
    match frame["type"].as_str() {
        Some("ping") => {
            let faults = shared.mercury.lock().faults.clone();
            if faults.no_pongs {
                return;
            }
            let pong = json!({"id": frame["id"], "type": "pong"}).to_string();
            match faults.pong_delay {
                None => {
                    let _ = tx.send(Outgoing::Text(pong));
                }
                Some(delay) => {
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        let _ = tx.send(Outgoing::Text(pong));
                    });
                }
            }
        }
        Some("ack") => {
            let Some(id) = frame["messageId"].as_str() else {
                return;
            };
            let mut state = shared.mercury.lock();
            if let Some(registration) = state.registrations.iter_mut().find(|r| r.uuid == uuid) {
                registration.unacked.retain(|(event, _)| event != id);
            }
            state.acked.push(id.to_owned());
            drop(state);
            shared.changed();
        }
        _ => {}
    }
}
