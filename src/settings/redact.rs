//! Showing settings without their secrets: URLs lose user, password, query values and fragment
//! (a query may carry a token); `Debug` of the sections that hold URLs uses that.

use std::fmt;

use url::Url;

use super::{AdminSettings, ServerSettings, WebexSettings};

/// What [`redact_url`] puts in place of a hidden part.
const HIDDEN: &str = "REDACTED";

/// `url` safe to log: `https://REDACTED@host/v1?key=REDACTED`.
pub fn redact_url(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_fragment(None);
    if !url.username().is_empty() || url.password().is_some() {
        let _ = shown.set_password(None);
        let _ = shown.set_username(HIDDEN);
    }
    if url.query().is_some() {
        let keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        shown
            .query_pairs_mut()
            .clear()
            .extend_pairs(keys.iter().map(|k| (k.as_str(), HIDDEN)));
    }
    shown.to_string()
}

struct Shown<'a>(&'a Url);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(self.0))
    }
}

impl fmt::Debug for WebexSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebexSettings")
            .field("token", &self.token)
            .field("api_base", &Shown(&self.api_base))
            .field("webhook_secret", &self.webhook_secret)
            .field("timeout", &self.timeout)
            .field("max_in_flight", &self.max_in_flight)
            .field("retry_deadline", &self.retry_deadline)
            .field("retry_backoff", &self.retry_backoff)
            .field("retry_after_cap", &self.retry_after_cap)
            .field("u2c_url", &Shown(&self.u2c_url))
            .field("proxy", &self.proxy.as_ref().map(|p| Shown(&p.url)))
            .field("admin", &self.admin)
            .finish()
    }
}

impl fmt::Debug for AdminSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminSettings")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("refresh_token", &self.refresh_token)
            .finish()
    }
}

impl fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerSettings")
            .field("listen", &self.listen)
            .field("public_url", &self.public_url.as_ref().map(Shown))
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("sync_webhooks_on_start", &self.sync_webhooks_on_start)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_connections", &self.max_connections)
            .field("body_buffer_bytes", &self.body_buffer_bytes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_query_values_and_fragments_are_hidden() {
        let cases = [
            (
                "https://bot:hunter2@proxy.example.com/v1",
                "https://REDACTED@proxy.example.com/v1",
            ),
            (
                "https://tok@proxy.example.com/v1",
                "https://REDACTED@proxy.example.com/v1",
            ),
            (
                "https://roombot.example.com/?key=abc&x=1#frag",
                "https://roombot.example.com/?key=REDACTED&x=REDACTED",
            ),
            ("https://webexapis.com/v1", "https://webexapis.com/v1"),
        ];
        for (raw, shown) in cases {
            let url = Url::parse(raw).expect("a URL");
            assert_eq!(redact_url(&url), shown, "{raw}");
        }
    }
}
