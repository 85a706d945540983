//! Starting the sandbox: options, the composed router (messaging routes + the organisation's
//! routes, wrapped in request log → faults → auth → access table; OAuth's public endpoints
//! behind request log → faults) and the listening task.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::access::Access;
use super::error::ApiError;
use super::faults::FaultOptions;
use super::handle::{SandboxError, SandboxHandle};
use super::oauth::{self, OAuthOptions};
use super::org::{self, OrgState};
use super::state::{Settings, Shared};
use super::{
    access, attachment_actions, auth, console, faults, memberships, mercury, messages, people,
    request_log, rooms, webhooks,
};

/// Which organisation the sandbox serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgChoice {
    /// The demo organisation from the repository's data file.
    Demo,
    /// A generated organisation of `devices` devices (benchmarks).
    Generated { devices: usize, seed: u64 },
}

/// How to run the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// The organisation to serve.
    pub org: OrgChoice,
    /// Latency and failures to inject.
    pub faults: FaultOptions,
    /// Page size of messaging lists without `max` (Webex: 50 for messages, 100 elsewhere).
    pub default_page_size: usize,
    /// Let `PUT /messages/{id}` edit card messages (the docs say 400; Cisco samples do it).
    pub allow_card_edits: bool,
    /// How long a webhook delivery may take before it counts as failed.
    pub delivery_timeout: Duration,
    /// Whether Webex's authorization is enforced ([`Access::default`] is permissive for now).
    pub access: Access,
    /// Lifetimes of OAuth access and refresh tokens.
    pub oauth: OAuthOptions,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            org: OrgChoice::Demo,
            faults: FaultOptions::none(),
            default_page_size: 50,
            allow_card_edits: false,
            delivery_timeout: Duration::from_secs(10),
            access: Access::default(),
            oauth: OAuthOptions::default(),
        }
    }
}

impl SandboxOptions {
    /// The defaults with Webex's authorization enforced.
    pub fn enforced() -> Self {
        Self {
            access: Access::Enforced,
            ..Self::default()
        }
    }
}

/// The embedded Webex cloud.
#[derive(Debug, Clone, Copy)]
pub struct Sandbox;

impl Sandbox {
    /// Binds `addr` (e.g. `127.0.0.1:0`) and serves the sandbox under `/v1` until
    /// [`SandboxHandle::shutdown`].
    pub async fn start(
        options: SandboxOptions,
        addr: SocketAddr,
    ) -> Result<SandboxHandle, SandboxError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let host = if local.ip().is_unspecified() {
            "127.0.0.1".to_owned()
        } else {
            local.ip().to_string()
        };
        let origin = match local {
            SocketAddr::V6(_) if !local.ip().is_unspecified() => {
                format!("http://[{host}]:{}", local.port())
            }
            _ => format!("http://{host}:{}", local.port()),
        };
        let org = match options.org {
            OrgChoice::Demo => OrgState::demo(),
            OrgChoice::Generated { devices, seed } => OrgState::generated(devices, seed),
        };
        let org = Arc::new(org.with_default_page_size(options.default_page_size.max(1)));
        let settings = Settings {
            default_page_size: options.default_page_size.max(1),
            allow_card_edits: options.allow_card_edits,
            delivery_timeout: options.delivery_timeout,
            access: options.access,
            oauth: options.oauth,
        };
        let shared = Arc::new(Shared::new(origin, settings, options.faults, org));
        let app = router(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            // Small writes (websocket frames, short answers) go out at once, as a real server's.
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                let _ = tcp.set_nodelay(true);
            });
            if let Err(error) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!(%error, "sandbox server stopped");
            }
        });
        Ok(SandboxHandle::new(shared, stop, task))
    }
}

/// The whole sandbox app: messaging, organisation and service-app routes behind log, faults,
/// auth and the access table; the consent page and token endpoint behind log and faults only;
/// the console (chat page) beside them, outside every layer.
pub fn router(shared: Arc<Shared>) -> Router {
    let console = console::routes(Arc::clone(&shared));
    let socket = mercury::socket::routes(Arc::clone(&shared));
    let messaging = Router::new()
        .merge(people::routes())
        .merge(rooms::routes())
        .merge(memberships::routes())
        .merge(messages::routes())
        .merge(attachment_actions::routes())
        .merge(webhooks::routes())
        .merge(mercury::routes::routes())
        .merge(oauth::authenticated_routes())
        .with_state(Arc::clone(&shared));
    let public = oauth::public_routes().with_state(Arc::clone(&shared));
    messaging
        .merge(org::routes(Arc::clone(&shared.org)))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn(access::enforce))
        .layer(from_fn_with_state(Arc::clone(&shared), auth::authenticate))
        .merge(public)
        .layer(from_fn_with_state(
            Arc::clone(&shared.faults),
            faults::inject_faults,
        ))
        .layer(from_fn_with_state(
            shared as Arc<dyn request_log::LogSink>,
            request_log::log_requests,
        ))
        .merge(console)
        .merge(socket)
}

async fn unknown_route() -> Response {
    ApiError::not_found("The requested resource could not be found.").into_response()
}

async fn method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "The requested method is not allowed.",
    )
    .into_response()
}
