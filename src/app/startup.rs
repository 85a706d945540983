//! Start-up work that needs Webex, run while the server already answers: learning who the bot is
//! (then the bot is wired and deliveries are accepted), the webhook sync when
//! `server.sync_webhooks_on_start` is set, and the webhook watchdog. Each step updates a
//! readiness check (`webex`, `webhooks`). Also the shutdown signal.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::task::JoinHandle;

use super::{BotIdentity, Readiness, Wired, socket, wire};
use crate::access::AccessPolicy;
use crate::bot::{Bot, identity, webhooks};
use crate::metrics::Metrics;
use crate::ops::Ops;
use crate::settings::{IntakeMode, Settings};
use crate::store::Store;
use crate::webex::WebexClient;

/// How often `serve` checks that Webex has not disabled our webhooks.
const WATCHDOG_EVERY: Duration = Duration::from_secs(60);

/// Readiness check: the bot's identity is known (Webex answered).
const WEBEX: &str = "webex";
/// Readiness check: roombot's webhooks are synced (or not managed by it).
const WEBHOOKS: &str = "webhooks";

/// What start-up needs, prepared (and checked) before the server binds.
pub(super) struct Startup {
    settings: Settings,
    webex: WebexClient,
    store: Store,
    metrics: Arc<Metrics>,
    responder: Arc<Ops>,
}

impl Startup {
    /// The Webex client, the store and the command layer; fails on bad settings or store.
    pub(super) async fn prepare(settings: Settings, metrics: Arc<Metrics>) -> anyhow::Result<Self> {
        let webex = identity::client(&settings, metrics.clone())?;
        if settings.server.sync_webhooks_on_start {
            public_url(&settings)?;
        }
        let store = Store::open(&settings.store.path).with_context(|| {
            format!(
                "cannot open the store {} (store.path)",
                settings.store.path.display()
            )
        })?;
        let admin = identity::admin_client_kept(&settings, metrics.clone(), &store).await?;
        let responder = Arc::new(Ops::new(&settings, webex.clone(), admin, store.clone())?);
        Ok(Self {
            settings,
            webex,
            store,
            metrics,
            responder,
        })
    }

    /// `GET /oauth/callback` for the admin sign-in, when an admin credential is configured.
    pub(super) fn login_routes(&self) -> Option<axum::Router> {
        self.settings.webex.admin.as_ref()?;
        let redirect = crate::bot::auth::redirect_uri(&self.settings);
        let login = super::login::Login::new(self.settings.clone(), self.store.clone(), redirect);
        Some(super::login::routes(login))
    }

    /// Registers the checks this start-up will pass.
    pub(super) fn announce(&self, readiness: &Readiness) {
        readiness.pending(WEBEX, "identity not known yet (GET /people/me)");
        readiness.pending(WEBHOOKS, "not checked yet");
        if self.settings.intake.mode == IntakeMode::Websocket {
            readiness.pending(socket::WEBSOCKET, "not connected yet");
        }
    }

    /// In websocket mode: checks the webhooks (a warning if roombot's exist) and starts the
    /// websocket intake; `None` in webhook mode.
    pub(super) async fn websocket(
        &self,
        readiness: &Arc<Readiness>,
        intake: Arc<crate::webhook::Intake>,
        me: &BotIdentity,
    ) -> anyhow::Result<Option<socket::RunningSocket>> {
        if self.settings.intake.mode != IntakeMode::Websocket {
            return Ok(None);
        }
        readiness.passed(WEBHOOKS, socket::check_webhooks(&self.webex).await);
        let webex = self.webex.clone();
        let running = socket::start(&self.settings, webex, intake, me, readiness.clone())?;
        Ok(Some(running))
    }

    /// Learns who the bot is (retrying transient failures without end) and wires the bot. The
    /// caller serves the intake, then marks the identity known with [`Self::identified`].
    pub(super) async fn wire(&self, readiness: &Readiness) -> anyhow::Result<(Wired, BotIdentity)> {
        let me = identity::who_am_i(&self.webex, |error| {
            readiness.pending(WEBEX, format!("GET /people/me failed, retrying: {error}"));
        })
        .await?;
        tracing::info!(bot = %me.display_name, id = %me.id, "bot identity");
        let bot = self.bot(&me);
        let store = self.store.clone();
        let metrics = self.metrics.clone();
        let wired = wire(&self.settings, &me, store, bot.handler(), metrics).await?;
        Ok((wired, me))
    }

    /// Passes the `webex` check: the bot knows who it is and its intake is served.
    pub(super) fn identified(&self, readiness: &Readiness, me: &BotIdentity) {
        readiness.passed(WEBEX, format!("identity known: {}", me.display_name));
    }

    /// Syncs the webhooks when configured (retrying transient failures without end), else checks
    /// once that none was disabled while roombot was down; then starts the watchdog, returned.
    pub(super) async fn webhooks(&self, readiness: &Readiness) -> anyhow::Result<JoinHandle<()>> {
        if self.settings.server.sync_webhooks_on_start {
            let target = webhooks::target_url(public_url(&self.settings)?);
            let secret = self
                .settings
                .webex
                .webhook_secret
                .as_ref()
                .context("webex.webhook_secret is not set")?;
            let report = webhooks::sync_patiently(&self.webex, &target, secret, |error| {
                readiness.pending(WEBHOOKS, format!("sync failed, retrying: {error}"));
            })
            .await
            .context("cannot sync roombot's webhooks")?;
            tracing::info!(?report, "webhooks synced");
            readiness.passed(WEBHOOKS, "synced");
        } else {
            // Not managed here, but re-activate any Webex disabled while roombot was down.
            let detail = match webhooks::reactivate_inactive(&self.webex).await {
                Ok(_) => "checked; not synced (server.sync_webhooks_on_start = false)".to_owned(),
                Err(error) => {
                    tracing::warn!(%error, "could not check roombot's webhooks");
                    format!(
                        "not synced (server.sync_webhooks_on_start = false); check failed: {error}"
                    )
                }
            };
            readiness.passed(WEBHOOKS, detail);
        }
        Ok(tokio::spawn(webhooks::watchdog(
            self.webex.clone(),
            WATCHDOG_EVERY,
        )))
    }

    fn bot(&self, me: &BotIdentity) -> Arc<Bot> {
        self.responder.know_bot(me.id.clone());
        Arc::new(
            Bot::new(
                self.webex.clone(),
                me.clone(),
                self.store.clone(),
                AccessPolicy::new(self.settings.access.clone()),
                self.settings.bot.cache_ttl,
                self.responder.clone(),
                self.metrics.clone(),
            )
            .event_deadline(self.settings.bot.event_deadline),
        )
    }
}

fn public_url(settings: &Settings) -> anyhow::Result<&url::Url> {
    settings.server.public_url.as_ref().context(
        "server.sync_webhooks_on_start needs server.public_url (ROOMBOT__SERVER__PUBLIC_URL)",
    )
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received; finishing in-flight requests"),
        () = terminate => tracing::info!("SIGTERM received; finishing in-flight requests"),
    }
}
