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

type Sink = futures::stream::SplitSink<Socket, Message>;

/// One socket's keepalive and authorization state.
struct Live<A: FnOnce()> {
    sink: Sink,
    keepalive: Keepalive,
    /// Called on the first pong; `None` once authorized.
    on_authorized: Option<A>,
    /// The oldest ping not answered by any frame yet.
    ping_sent: Option<Instant>,
    next_ping: Instant,
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
    let (sink, mut stream) = socket.split();
    let (acks, mut to_ack) = mpsc::unbounded_channel::<String>();
    let mut live = Live {
        sink,
        keepalive,
        on_authorized: Some(authorized),
        ping_sent: None,
        // The first ping waits for Mercury's ready notice (or, failing that, an interval).
        next_ping: Instant::now() + keepalive.ping_interval,
    };
    if let Err(error) = live.send(protocol::authorization(token)).await {
        return lost(format!("could not send the authorization: {error}"), false);
    }
    loop {
        let wake = live.wake_at();
        let ended = tokio::select! {
            _ = stop.changed() => {
                let _ = live.sink.send(Message::Close(None)).await;
                Some(Ended::Stopped)
            }
            Some(id) = to_ack.recv() => live.send_or_lose(protocol::ack(&id), "an ack").await,
            () = tokio::time::sleep_until(wake) => live.keep_alive().await,
            frame = stream.next() => live.frame(frame, handler, &acks),
        };
        if let Some(ended) = ended {
            return ended;
        }
    }
}

impl<A: FnOnce()> Live<A> {
    fn authorized(&self) -> bool {
        self.on_authorized.is_none()
    }

    async fn send(&mut self, text: String) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        self.sink.send(Message::text(text)).await
    }

    async fn send_or_lose(&mut self, text: String, what: &str) -> Option<Ended> {
        let error = self.send(text).await.err()?;
        Some(lost(
            format!("could not send {what}: {error}"),
            self.authorized(),
        ))
    }

    /// The next ping, or the end of the silence allowed after the oldest unanswered one.
    fn wake_at(&self) -> Instant {
        let silence_ends = self.ping_sent.map(|at| at + self.keepalive.pong_timeout);
        silence_ends.map_or(self.next_ping, |end| end.min(self.next_ping))
    }

    /// At a wake-up: the socket is dead after too long a silence, else a ping is due.
    async fn keep_alive(&mut self) -> Option<Ended> {
        let now = Instant::now();
        if self
            .ping_sent
            .is_some_and(|at| now >= at + self.keepalive.pong_timeout)
        {
            let why = format!(
                "no answer to a ping within {:?}",
                self.keepalive.pong_timeout
            );
            return Some(lost(why, self.authorized()));
        }
        let ping = protocol::ping(&uuid::Uuid::new_v4().to_string());
        let ended = self.send_or_lose(ping, "a ping").await;
        self.ping_sent.get_or_insert(now);
        self.next_ping = now + self.keepalive.ping_interval;
        ended
    }

    /// A frame from Webex: any frame proves the socket alive; Mercury's ready notice brings the
    /// first ping forward, and a pong authorizes it; an event
    /// goes to the handler in its own task, which asks for the ack when done.
    fn frame(
        &mut self,
        frame: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
        handler: &Arc<EventHandler>,
        acks: &mpsc::UnboundedSender<String>,
    ) -> Option<Ended> {
        self.ping_sent = None;
        let text = match frame {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(close))) => return Some(closed(close, self.authorized())),
            Some(Ok(_)) => return None,
            Some(Err(error)) => {
                return Some(lost(
                    format!("the socket failed: {error}"),
                    self.authorized(),
                ));
            }
            None => return Some(lost("the socket ended".into(), self.authorized())),
        };
        match protocol::parse(text.as_str()) {
            Inbound::Pong => {
                if let Some(authorized) = self.on_authorized.take() {
                    authorized();
                }
            }
            // Mercury took the authorization: ping at once, as Cisco's JS SDK does; the pong
            // proves the socket authorized.
            Inbound::Ready => self.next_ping = Instant::now(),
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
        None
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
