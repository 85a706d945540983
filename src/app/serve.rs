//! The HTTP server loop, built so slow or silent clients cannot starve it:
//!
//! - at most `server.max_connections` connections are served at once; further ones wait in the
//!   kernel's listen backlog, so file descriptors stay bounded;
//! - HTTP/1.1 with a header read timeout, which also closes idle keep-alive connections;
//! - request bodies are read within `server.body_read_timeout_secs`, up to `body_limit_bytes`,
//!   and only while their share of a process-wide byte budget (`server.body_buffer_bytes`) is
//!   held, so memory stays bounded however many bodies trickle in;
//! - each request, body and handling, is bounded by `server.request_timeout_secs`;
//! - accept errors (EMFILE when out of file descriptors, …) are logged and waited out, never fatal;
//! - on shutdown it stops accepting and lets in-flight requests finish.
//!
//! The routes can be replaced while serving ([`Routes::set`]): start-up serves `/healthz` and
//! `/readyz` before the bot knows who it is.

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tower::ServiceExt;

use crate::settings::ServerSettings;

/// Largest read buffer of one connection: the request line and headers must fit (bigger heads
/// get 431). Small, since every open connection may fill it: 1,024 connections hold 16 MiB.
const MAX_BUF_SIZE: usize = 16 * 1024;
/// Connections the kernel queues before they are accepted (capped by `net.core.somaxconn`).
const BACKLOG: u32 = 4096;
/// Pause after an accept error such as EMFILE, so the loop does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);
/// At most one accept-error log line per this interval.
const ACCEPT_ERROR_LOG_EVERY: Duration = Duration::from_secs(5);

/// How much the server lets each client take.
#[derive(Debug, Clone)]
pub struct ServerLimits {
    pub header_read_timeout: Duration,
    pub body_read_timeout: Duration,
    pub request_timeout: Duration,
    pub max_connections: usize,
    /// Largest request body.
    pub body_limit: usize,
    /// Bytes of request bodies in memory at once.
    pub body_buffer: usize,
}

impl ServerLimits {
    /// The limits configured in `[server]`.
    pub fn from_settings(server: &ServerSettings) -> Self {
        Self {
            header_read_timeout: server.header_read_timeout,
            body_read_timeout: server.body_read_timeout,
            request_timeout: server.request_timeout,
            max_connections: server.max_connections,
            body_limit: server.body_limit_bytes,
            body_buffer: server.body_buffer_bytes.max(server.body_limit_bytes),
        }
    }
}

/// The router being served; replaceable while serving.
#[derive(Clone, Default)]
pub struct Routes(Arc<RwLock<Router>>);

impl Routes {
    /// Serves `router` from now on (requests in flight finish on the old one).
    pub fn set(&self, router: Router) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = router;
    }

    fn current(&self) -> Router {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Adds the body and request limits to `router`.
pub fn with_limits(router: Router, limits: &ServerLimits) -> Router {
    let guard = Arc::new(BodyGuard {
        budget: Semaphore::new(limits.body_buffer),
        limits: limits.clone(),
    });
    router.layer(axum::middleware::from_fn_with_state(guard, limit_request))
}

/// Binds `addr` with a deep listen backlog, so a burst of connections waits in the kernel
/// instead of having its SYNs dropped (a dropped SYN costs the client a 1 s retransmit).
pub async fn bind(addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Serves `routes` on `listener` until `shutdown` completes, then waits for in-flight requests.
pub async fn serve(
    listener: TcpListener,
    routes: Routes,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let http = http1(&limits);
    let mut accept_errors = AcceptErrors::default();
    tokio::pin!(shutdown);
    loop {
        // A slot first, then a connection: at the cap, new connections wait in the backlog.
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = connections.clone().acquire_owned() => permit.expect("never closed"),
        };
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    accept_errors.pause(error).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let routes = routes.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            routes.current().oneshot(request.map(Body::new))
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(finish_connection(connection, permit));
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Serves one connection to its end, then frees its slot.
async fn finish_connection<E: std::fmt::Display>(
    connection: impl Future<Output = Result<(), E>>,
    permit: tokio::sync::OwnedSemaphorePermit,
) {
    if let Err(error) = connection.await {
        tracing::debug!(%error, "connection ended with an error");
    }
    drop(permit);
}

/// HTTP/1.1 with the header read timeout (also the keep-alive idle timeout) and a small buffer.
fn http1(limits: &ServerLimits) -> hyper::server::conn::http1::Builder {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_BUF_SIZE);
    http
}

/// Logs accept errors (rate-limited) and pauses after each, so running out of file descriptors
/// neither spins the loop nor ends the server.
#[derive(Default)]
struct AcceptErrors {
    last_logged: Option<Instant>,
    since_logged: u64,
}

impl AcceptErrors {
    async fn pause(&mut self, error: std::io::Error) {
        self.since_logged += 1;
        let due = self
            .last_logged
            .is_none_or(|at| at.elapsed() >= ACCEPT_ERROR_LOG_EVERY);
        if due {
            tracing::error!(%error, errors = self.since_logged, "cannot accept connections; pausing");
            self.last_logged = Some(Instant::now());
            self.since_logged = 0;
        }
        tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
    }
}

/// The shared state of [`limit_request`].
struct BodyGuard {
    budget: Semaphore,
    limits: ServerLimits,
}

/// Middleware: bounds the whole request by the request timeout, and reads the body first, within
/// the body timeout, the size limit and the byte budget.
async fn limit_request(
    State(guard): State<Arc<BodyGuard>>,
    request: Request,
    next: Next,
) -> Response {
    let timeout = guard.limits.request_timeout;
    match tokio::time::timeout(timeout, read_then_run(&guard, request, next)).await {
        Ok(response) => response,
        Err(_) => refuse(StatusCode::REQUEST_TIMEOUT, "request took too long"),
    }
}

async fn read_then_run(guard: &BodyGuard, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    if body.is_end_stream() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let limit = guard.limits.body_limit;
    let declared = content_length(&parts.headers);
    if declared.is_some_and(|n| n > limit) {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "request body too large");
    }
    let share = declared.unwrap_or(limit).clamp(1, limit);
    let read_by = Instant::now() + guard.limits.body_read_timeout;
    let share = u32::try_from(share).unwrap_or(u32::MAX);
    let Ok(Ok(_permit)) = tokio::time::timeout_at(read_by, guard.budget.acquire_many(share)).await
    else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many request bodies at once",
        );
    };
    let bytes = match tokio::time::timeout_at(read_by, Limited::new(body, limit).collect()).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(error)) if error.is::<LengthLimitError>() => {
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, "request body too large");
        }
        Ok(Err(_)) => return refuse(StatusCode::BAD_REQUEST, "request body could not be read"),
        Err(_) => return refuse(StatusCode::REQUEST_TIMEOUT, "request body too slow"),
    };
    // The permit is held until the response, while the body is in memory.
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// A short text answer that also closes the connection (its body may be half read).
fn refuse(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONNECTION, "close")], text).into_response()
}
