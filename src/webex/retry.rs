//! When to try a call again and how long to wait: pure functions, so the policy is tested
//! without HTTP or clocks. Retries run to a deadline, not a count:
//!
//! - 429/423 are retried for every method after `Retry-After` (Webex did not run the request);
//! - a request that never left (connection refused, DNS, TLS handshake) is retried for every
//!   method, with backoff;
//! - idempotent calls are also retried after 500/502/503/504, a broken connection or a timeout;
//!   non-idempotent ones (`POST xapi/command`, `POST messages`) never are, since Webex may have
//!   run them;
//! - no wait runs past the deadline: a retry that would start after it is not made.
//!
//! The deadline is per attempt at an event: [`within`] runs a future (the handling) with a
//! deadline every call inside it shares; [`afresh`] gives work that must finish once begun (each
//! call of an action, the reply) a deadline of its own; calls outside any scope get
//! `retry_deadline` each.

use std::future::Future;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use tokio::time::Instant;

use super::client::ClientConfig;

/// Longest backoff step.
pub const BACKOFF_CAP: Duration = Duration::from_secs(10);

tokio::task_local! {
    static DEADLINE: Instant;
}

/// How an attempt ended, as far as the retry policy cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP answer with this status.
    Status(StatusCode),
    /// The request never reached Webex (connection refused, DNS, TLS handshake).
    NotSent,
    /// The connection broke after the request was sent: Webex may have run it.
    Broken,
    /// No answer within the timeout: Webex may have run it.
    Timeout,
}

/// One finished attempt, as the policy sees it.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub outcome: Outcome,
    /// The answer's headers (for `Retry-After`).
    pub headers: Option<&'a HeaderMap>,
    /// Whether the call may safely run twice.
    pub idempotent: bool,
    /// Failed attempts so far that were not rate limits, this one included: the backoff step
    /// (429/423 carry their own wait, so they do not make the backoff grow).
    pub failures: u32,
    /// Time left until the deadline.
    pub remaining: Duration,
}

/// Why the policy waits before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Webex asked us to (429/423): `Retry-After`, or the default when it gave none.
    RetryAfter(Duration),
    /// Exponential backoff with jitter after a transient failure.
    Backoff(Duration),
}

impl Wait {
    /// How long to wait.
    pub fn duration(self) -> Duration {
        match self {
            Self::RetryAfter(d) | Self::Backoff(d) => d,
        }
    }
}

/// Decides whether `attempt` is followed by another, and after what wait. `jitter` in `0.0..=1.0`
/// picks the backoff within `[step/2, step]` (random in production, fixed in tests).
pub fn next_wait(attempt: &Attempt<'_>, config: &ClientConfig, jitter: f64) -> Option<Wait> {
    let wait = match attempt.outcome {
        Outcome::Status(status) if is_rate_limit(status) => Wait::RetryAfter(
            retry_after(attempt.headers, config).unwrap_or(config.retry_after_default),
        ),
        Outcome::NotSent => Wait::Backoff(backoff(config.backoff_base, attempt.failures, jitter)),
        Outcome::Status(status) if is_transient(status) && attempt.idempotent => {
            Wait::Backoff(backoff(config.backoff_base, attempt.failures, jitter))
        }
        Outcome::Broken | Outcome::Timeout if attempt.idempotent => {
            Wait::Backoff(backoff(config.backoff_base, attempt.failures, jitter))
        }
        _ => return None,
    };
    (wait.duration() < attempt.remaining).then_some(wait)
}

/// Whether a failed call may have been run by Webex (a 5xx, a broken connection, a timeout):
/// a non-idempotent one must then be checked, not repeated.
pub fn may_have_run(outcome: Outcome) -> bool {
    match outcome {
        Outcome::Status(status) => status.is_server_error(),
        Outcome::Broken | Outcome::Timeout => true,
        Outcome::NotSent => false,
    }
}

/// 429 Too Many Requests, or 423 Locked which Webex also uses for throttling.
pub fn is_rate_limit(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 423)
}

/// 500, 502, 503, 504: worth another try of an idempotent call.
pub fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 500 | 502..=504)
}

/// `Retry-After` in (possibly fractional) seconds, capped; `None` when missing or unreadable.
pub fn retry_after(headers: Option<&HeaderMap>, config: &ClientConfig) -> Option<Duration> {
    let raw = headers?.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let seconds: f64 = raw
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s >= 0.0)?;
    let wait = Duration::try_from_secs_f64(seconds).ok()?;
    Some(wait.min(config.retry_after_cap))
}

/// Exponential backoff: step `base·2^(n-1)` capped, then `step/2 + jitter·step/2`.
pub fn backoff(base: Duration, attempt: u32, jitter: f64) -> Duration {
    let step = base
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1).min(16)))
        .min(BACKOFF_CAP);
    let half = step / 2;
    half + half.mul_f64(jitter.clamp(0.0, 1.0))
}

/// A random jitter in `0.0..=1.0`.
pub fn random_jitter() -> f64 {
    rand::random::<f64>()
}

/// Runs `work` with `deadline` shared by every Webex call inside it (a nested scope can only
/// shorten it).
pub async fn within<F: Future>(deadline: Instant, work: F) -> F::Output {
    let deadline = DEADLINE
        .try_with(|outer| (*outer).min(deadline))
        .unwrap_or(deadline);
    DEADLINE.scope(deadline, work).await
}

/// Runs `work` with a deadline of its own, `deadline`, whatever the enclosing scope's: for work
/// that must be finished once begun (an action's calls, a reply), however late in the event.
pub async fn afresh<F: Future>(deadline: Instant, work: F) -> F::Output {
    DEADLINE.scope(deadline, work).await
}

