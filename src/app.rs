//! The HTTP application: builds the router and its state from [`Settings`], binds the listener and
//! serves (see [`serve`]) until a shutdown signal, finishing in-flight requests first.
//!
//! Wires intake → store → queue → workers, the feeder that replays stored events, and the
//! store's watch and pruning.
//!
//! Start-up that needs Webex (who the bot is, the webhook sync) runs while the server already
//! answers: `/healthz` says alive, `/readyz` answers 503 naming what is pending, and webhook
//! deliveries get 503 until the bot knows who it is. Transient Webex failures are retried with
//! backoff; a rejected token stops roombot with an error.

pub mod login;
mod readiness;
mod serve;
mod socket;
mod startup;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::bot::identity::BotIdentity;
use crate::bot::worker::{self, Handler, Outcomes};
use crate::metrics::Metrics;
use crate::settings::{IntakeMode, Settings};
use crate::store::{Retention, Store, prune_every};
use crate::webhook::dedupe::Deduper;
use crate::webhook::{Intake, queue};
pub use readiness::Readiness;
pub use serve::{Routes, ServerLimits};
use startup::Startup;
pub use startup::shutdown_signal;

/// How often the store is checked (an error line when it stops being usable).
const STORE_WATCH_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
/// How often old rows are pruned from the store.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// A bound, ready-to-run roombot server.
pub struct Application {
    /// Taken by the server when it runs.
    listener: Option<TcpListener>,
    addr: SocketAddr,
    routes: Routes,
    limits: ServerLimits,
    readiness: Arc<Readiness>,
    metrics: Arc<Metrics>,
    /// Start-up still to do once serving (`build`); `None` when built ready (`build_with`).
    startup: Option<Startup>,
    /// `GET /oauth/callback`, when an admin credential is configured (`build`).
    login: Option<Router>,
    /// Tasks that must finish after the server stops (drainer, workers, ledger writer).
    background: Vec<JoinHandle<()>>,
    /// Tasks that run forever and are simply stopped at shutdown (the webhook watchdog).
    chores: Vec<JoinHandle<()>>,
    /// The websocket intake (websocket mode): stopped first at shutdown.
    socket: Option<socket::RunningSocket>,
}

/// The bot side, wired: the intake for the router, and the tasks behind it.
struct Wired {
    intake: Arc<Intake>,
    background: Vec<JoinHandle<()>>,
    /// The store's pruning timer and watch: stopped at shutdown.
    chores: Vec<JoinHandle<()>>,
    /// Probed by `/readyz`.
    store: Store,
}

