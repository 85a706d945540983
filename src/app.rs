//! The HTTP application: builds the router and its state from [`Settings`], binds the listener and
//! serves until a shutdown signal, finishing in-flight requests first. Wires intake → store →
//! queue → workers, the feeder that replays stored events, the store's watch and pruning, and
//! `/healthz`, `/readyz`, `/metrics`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::access::AccessPolicy;
use crate::bot::respond::CommandResponder;
use crate::bot::worker::{self, Handler, Outcomes};
use crate::bot::{Bot, identity, webhooks};
use crate::metrics::Metrics;
use crate::readiness::{self, Readiness};
use crate::settings::Settings;
use crate::store::{Retention, Store, prune_every};
use crate::webex::PersonId;
use crate::webhook::dedupe::Deduper;
use crate::webhook::{Intake, queue};

/// Who the bot is, from `GET /people/me`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    pub id: String,
    pub display_name: String,
    pub org_id: Option<String>,
}

/// Shared state of the HTTP handlers: cheap handles only.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub intake: Arc<Intake>,
    pub metrics: Arc<Metrics>,
    pub readiness: Readiness,
}

/// A bound, ready-to-run roombot server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    /// Tasks that must finish after the server stops (feeder, workers).
    background: Vec<JoinHandle<()>>,
    /// Tasks that run forever and are simply stopped at shutdown (the webhook watchdog, the
    /// store's watch and pruning).
    chores: Vec<JoinHandle<()>>,
}

/// How often `serve` checks that Webex has not disabled our webhooks.
const WATCHDOG_EVERY: Duration = Duration::from_secs(60);
/// How often the store is checked (an error line when it stops being usable).
const STORE_WATCH_EVERY: Duration = Duration::from_secs(5);
/// How often old rows are pruned from the store.
const PRUNE_EVERY: Duration = Duration::from_secs(60 * 60);

/// `server.sync_webhooks_on_start`: create or update our webhooks before serving.
async fn sync_webhooks_on_start(
    settings: &Settings,
    webex: &crate::webex::WebexClient,
) -> anyhow::Result<()> {
    let public_url = settings.server.public_url.as_ref().context(
        "server.sync_webhooks_on_start needs server.public_url (ROOMBOT__SERVER__PUBLIC_URL)",
    )?;
    let secret = settings
        .webex
        .webhook_secret
        .as_ref()
        .context("webex.webhook_secret is not set")?;
    let report = webhooks::sync(webex, &webhooks::target_url(public_url), secret).await?;
    tracing::info!(?report, "webhooks synced");
    Ok(())
}

impl Application {
    /// Builds the production application: the Webex client, the bot's identity from
    /// `GET /people/me` (a bad token fails here), the store, the bot and the server.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        settings.require_serving()?;
        let metrics = Arc::new(Metrics::default());
        let webex = identity::client(&settings, metrics.clone())?;
        let me = identity::who_am_i(&webex).await?;
        tracing::info!(bot = %me.display_name, id = %me.id, "bot identity");
        let store = Store::open(&settings.store.path).with_context(|| {
            format!(
                "cannot open the store {} (store.path)",
                settings.store.path.display()
            )
        })?;
        if settings.server.sync_webhooks_on_start {
            sync_webhooks_on_start(&settings, &webex).await?;
        }
        let watchdog = tokio::spawn(webhooks::watchdog(webex.clone(), WATCHDOG_EVERY));
        let bot = Arc::new(Bot::new(
            webex,
            me.clone(),
            store.clone(),
            AccessPolicy::new(settings.access.clone()),
            settings.bot.cache_ttl,
            Arc::new(CommandResponder::new(&settings)?),
            metrics.clone(),
        ));
        let mut app = Self::build_with(&settings, &me, store, bot.handler(), metrics).await?;
        app.chores.push(watchdog);
        Ok(app)
    }

    /// Builds the application for a known bot identity and event handler, binds
    /// `settings.server.listen` (port 0 picks a free port) and starts the workers.
    pub async fn build_with(
        settings: &Settings,
        identity: &BotIdentity,
        store: Store,
        handler: Handler,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Self> {
        let secret = settings
            .webex
            .webhook_secret
            .clone()
            .context("webex.webhook_secret (ROOMBOT__WEBEX__WEBHOOK_SECRET) is not set")?;
        let chores = store_chores(settings, &store, &metrics).await;
        let bot_id = PersonId::new(identity.id.clone());
        let (intake, background) =
            start_pipeline(settings, secret, bot_id, &store, handler, &metrics).await?;
        let readiness = Readiness::default().with_store(store);
        let state = AppState {
            intake,
            metrics,
            readiness,
        };
        let router = router(state, settings.server.body_limit_bytes);
        let listener = TcpListener::bind(settings.server.listen)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot listen on {} (server.listen): {e}",
                    settings.server.listen
                )
            })?;
        Ok(Self {
            listener,
            router,
            background,
            chores,
        })
    }

    /// The address the server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The port the server is bound to.
    pub fn port(&self) -> u16 {
        self.local_addr().port()
    }

    /// Serves until `shutdown` completes, waits for in-flight requests, then lets the workers
    /// finish the queued events and the ledger writer flush.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(address = %self.local_addr(), "roombot is listening");
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await?;
        // The router (and with it the intake's queue sender) is dropped now: the feeder ends,
        // the workers finish the queued events; anything else pending stays in the store.
        for task in self.background {
            let _ = task.await;
        }
        for chore in self.chores {
            chore.abort();
        }
        tracing::info!("roombot stopped");
        Ok(())
    }
}

/// Intake → store → queue → workers, and the feeder that hands stored events to the queue.
/// Returns the intake and the tasks that end once it is dropped (feeder, then workers).
async fn start_pipeline(
    settings: &Settings,
    secret: secrecy::SecretString,
    bot_id: PersonId,
    store: &Store,
    handler: Handler,
    metrics: &Arc<Metrics>,
) -> anyhow::Result<(Arc<Intake>, Vec<JoinHandle<()>>)> {
    let dedupe = Deduper::load(store).await?;
    let (queue, events) = mpsc::channel(settings.bot.queue_capacity);
    let wake_feeder = Arc::new(tokio::sync::Notify::new());
    let intake = Intake::new(
        secret,
        bot_id,
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
    Ok((
        Arc::new(intake),
        vec![tokio::spawn(feeder), tokio::spawn(workers)],
    ))
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

/// The routes: webhook intake, health, readiness, metrics.
fn router(state: AppState, body_limit: usize) -> Router {
    Router::new()
        .route("/webhooks/webex", post(crate::webhook::receive))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readiness::readyz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// `GET /healthz`: 200 `ok` while the server runs.
async fn healthz() -> &'static str {
    "ok"
}

/// `GET /metrics`: Prometheus text format.
async fn metrics(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics.render(),
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