/// The deadline of the current scope, else `now + config.retry_deadline`.
pub fn deadline(config: &ClientConfig) -> Instant {
    DEADLINE
        .try_with(|d| *d)
        .unwrap_or_else(|_| Instant::now() + config.retry_deadline)
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

    fn attempt(outcome: Outcome, idempotent: bool) -> Attempt<'static> {
        Attempt {
            outcome,
            headers: None,
            idempotent,
            failures: 1,
            remaining: Duration::from_secs(120),
        }
    }

    fn status(code: u16) -> Outcome {
        Outcome::Status(StatusCode::from_u16(code).expect("a status"))
    }

    #[test]
    fn rate_limits_wait_retry_after_for_every_method() {
        let cfg = config();
        let h = headers("2");
        for code in [429, 423] {
            for idempotent in [true, false] {
                let a = Attempt {
                    headers: Some(&h),
                    ..attempt(status(code), idempotent)
                };
                let wait = next_wait(&a, &cfg, 0.5);
                assert_eq!(
                    wait,
                    Some(Wait::RetryAfter(Duration::from_secs(2))),
                    "{code}"
                );
            }
        }
    }

    #[test]
    fn missing_or_huge_retry_after_uses_default_or_cap() {
        let cfg = config();
        let wait = |h: Option<&HeaderMap>| {
            let a = Attempt {
                headers: h,
                ..attempt(status(429), true)
            };
            next_wait(&a, &cfg, 0.0).map(Wait::duration)
        };
        assert_eq!(wait(None), Some(cfg.retry_after_default));
        assert_eq!(wait(Some(&headers("soon"))), Some(cfg.retry_after_default));
        assert_eq!(wait(Some(&headers("86400"))), Some(cfg.retry_after_cap));
        assert_eq!(
            wait(Some(&headers("0.25"))),
            Some(Duration::from_millis(250))
        );
    }

    #[test]
    fn idempotent_calls_retry_server_errors_broken_connections_and_timeouts() {
        let cfg = config();
        for outcome in [
            status(500),
            status(502),
            status(503),
            status(504),
            Outcome::Broken,
            Outcome::Timeout,
            Outcome::NotSent,
        ] {
            let wait = next_wait(&attempt(outcome, true), &cfg, 0.0);
            assert!(matches!(wait, Some(Wait::Backoff(_))), "{outcome:?}");
        }
    }

    #[test]
    fn non_idempotent_calls_retry_only_what_webex_surely_did_not_run() {
        let cfg = config();
        for outcome in [
            status(500),
            status(502),
            status(503),
            status(504),
            Outcome::Broken,
            Outcome::Timeout,
        ] {
            assert_eq!(
                next_wait(&attempt(outcome, false), &cfg, 0.0),
                None,
                "{outcome:?}"
            );
            assert!(may_have_run(outcome), "{outcome:?}");
        }
        let not_sent = next_wait(&attempt(Outcome::NotSent, false), &cfg, 0.0);
        assert!(matches!(not_sent, Some(Wait::Backoff(_))));
        assert!(!may_have_run(Outcome::NotSent) && !may_have_run(status(429)));
    }

    #[test]
    fn client_errors_are_final() {
        let cfg = config();
        for code in [400, 401, 403, 404, 409, 501] {
            assert_eq!(
                next_wait(&attempt(status(code), true), &cfg, 0.0),
                None,
                "{code}"
            );
        }
    }

    #[test]
    fn no_wait_runs_past_the_deadline() {
        let cfg = config();
        let h = headers("30");
        let late = Attempt {
            headers: Some(&h),
            remaining: Duration::from_secs(30),
            ..attempt(status(429), false)
        };
        assert_eq!(next_wait(&late, &cfg, 0.0), None);
        let early = Attempt {
            remaining: Duration::from_secs(31),
            ..late
        };
        assert!(next_wait(&early, &cfg, 0.0).is_some());
        let spent = Attempt {
            remaining: Duration::ZERO,
            ..attempt(status(503), true)
        };
        assert_eq!(next_wait(&spent, &cfg, 0.0), None);
    }

    #[test]
    fn backoff_doubles_from_the_base_with_jitter_and_is_capped() {
        let base = Duration::from_millis(500);
        assert_eq!(backoff(base, 1, 0.0), Duration::from_millis(250));
        assert_eq!(backoff(base, 1, 1.0), Duration::from_millis(500));
        assert_eq!(backoff(base, 2, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(base, 3, 0.5), Duration::from_millis(1500));
        for attempt in [6, 7, 40, u32::MAX] {
            assert_eq!(backoff(base, attempt, 1.0), BACKOFF_CAP, "{attempt}");
            assert_eq!(backoff(base, attempt, 0.0), BACKOFF_CAP / 2, "{attempt}");
        }
        assert_eq!(
            backoff(Duration::from_millis(50), 2, 1.0),
            Duration::from_millis(100)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_scope_sets_the_deadline_and_a_nested_one_only_shortens_it() {
        let cfg = config();
        let now = Instant::now();
        assert_eq!(deadline(&cfg), now + cfg.retry_deadline);
        let outer = now + Duration::from_secs(10);
        within(outer, async {
            assert_eq!(deadline(&cfg), outer);
            within(now + Duration::from_secs(60), async {
                assert_eq!(deadline(&cfg), outer);
            })
            .await;
            within(now + Duration::from_secs(5), async {
                assert_eq!(deadline(&cfg), now + Duration::from_secs(5));
            })
            .await;
            // Work that must finish once begun gets its own deadline, even a later one.
            afresh(now + Duration::from_secs(60), async {
                assert_eq!(deadline(&cfg), now + Duration::from_secs(60));
            })
            .await;
            assert_eq!(deadline(&cfg), outer);
        })
        .await;
    }
}