impl Application {
    /// Builds the production application and binds `server.listen`. Nothing here waits for
    /// Webex: who the bot is and the webhook sync are learnt in [`Self::run_until_stopped`].
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        settings.require_serving()?;
        let metrics = Arc::new(Metrics::default());
        let startup = Startup::prepare(settings.clone(), metrics.clone()).await?;
        let login = startup.login_routes();
        let mut app = Self::bind(&settings, metrics, login).await?;
        startup.announce(&app.readiness);
        app.startup = Some(startup);
        Ok(app)
    }

    /// Builds the application for a known bot identity and event handler, binds
    /// `settings.server.listen` (port 0 picks a free port) and starts the workers: ready at once
    /// in webhook mode; in websocket mode it starts the websocket intake too, and is ready once
    /// the socket is authorized.
    pub async fn build_with(
        settings: &Settings,
        identity: &BotIdentity,
        store: Store,
        handler: Handler,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Self> {
        let mut app = Self::bind(settings, metrics.clone(), None).await?;
        let wired = wire(settings, identity, store, handler, metrics.clone()).await?;
        let intake = wired.intake.clone();
        app.install(wired);
        if settings.intake.mode == IntakeMode::Websocket {
            // Ready once the socket is authorized.
            app.readiness
                .pending(socket::WEBSOCKET, "not connected yet");
            let webex = crate::bot::identity::client(settings, metrics)?;
            let readiness = app.readiness.clone();
            app.socket = Some(socket::start(settings, webex, intake, identity, readiness)?);
        }
        Ok(app)
    }

    /// Binds the listener and serves the start-up routes (health, readiness, metrics).
    async fn bind(
        settings: &Settings,
        metrics: Arc<Metrics>,
        login: Option<Router>,
    ) -> anyhow::Result<Self> {
        let limits = ServerLimits::from_settings(&settings.server);
        let readiness = Arc::new(Readiness::default());
        let routes = Routes::default();
        routes.set(router(None, &metrics, &readiness, &limits, login.clone()));
        let listener = serve::bind(settings.server.listen).await.map_err(|e| {
            anyhow::anyhow!(
                "cannot listen on {} (server.listen): {e}",
                settings.server.listen
            )
        })?;
        let addr = listener.local_addr()?;
        Ok(Self {
            listener: Some(listener),
            addr,
            routes,
            limits,
            readiness,
            metrics,
            startup: None,
            login,
            background: Vec::new(),
            chores: Vec::new(),
            socket: None,
        })
    }

    /// Serves the wired bot's intake from now on.
    fn install(&mut self, wired: Wired) {
        let routes = router(
            Some(wired.intake),
            &self.metrics,
            &self.readiness,
            &self.limits,
            self.login.clone(),
        );
        self.routes.set(routes);
        self.background.extend(wired.background);
        self.chores.extend(wired.chores);
        self.readiness.probe_store(wired.store);
    }

    /// The address the server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port the server is bound to.
    pub fn port(&self) -> u16 {
        self.local_addr().port()
    }

    /// The readiness checks behind `/readyz` (wait on them before sending deliveries).
    pub fn readiness(&self) -> Arc<Readiness> {
        self.readiness.clone()
    }

    /// Serves until `shutdown` completes, finishing start-up on the way (an error there, such
    /// as a rejected token, stops the server and is returned). Then waits for in-flight requests
    /// and lets the workers finish the queued events and the ledger writer flush.
    pub async fn run_until_stopped(
        mut self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        tracing::info!(address = %self.addr, "roombot is listening");
        let (fail, failed) = oneshot::channel::<()>();
        let stop = async move {
            tokio::select! {
                () = shutdown => {}
                _ = failed => {}
            }
        };
        let listener = self.listener.take().context("the server runs once")?;
        let routes = self.routes.clone();
        let mut server = tokio::spawn(serve::serve(listener, routes, self.limits.clone(), stop));
        if let Some(startup) = self.startup.take() {
            let outcome = tokio::select! {
                started = self.start_up(&startup) => Some(started),
                _ = &mut server => None,
            };
            match outcome {
                // Stopped while starting.
                None => return self.finish().await,
                Some(Ok(())) => {}
                Some(Err(error)) => {
                    let _ = fail.send(());
                    let _ = server.await;
                    let _ = self.finish().await;
                    return Err(error);
                }
            }
        }
        let _ = server.await;
        self.finish().await
    }

    /// Learns who the bot is, serves its intake, then syncs or checks the webhooks.
    async fn start_up(&mut self, startup: &Startup) -> anyhow::Result<()> {
        let readiness = self.readiness.clone();
        let (wired, me) = startup.wire(&readiness).await?;
        let intake = wired.intake.clone();
        self.install(wired);
        startup.identified(&readiness, &me);
        if let Some(socket) = startup.websocket(&readiness, intake, &me).await? {
            self.socket = Some(socket);
            return Ok(());
        }
        let watchdog = startup.webhooks(&readiness).await?;
        self.chores.push(watchdog);
        Ok(())
    }

    /// After the server stopped: drops the intake so the workers finish the queued events, the
    /// drainer and the ledger writer flush and end.
    async fn finish(mut self) -> anyhow::Result<()> {
        self.routes.set(Router::new());
        // The socket holds the intake: it ends (and deletes its registration) before the workers.
        if let Some(socket) = self.socket.take() {
            let _ = socket.stop.send(true);
            if let Err(error) = socket.task.await {
                tracing::error!(%error, "the websocket intake panicked");
            }
        }
        for chore in &self.chores {
            chore.abort();
        }
        for task in self.background {
            if let Err(error) = task.await {
                match error.is_panic() {
                    true => tracing::error!(%error, "a background task panicked"),
                    false => tracing::error!(%error, "a background task was cancelled"),
                }
            }
        }
        tracing::info!("roombot stopped");
        Ok(())
    }
}

