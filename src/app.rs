//! The HTTP application: builds the router and its state from [`Settings`], binds the listener and
//! serves until a shutdown signal, finishing in-flight requests first.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use secrecy::SecretString;
use tokio::net::TcpListener;

use crate::settings::Settings;

/// Shared state of the HTTP handlers: cheap handles only.
#[derive(Clone)]
pub struct AppState {
    /// The secret webhook deliveries are signed with; `None` rejects every delivery.
    pub webhook_secret: Option<Arc<SecretString>>,
}

/// A bound, ready-to-run roombot server.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Builds the application and binds `settings.server.listen` (port 0 picks a free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let state = AppState {
            webhook_secret: settings.webex.webhook_secret.clone().map(Arc::new),
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
        Ok(Self { listener, router })
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

    /// Serves until `shutdown` completes, then waits for in-flight requests to finish.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(address = %self.local_addr(), "roombot is listening");
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await?;
        tracing::info!("roombot stopped");
        Ok(())
    }
}

/// The routes: webhook intake, health.
fn router(state: AppState, body_limit: usize) -> Router {
    Router::new()
        .route("/webhooks/webex", post(crate::webhook::receive))
        .route("/healthz", get(healthz))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// `GET /healthz`: 200 `ok` while the server runs.
async fn healthz() -> &'static str {
    "ok"
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
