//! When to try a call again and how long to wait: pure functions, so the policy is tested
//! without HTTP. 429/423 are retried for every method after `Retry-After` (Webex did not run
//! the request); 502/503/504 and connection errors only for idempotent calls, with exponential
//! backoff and jitter; timeouts and everything else are final.

use std::time::Duration;

use rand::Rng;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::client::ClientConfig;

/// First backoff step after a 5xx or connection error.
const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// Longest backoff step.
const BACKOFF_CAP: Duration = Duration::from_secs(10);

/// How an attempt ended, as far as the retry policy cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// An HTTP answer with this status.
    Status(StatusCode),
    /// No answer: the connection failed or broke.
    ConnectionError,
    /// No answer within the timeout.
    Timeout,
}

/// Decides whether attempt number `attempt` (1-based) is followed by another, and after what wait.
pub(crate) fn next_delay(
    outcome: Outcome,
    headers: Option<&HeaderMap>,
    idempotent: bool,
    attempt: u32,
    config: &ClientConfig,
) -> Option<Duration> {
    if attempt >= config.max_attempts {
        return None;
    }
    match outcome {
        Outcome::Status(status) if is_rate_limit(status) => {
            Some(retry_after(headers, config).unwrap_or(config.retry_after_default))
        }
        Outcome::Status(status) if is_transient(status) && idempotent => Some(backoff(attempt)),
        Outcome::ConnectionError if idempotent => Some(backoff(attempt)),
        _ => None,
    }
}

/// 429 Too Many Requests, or 423 Locked which Webex also uses for throttling.
pub(crate) fn is_rate_limit(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 423)
}

fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 502..=504)
}

/// `Retry-After` in (possibly fractional) seconds, capped; `None` when missing or unreadable.
pub(crate) fn retry_after(headers: Option<&HeaderMap>, config: &ClientConfig) -> Option<Duration> {
    let raw = headers?.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let seconds: f64 = raw
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s >= 0.0)?;
    let wait = Duration::try_from_secs_f64(seconds).ok()?;
    Some(wait.min(config.retry_after_cap))
}

/// Exponential backoff with jitter: step `base·2^(n-1)` capped, then a random wait in `[step/2, step]`.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let step = BACKOFF_BASE
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(BACKOFF_CAP);
    let half = step / 2;
    let jitter_ms = rand::rng().random_range(0..=half.as_millis() as u64);
    half + Duration::from_millis(jitter_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;
    use url::Url;

    fn config() -> ClientConfig {
        let url = Url::parse("http://127.0.0.1:9/v1").expect("valid URL");
        ClientConfig::new(url, SecretString::from("t"))
    }

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, retry_after.parse().expect("valid header"));
        headers
    }

    #[test]
    fn rate_limits_wait_retry_after_for_every_method() {
        let cfg = config();
        let h = headers("2");
        for status in [StatusCode::TOO_MANY_REQUESTS, StatusCode::LOCKED] {
            let wait = next_delay(Outcome::Status(status), Some(&h), false, 1, &cfg);
            assert_eq!(wait, Some(Duration::from_secs(2)), "{status}");
        }
    }

    #[test]
    fn missing_or_huge_retry_after_uses_default_or_cap() {
        let cfg = config();
        let s429 = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            next_delay(s429, None, true, 1, &cfg),
            Some(cfg.retry_after_default)
        );
        assert_eq!(
            next_delay(s429, Some(&headers("soon")), true, 1, &cfg),
            Some(cfg.retry_after_default)
        );
        assert_eq!(
            next_delay(s429, Some(&headers("86400")), true, 1, &cfg),
            Some(cfg.retry_after_cap)
        );
    }

    #[test]
    fn transient_errors_are_retried_only_when_idempotent() {
        let cfg = config();
        for outcome in [
            Outcome::Status(StatusCode::SERVICE_UNAVAILABLE),
            Outcome::ConnectionError,
        ] {
            assert!(
                next_delay(outcome, None, true, 1, &cfg).is_some(),
                "{outcome:?}"
            );
            assert!(
                next_delay(outcome, None, false, 1, &cfg).is_none(),
                "{outcome:?}"
            );
        }
        assert!(next_delay(Outcome::Timeout, None, true, 1, &cfg).is_none());
        assert!(
            next_delay(
                Outcome::Status(StatusCode::BAD_REQUEST),
                None,
                true,
                1,
                &cfg
            )
            .is_none()
        );
    }

    #[test]
    fn attempts_are_bounded() {
        let cfg = config();
        let s429 = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        assert!(next_delay(s429, None, true, cfg.max_attempts, &cfg).is_none());
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        for attempt in 1..=8 {
            let step = BACKOFF_BASE
                .saturating_mul(1 << (attempt - 1))
                .min(BACKOFF_CAP);
            let wait = backoff(attempt);
            assert!(
                wait >= step / 2 && wait <= step,
                "attempt {attempt}: {wait:?}"
            );
        }
    }
}
