//! Fault injection, deterministic by seed: per endpoint family, a latency drawn from a range,
//! and a rate of 429 (with `Retry-After`), of 5xx (500/502/503/504) and of dropped connections.
//! Each family draws from its own `StdRng` seeded from the seed and the family, so the n-th
//! request of a family always meets the same fate, whatever other families do.
//!
//! A dropped connection is a response whose body fails at once: hyper aborts the connection,
//! and the client sees a transport error instead of an answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::error::ApiError;

/// The API families faults are configured for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    People,
    Rooms,
    Messages,
    AttachmentActions,
    Webhooks,
    Devices,
    Configurations,
    Xapi,
    Workspaces,
    Locations,
    Other,
    /// The consent page, the token endpoint and service-app tokens.
    OAuth,
}

impl Family {
    /// The family a request path (`/v1/...`) belongs to.
    pub fn of_path(path: &str) -> Self {
        let rest = path
            .strip_prefix("/v1/")
            .unwrap_or(path.trim_start_matches('/'));
        let first = rest.split('/').next().unwrap_or_default();
        match first {
            "people" => Self::People,
            "rooms" | "memberships" => Self::Rooms,
            "messages" => Self::Messages,
            "attachment" => Self::AttachmentActions,
            "webhooks" => Self::Webhooks,
            "devices" => Self::Devices,
            "deviceConfigurations" => Self::Configurations,
            "xapi" => Self::Xapi,
            "workspaces" => Self::Workspaces,
            "workspaceLocations" | "locations" => Self::Locations,
            "authorize" | "access_token" | "applications" => Self::OAuth,
            _ => Self::Other,
        }
    }

    fn index(self) -> u64 {
        self as u64
    }
}

/// What may go wrong with one family's requests. Rates are probabilities in `0.0..=1.0`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultRates {
    /// Latency added before handling, drawn uniformly from `min..=max`.
    pub latency: Option<(Duration, Duration)>,
    /// Share of requests answered 429.
    pub rate_limited: f64,
    /// The `Retry-After` seconds sent with a 429.
    pub retry_after_secs: u64,
    /// Share of requests answered 500, 502, 503 or 504.
    pub server_errors: f64,
    /// Share of requests whose connection is dropped.
    pub dropped: f64,
}

/// Fault settings for the whole sandbox.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultOptions {
    /// Seed for every draw.
    pub seed: u64,
    /// Rates for families without an entry in `per_family`.
    pub all: FaultRates,
    /// Rates per family (replacing `all` for that family).
    pub per_family: HashMap<Family, FaultRates>,
    /// Reproduce Webex's known pagination bugs: `Link: rel="next"` URLs that drop the request's
    /// query parameters (filters such as `mentionedPeople` or `tag`) and carry `max=null`.
    pub broken_next_links: bool,
}

impl FaultOptions {
    /// No faults at all.
    pub fn none() -> Self {
        Self::default()
    }

    fn rates(&self, family: Family) -> &FaultRates {
        self.per_family.get(&family).unwrap_or(&self.all)
    }
}

/// The fault injected into a request (also found in the request log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answered 429 with `Retry-After`.
    RateLimited { retry_after_secs: u64 },
    /// Answered with this 5xx status.
    ServerError(u16),
    /// The connection was dropped without an answer.
    Dropped,
}

/// The latency injected before a request (a response extension read by the request log).
#[derive(Debug, Clone, Copy)]
pub struct InjectedDelay(pub Duration);

/// The fault injector's state: options and one RNG per family.
#[derive(Debug)]
pub struct Faults {
    options: FaultOptions,
    rngs: HashMap<Family, StdRng>,
}

impl Faults {
    /// A fresh injector (draws start over).
    pub fn new(options: FaultOptions) -> Self {
        Self {
            options,
            rngs: HashMap::new(),
        }
    }