/// Starts the bot side for `identity`: the store's pruning and watch, then intake → store →
/// queue → workers, and the feeder that hands stored events (new, or left from before a crash)
/// to the queue.
async fn wire(
    settings: &Settings,
    identity: &BotIdentity,
    store: Store,
    handler: Handler,
    metrics: Arc<Metrics>,
) -> anyhow::Result<Wired> {
    let secret = match (&settings.webex.webhook_secret, settings.intake.mode) {
        (Some(secret), _) => secret.clone(),
        // Without a secret no delivery is signed right: the webhook route refuses them all.
        (None, IntakeMode::Websocket) => uuid::Uuid::new_v4().to_string().into(),
        (None, IntakeMode::Webhook) => {
            anyhow::bail!("webex.webhook_secret (ROOMBOT__WEBEX__WEBHOOK_SECRET) is not set")
        }
    };
    let chores = store_chores(settings, &store, &metrics).await;
    let dedupe = Deduper::load(&store).await?;
    let (queue, events) = mpsc::channel(settings.bot.queue_capacity);
    let wake_feeder = Arc::new(tokio::sync::Notify::new());
    let intake = Intake::new(
        secret,
        identity.id.clone(),
        dedupe,
        queue.clone(),
        store.clone(),
        wake_feeder.clone(),
        metrics.clone(),
    );
    let feeder = queue::feed(
        store.clone(),
        queue.downgrade(),
        wake_feeder,
        metrics.clone(),
    );
    let outcomes = Outcomes {
        store: store.clone(),
        metrics: metrics.clone(),
        deadline: settings.bot.event_deadline,
    };
    let workers = worker::run(events, settings.bot.workers, handler, outcomes);
    Ok(Wired {
        intake: Arc::new(intake),
        background: vec![tokio::spawn(feeder), tokio::spawn(workers)],
        chores,
        store,
    })
}

/// Prunes the store once now, then starts its pruning timer and its watch (which keeps
/// `roombot_store_ready` current and logs an error line when the store stops being usable).
async fn store_chores(
    settings: &Settings,
    store: &Store,
    metrics: &Arc<Metrics>,
) -> Vec<JoinHandle<()>> {
    let keep = Retention {
        failed_events: settings.store.keep_failed_events,
        posted_messages: settings.store.keep_posted_messages,
        used_forms: settings.store.keep_used_forms,
        confirmations: settings.store.keep_confirmations,
        audit: settings.store.keep_audit,
        ..Retention::default()
    };
    match store.prune(&keep).await {
        Ok(pruned) => tracing::info!(?pruned, "store pruned"),
        Err(error) => tracing::error!(%error, "pruning the store failed; will try again"),
    }
    let pruned = store.clone();
    let pruning = async move {
        tokio::time::sleep(PRUNE_EVERY).await;
        prune_every(pruned, keep, PRUNE_EVERY).await;
    };
    metrics.watch_store_retries(store.busy_retries());
    let metrics = metrics.clone();
    let report = move |ready: bool| metrics.set_store_ready(ready);
    vec![
        tokio::spawn(pruning),
        tokio::spawn(store.clone().watch(STORE_WATCH_EVERY, report)),
    ]
}

/// The routes: webhook intake (503 until `intake` exists), health, readiness, metrics, and the
/// admin sign-in's callback when there is one; all under the server's body and request limits.
fn router(
    intake: Option<Arc<Intake>>,
    metrics: &Arc<Metrics>,
    readiness: &Arc<Readiness>,
    limits: &ServerLimits,
    login: Option<Router>,
) -> Router {
    let webhooks = match intake {
        Some(intake) => post(crate::webhook::receive).with_state(intake),
        None => post(starting_up),
    };
    let routes = Router::new()
        .route("/webhooks/webex", webhooks)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz).with_state(readiness.clone()))
        .route("/metrics", get(render_metrics).with_state(metrics.clone()))
        .merge(login.unwrap_or_default())
        .layer(DefaultBodyLimit::max(limits.body_limit));
    serve::with_limits(routes, limits)
}

/// `GET /healthz`: 200 `ok` while the server runs (liveness).
async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: 200 when every readiness check passed, else 503; one line per check.
async fn readyz(State(readiness): State<Arc<Readiness>>) -> impl IntoResponse {
    let (ready, checks) = readiness.report().await;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let head = if ready { "ready" } else { "not ready" };
    (status, format!("{head}\n{checks}"))
}

/// `POST /webhooks/webex` before the bot knows who it is: 503, try again shortly.
async fn starting_up() -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        "roombot is starting",
    )
}

/// `GET /metrics`: Prometheus text format.
async fn render_metrics(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics.render(),
    )
}
