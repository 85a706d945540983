//! `[intake]` (how Webex events reach roombot: webhooks or a websocket) and the Webex proxy
//! (`webex.proxy`, `webex.no_proxy`, else `HTTPS_PROXY`/`NO_PROXY` from the environment), checked.

use std::collections::HashMap;
use std::time::Duration;

use url::Url;

use super::{SettingsError, positive, raw};

/// `[intake]`: where events come from, and the websocket's keepalive and reconnection.
#[derive(Debug, Clone)]
pub struct IntakeSettings {
    pub mode: IntakeMode,
    /// The device registration's name (reused across restarts).
    pub device_name: String,
    pub ping_interval: Duration,
    pub pong_timeout: Duration,
    /// First reconnection wait (doubles per failure, jittered).
    pub reconnect_backoff: Duration,
    pub reconnect_backoff_max: Duration,
}

/// How Webex events reach roombot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntakeMode {
    /// Webex POSTs signed deliveries to `server.public_url`.
    Webhook,
    /// roombot holds an outbound websocket to Webex (no public URL needed).
    Websocket,
}

/// An HTTP proxy for Webex connections and the hosts that bypass it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxySettings {
    /// `http://host:port` (credentials are not supported).
    pub url: Url,
    /// Lower-cased host suffixes, IP addresses, or `*` (everything bypasses).
    pub no_proxy: Vec<String>,
    /// Only for `https://` and `wss://` targets (a proxy from `HTTPS_PROXY`, as tools read it);
    /// `webex.proxy` and `ALL_PROXY` serve every target.
    pub secure_only: bool,
}

impl ProxySettings {
    /// Whether a connection to `host` (over TLS when `secure`) goes through the proxy: not for
    /// a plain target of a secure-only proxy, nor when `host` is, or is below, an entry of
    /// `no_proxy` (`example.com` and `.example.com` both match `a.example.com`).
    pub fn applies_to(&self, secure: bool, host: &str) -> bool {
        if self.secure_only && !secure {
            return false;
        }
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_lowercase();
        !self.no_proxy.iter().any(|entry| {
            let entry = entry.trim_start_matches('.');
            entry == "*" || host == entry || host.ends_with(&format!(".{entry}"))
        })
    }

    /// The `no_proxy` list as one comma-separated string (what reqwest's `NoProxy` reads).
    pub fn no_proxy_list(&self) -> String {
        self.no_proxy.join(",")
    }
}

/// Validates `[intake]`.
pub(super) fn intake_settings(raw: &raw::RawIntake) -> Result<IntakeSettings, SettingsError> {
    let mode = match raw.mode.trim().to_lowercase().as_str() {
        "webhook" => IntakeMode::Webhook,
        "websocket" => IntakeMode::Websocket,
        other => {
            let problem = format!("{other:?} is not one of \"webhook\", \"websocket\"");
            return Err(SettingsError::invalid("intake.mode", problem));
        }
    };
    let device_name = raw.device_name.trim().to_owned();
    if device_name.is_empty() {
        return Err(SettingsError::invalid(
            "intake.device_name",
            "must not be empty",
        ));
    }
    let secs = |key: &str, v: u64| positive(key, v).map(Duration::from_secs);
    let backoff = positive("intake.reconnect_backoff_ms", raw.reconnect_backoff_ms)?;
    Ok(IntakeSettings {
        mode,
        device_name,
        ping_interval: secs("intake.ping_interval_secs", raw.ping_interval_secs)?,
        pong_timeout: secs("intake.pong_timeout_secs", raw.pong_timeout_secs)?,
        reconnect_backoff: Duration::from_millis(backoff),
        reconnect_backoff_max: secs(
            "intake.reconnect_backoff_max_secs",
            raw.reconnect_backoff_max_secs,
        )?,
    })
}

/// Validates `webex.u2c_url`.
pub(super) fn u2c_url(raw: &str) -> Result<Url, SettingsError> {
    let url = Url::parse(raw.trim())
        .map_err(|e| SettingsError::invalid("webex.u2c_url", format!("not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SettingsError::invalid(
            "webex.u2c_url",
            "must be an http(s) URL",
        ));
    }
    Ok(url)
}