    /// Decides the delay and fault of the next request of `family`.
    pub fn decide(&mut self, family: Family) -> (Duration, Option<Fault>) {
        let rates = self.options.rates(family).clone();
        let seed = self.options.seed ^ family.index().wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let rng = self
            .rngs
            .entry(family)
            .or_insert_with(|| StdRng::seed_from_u64(seed));
        let delay = match rates.latency {
            Some((min, max)) if max > min => {
                let span = (max - min).as_micros() as u64;
                min + Duration::from_micros(rng.random_range(0..=span))
            }
            Some((min, _)) => min,
            None => Duration::ZERO,
        };
        let roll: f64 = rng.random();
        let fault = if roll < rates.rate_limited {
            Some(Fault::RateLimited {
                retry_after_secs: rates.retry_after_secs,
            })
        } else if roll < rates.rate_limited + rates.server_errors {
            Some(Fault::ServerError(
                [500, 502, 503, 504][rng.random_range(0..4)],
            ))
        } else if roll < rates.rate_limited + rates.server_errors + rates.dropped {
            Some(Fault::Dropped)
        } else {
            None
        };
        (delay, fault)
    }
}

/// Middleware: delays the request and maybe answers with a fault instead of the route.
pub async fn inject_faults(
    State(faults): State<Arc<Mutex<Faults>>>,
    request: Request,
    next: Next,
) -> Response {
    let family = Family::of_path(request.uri().path());
    let (delay, fault, break_links) = {
        let mut faults = faults.lock().unwrap_or_else(|e| e.into_inner());
        let (delay, fault) = faults.decide(family);
        (delay, fault, faults.options.broken_next_links)
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut response = match &fault {
        None => next.run(request).await,
        Some(fault) => fault_response(fault),
    };
    if let Some(fault) = fault {
        response.extensions_mut().insert(fault);
    }
    if break_links {
        break_next_link(response.headers_mut());
    }
    response.extensions_mut().insert(InjectedDelay(delay));
    response
}

/// Rewrites a `Link: <…>; rel="next"` the way Webex sometimes sends it: only the paging cursor
/// (`start`, `beforeMessage`, `cursor`) survives, and `max=null` is added.
fn break_next_link(headers: &mut axum::http::HeaderMap) {
    let Some(link) = headers.get(header::LINK).and_then(|v| v.to_str().ok()) else {
        return;
    };
    let Some(url) = link
        .strip_prefix('<')
        .and_then(|l| l.split_once('>'))
        .map(|(u, _)| u)
    else {
        return;
    };
    let Ok(mut next) = url::Url::parse(url) else {
        return;
    };
    let kept: Vec<(String, String)> = next
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| matches!(k.as_str(), "start" | "beforeMessage" | "cursor"))
        .collect();
    next.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("max", "null");
    if let Ok(value) = HeaderValue::from_str(&format!("<{next}>; rel=\"next\"")) {
        headers.insert(header::LINK, value);
    }
}

fn fault_response(fault: &Fault) -> Response {
    match fault {
        Fault::RateLimited { retry_after_secs } => {
            let mut response =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response();
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Fault::ServerError(code) => {
            let status = StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let reason = status.canonical_reason().unwrap_or("Server Error");
            ApiError::new(status, reason).into_response()
        }
        Fault::Dropped => {
            let failing = futures::stream::once(async {
                Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "sandbox fault: connection dropped",
                ))
            });
            Response::new(Body::from_stream(failing))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequence(seed: u64, family: Family, n: usize) -> Vec<Option<Fault>> {
        let mut rates = FaultRates {
            rate_limited: 0.2,
            server_errors: 0.2,
            dropped: 0.1,
            ..FaultRates::default()
        };
        rates.retry_after_secs = 3;
        let mut faults = Faults::new(FaultOptions {
            seed,
            all: rates,
            per_family: HashMap::new(),
            broken_next_links: false,
        });
        (0..n).map(|_| faults.decide(family).1).collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        assert_eq!(
            sequence(7, Family::Messages, 50),
            sequence(7, Family::Messages, 50)
        );
        assert_ne!(
            sequence(7, Family::Messages, 50),
            sequence(8, Family::Messages, 50)
        );
        assert!(
            sequence(7, Family::Messages, 50)
                .iter()
                .any(Option::is_some)
        );
    }

    #[test]
    fn paths_map_to_families() {
        assert_eq!(
            Family::of_path("/v1/attachment/actions/x"),
            Family::AttachmentActions
        );
        assert_eq!(
            Family::of_path("/v1/xapi/command/Audio.Volume.Set"),
            Family::Xapi
        );
        assert_eq!(
            Family::of_path("/v1/deviceConfigurations"),
            Family::Configurations
        );
        assert_eq!(Family::of_path("/v1/memberships"), Family::Rooms);
    }
}
