//! Rate limits: at most `access.rate_per_person` commands per person and
//! `access.rate_per_space` per space in any minute (0: no limit). Counted in memory over a
//! sliding minute; a refused request does not count. Checked before anything is looked up, so
//! a request over the limit makes no Webex call but its reply.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window limits count over.
const WINDOW: Duration = Duration::from_secs(60);

/// Keys kept before empty ones are swept.
const SWEEP_AT: usize = 10_000;

/// Which limit a request ran into, and when it may come again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exceeded {
    /// The space's limit (else the person's).
    pub space: bool,
    pub limit: u32,
    /// How long until the oldest counted request leaves the window.
    pub retry_in: Duration,
}

/// Per-person and per-space sliding-minute counters.
pub(crate) struct RateLimiter {
    per_person: u32,
    per_space: u32,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Limits of `per_person` and `per_space` requests a minute (0: none).
    pub fn new(per_person: u32, per_space: u32) -> Self {
        Self {
            per_person,
            per_space,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request of `person` in `space` now, or says which limit it exceeds.
    pub fn check(&self, person: &str, space: &str) -> Result<(), Exceeded> {
        self.check_at(person, space, Instant::now())
    }

    /// [`Self::check`] at `now`.
    pub fn check_at(&self, person: &str, space: &str, now: Instant) -> Result<(), Exceeded> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() > SWEEP_AT {
            seen.retain(|_, times| times.back().is_some_and(|t| now - *t < WINDOW));
        }
        let keys = [
            (format!("p:{person}"), self.per_person, false),
            (format!("s:{space}"), self.per_space, true),
        ];
        for (key, limit, is_space) in &keys {
            if *limit == 0 {
                continue;
            }
            let times = seen.entry(key.clone()).or_default();
            while times
                .front()
                .is_some_and(|t| now.duration_since(*t) >= WINDOW)
            {
                times.pop_front();
            }
            if times.len() >= *limit as usize {
                let oldest = times.front().copied().unwrap_or(now);
                return Err(Exceeded {
                    space: *is_space,
                    limit: *limit,
                    retry_in: WINDOW.saturating_sub(now.duration_since(oldest)),
                });
            }
        }
        for (key, limit, _) in keys {
            if limit > 0 {
                seen.entry(key).or_default().push_back(now);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_31st_request_in_a_minute_is_refused_until_the_first_leaves_the_window() {
        let limits = RateLimiter::new(30, 0);
        let start = Instant::now();
        for i in 0..30 {
            let at = start + Duration::from_secs(i);
            assert_eq!(limits.check_at("vera", "R", at), Ok(()), "request {i}");
        }
        let at = start + Duration::from_secs(40);
        let refused = limits.check_at("vera", "R", at).unwrap_err();
        assert_eq!(
            refused,
            Exceeded {
                space: false,
                limit: 30,
                retry_in: Duration::from_secs(20)
            }
        );
        // Someone else is not limited by vera's requests.
        assert_eq!(limits.check_at("oscar", "R", at), Ok(()));
        // A refused request does not count: once the first leaves the window, one more fits.
        let later = start + Duration::from_secs(60);
        assert_eq!(limits.check_at("vera", "R", later), Ok(()));
        assert!(limits.check_at("vera", "R", later).is_err());
    }

    #[test]
    fn a_space_limit_counts_everyone_in_it() {
        let limits = RateLimiter::new(0, 2);
        let now = Instant::now();
        assert!(limits.check_at("a", "R", now).is_ok());
        assert!(limits.check_at("b", "R", now).is_ok());
        let refused = limits.check_at("c", "R", now).unwrap_err();
        assert!(refused.space && refused.limit == 2);
        assert!(limits.check_at("c", "S", now).is_ok());
    }
}