/// The environment variables the proxy may come from, in order of preference.
pub const PROXY_VARS: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// `webex.proxy` and `webex.no_proxy` when set; else `HTTPS_PROXY` (or `https_proxy`,
/// `ALL_PROXY`) with `NO_PROXY`'s exceptions from `env`; `None` when neither names a proxy.
/// An explicit `webex.proxy` never takes exceptions from the environment.
pub(super) fn proxy_settings(
    raw: &raw::RawWebex,
    env: &HashMap<String, String>,
) -> Result<Option<ProxySettings>, SettingsError> {
    let first = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| env.get(*n).map(|v| v.trim()).filter(|v| !v.is_empty()))
            .map(str::to_owned)
    };
    let (text, key, no_proxy, secure_only) = match raw.proxy.trim() {
        "" => {
            let (text, secure_only) = match first(&PROXY_VARS[..2]) {
                Some(text) => (text, true),
                None => match first(&PROXY_VARS[2..4]) {
                    Some(text) => (text, false),
                    None => return Ok(None),
                },
            };
            let exceptions = match raw.no_proxy.trim() {
                "" => first(&PROXY_VARS[4..]).unwrap_or_default(),
                set => set.to_owned(),
            };
            (text, "HTTPS_PROXY", exceptions, secure_only)
        }
        set => (set.to_owned(), "webex.proxy", raw.no_proxy.clone(), false),
    };
    let with_scheme = if text.contains("://") {
        text
    } else {
        format!("http://{text}")
    };
    let url = Url::parse(&with_scheme)
        .ok()
        .filter(|u| u.scheme() == "http" && u.host_str().is_some())
        .ok_or_else(|| SettingsError::invalid(key, "must be an http://host:port proxy URL"))?;
    let no_proxy = no_proxy
        .split(',')
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    Ok(Some(ProxySettings {
        url,
        no_proxy,
        secure_only,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webex(proxy: &str, no_proxy: &str) -> raw::RawWebex {
        raw::RawWebex {
            token: String::new(),
            api_base: String::new(),
            webhook_secret: String::new(),
            timeout_secs: 1,
            max_in_flight: 1,
            retry_deadline_secs: 1,
            retry_backoff_ms: 1,
            retry_after_cap_secs: 1,
            u2c_url: String::new(),
            proxy: proxy.to_owned(),
            no_proxy: no_proxy.to_owned(),
            admin: raw::RawAdmin {
                client_id: String::new(),
                client_secret: String::new(),
                refresh_token: String::new(),
            },
        }
    }

    fn env_of(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn an_explicit_proxy_ignores_the_environments_exceptions() {
        let env = env_of(&[("HTTPS_PROXY", "http://other:1"), ("NO_PROXY", "*")]);
        let proxy = proxy_settings(&webex("127.0.0.1:3128", ""), &env)
            .unwrap()
            .unwrap();
        assert_eq!(proxy.url.as_str(), "http://127.0.0.1:3128/");
        assert!(proxy.applies_to(false, "127.0.0.1"));
        assert!(proxy.applies_to(true, "localhost"));
    }

    #[test]
    fn the_environment_gives_the_proxy_and_its_exceptions() {
        let env = env_of(&[
            ("https_proxy", "http://proxy.corp:8080"),
            ("NO_PROXY", "localhost, .corp.example ,10.0.0.1"),
        ]);
        let proxy = proxy_settings(&webex("", ""), &env).unwrap().unwrap();
        assert_eq!(proxy.url.host_str(), Some("proxy.corp"));
        assert!(!proxy.applies_to(true, "localhost"));
        assert!(!proxy.applies_to(true, "a.corp.example"));
        assert!(!proxy.applies_to(true, "corp.example"));
        assert!(!proxy.applies_to(true, "10.0.0.1"));
        assert!(proxy.applies_to(true, "webexapis.com"));
        assert!(proxy.applies_to(true, "notcorp.example"));
        // HTTPS_PROXY serves https and wss only; ALL_PROXY everything.
        assert!(!proxy.applies_to(false, "webexapis.com"));
        let all = env_of(&[("ALL_PROXY", "http://proxy.corp:8080")]);
        let all = proxy_settings(&webex("", ""), &all).unwrap().unwrap();
        assert!(all.applies_to(false, "webexapis.com"));
        let none = proxy_settings(&webex("", ""), &HashMap::new()).unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn a_proxy_that_is_not_http_is_refused_by_name() {
        let error = proxy_settings(&webex("socks5://h:1", ""), &HashMap::new()).unwrap_err();
        assert!(error.to_string().contains("webex.proxy"), "{error}");
        let wild = proxy_settings(&webex("http://p:1", "*"), &HashMap::new())
            .unwrap()
            .unwrap();
        assert!(!wild.applies_to(true, "anything"));
    }
}
