//! One open websocket, from authorization to its end: sends the authorization and a first ping
//! (its pong proves the socket is authorized), pings every `ping_interval`, treats silence of
//! `pong_timeout` after a ping as a dead socket, hands each event to the [`EventHandler`] in its
//! own task and sends the acks those tasks ask for. Close code 4401/4403 means Webex refused the
//! token.

use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

use super::connect::Socket;
use super::handler::EventHandler;
use super::protocol::{self, Inbound};

/// How one socket ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// Shutdown was asked for; the socket was closed.
    Stopped,
    /// Webex refused the token (close 4401 or 4403).
    Refused(String),
    /// The socket died; `authorized` says whether it had got that far.
    Lost { why: String, authorized: bool },
}

/// The keepalive timings.
#[derive(Debug, Clone, Copy)]
pub struct Keepalive {
    pub ping_interval: Duration,
    pub pong_timeout: Duration,
}

/// Runs the socket until it ends; `authorized` is called once the first pong arrives.
pub async fn serve(
    socket: Socket,
    token: &str,
    keepalive: Keepalive,
    handler: &Arc<EventHandler>,
    stop: &mut watch::Receiver<bool>,
    authorized: impl FnOnce(),
) -> Ended {
    let (mut sink, mut stream) = socket.split();
    let (acks, mut to_ack) = mpsc::unbounded_channel::<String>();
    let first_ping = uuid::Uuid::new_v4().to_string();
    for frame in [protocol::authorization(token), protocol::ping(&first_ping)] {
        if let Err(error) = sink.send(Message::text(frame)).await {
            return lost(format!("could not send the authorization: {error}"), false);
        }
    }
    let mut on_authorized = Some(authorized);
    let mut ping_sent: Option<Instant> = Some(Instant::now());
    let mut next_ping = Instant::now() + keepalive.ping_interval;
    loop {
        let silence_ends = ping_sent.map(|at| at + keepalive.pong_timeout);
        let wake = silence_ends.map_or(next_ping, |end| end.min(next_ping));
        let is_authorized = on_authorized.is_none();
        tokio::select! {
            _ = stop.changed() => {
                let _ = sink.send(Message::Close(None)).await;
                return Ended::Stopped;
            }
            Some(id) = to_ack.recv() => {
                if let Err(error) = sink.send(Message::text(protocol::ack(&id))).await {
                    return lost(format!("could not send an ack: {error}"), is_authorized);
                }
            }
            () = tokio::time::sleep_until(wake) => {
                if silence_ends.is_some_and(|end| Instant::now() >= end) {
                    let why = format!("no answer to a ping within {:?}", keepalive.pong_timeout);
                    return lost(why, is_authorized);
                }
                let id = uuid::Uuid::new_v4().to_string();
                if let Err(error) = sink.send(Message::text(protocol::ping(&id))).await {
                    return lost(format!("could not send a ping: {error}"), is_authorized);
                }
                // Silence counts from the oldest unanswered ping.
                ping_sent.get_or_insert_with(Instant::now);
                next_ping = Instant::now() + keepalive.ping_interval;
            }
            frame = stream.next() => {
                // Any frame proves the socket alive.
                ping_sent = None;
                let text = match frame {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(close))) => return closed(close, is_authorized),
                    Some(Ok(_)) => continue,
                    Some(Err(error)) => return lost(format!("the socket failed: {error}"), is_authorized),
                    None => return lost("the socket ended".into(), is_authorized),
                };
                match protocol::parse(text.as_str()) {
                    Inbound::Pong => {
                        if let Some(authorized) = on_authorized.take() {
                            authorized();
                        }
                    }
                    Inbound::Event { id, activity } => {
                        let (handler, acks) = (handler.clone(), acks.clone());
                        tokio::spawn(async move {
                            if handler.handle(activity).await {
                                let _ = acks.send(id);
                            }
                        });
                    }
                    Inbound::Other => {}
                }
            }
        }
    }
}

fn lost(why: String, authorized: bool) -> Ended {
    Ended::Lost { why, authorized }
}

/// A close frame: 4401/4403 refuse the token; anything else is a lost socket.
fn closed(close: Option<CloseFrame>, authorized: bool) -> Ended {
    let Some(close) = close else {
        return lost("Webex closed the socket".into(), authorized);
    };
    let code = u16::from(close.code);
    let why = format!("Webex closed the socket ({code} {})", close.reason);
    match code {
        4401 | 4403 => Ended::Refused(why),
        _ => lost(why, authorized),
    }
}
