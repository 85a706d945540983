//! Start-up of the websocket intake (`intake.mode = "websocket"`): warns when roombot's webhooks
//! also exist (every event would then arrive twice; dedupe keeps the actions single), starts
//! the intake, and mirrors its state into the `websocket` readiness check: ready only while the
//! socket is authorized.

use std::sync::Arc;

use secrecy::SecretString;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::Readiness;
use crate::bot::identity::BotIdentity;
use crate::bot::webhooks;
use crate::settings::Settings;
use crate::webex::WebexClient;
use crate::webhook::Intake;
use crate::webhook::websocket::handler::EventHandler;
use crate::webhook::websocket::session::Keepalive;
use crate::webhook::websocket::{Report, SocketConfig, SocketState, WebsocketIntake};

/// Readiness check: the websocket is authorized (websocket mode only).
pub(super) const WEBSOCKET: &str = "websocket";

/// The running websocket intake: set the sender to stop it (it deletes its registration).
pub(super) struct RunningSocket {
    pub stop: watch::Sender<bool>,
    pub task: JoinHandle<()>,
}

/// Starts the websocket intake for `me`, handing events to `intake`.
pub(super) fn start(
    settings: &Settings,
    webex: WebexClient,
    intake: Arc<Intake>,
    me: &BotIdentity,
    readiness: Arc<Readiness>,
) -> anyhow::Result<RunningSocket> {
    let token: SecretString = settings.require_token()?.clone();
    let config = SocketConfig {
        u2c_url: settings.webex.u2c_url.clone(),
        device_name: settings.intake.device_name.clone(),
        keepalive: Keepalive {
            ping_interval: settings.intake.ping_interval,
            pong_timeout: settings.intake.pong_timeout,
        },
        backoff: settings.intake.reconnect_backoff,
        backoff_max: settings.intake.reconnect_backoff_max,
        connect_timeout: settings.webex.timeout,
        proxy: settings.webex.proxy.clone(),
    };
    let report: Report = Arc::new(move |state: &SocketState| match state {
        SocketState::Authorized => readiness.passed(WEBSOCKET, state.to_string()),
        other => readiness.pending(WEBSOCKET, other.to_string()),
    });
    let handler = Arc::new(EventHandler::new(webex.clone(), intake, me.id.clone()));
    let socket = WebsocketIntake {
        client: webex,
        token,
        config,
        handler,
        report,
    };
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(socket.run(stopped));
    Ok(RunningSocket { stop, task })
}

/// Warns when roombot's webhooks exist too; the readiness detail of the `webhooks` check.
pub(super) async fn check_webhooks(webex: &WebexClient) -> String {
    match webhooks::list_ours(webex).await {
        Ok(ours) if ours.is_empty() => "not used (intake.mode = websocket)".to_owned(),
        Ok(ours) => {
            tracing::warn!(
                webhooks = ours.len(),
                "roombot's webhooks exist while intake.mode = websocket: every event arrives twice \
                 (dedupe keeps each action single); delete them with `roombot webhooks delete`"
            );
            format!(
                "not used (intake.mode = websocket); {} of roombot's webhooks still exist",
                ours.len()
            )
        }
        Err(error) => {
            tracing::warn!(%error, "could not check for roombot's webhooks");
            format!("not used (intake.mode = websocket); check failed: {error}")
        }
    }
}
