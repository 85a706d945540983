//! One Webex call before it is sent: method, route template, path segments, query and body.
//! Builds URLs below the base (segments are percent-encoded, query values strictly so that
//! `[`, `]` and `*` in xAPI names survive).

use std::fmt::Display;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde::Serialize;
use url::Url;

use super::error::WebexError;

/// Everything but RFC 3986 unreserved characters is encoded in query keys and values.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A request body and the content type it is sent with.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// `application/json`.
    Json(serde_json::Value),
    /// `application/json-patch+json`.
    JsonPatch(serde_json::Value),
}

/// Ordered query parameters (a key may repeat, e.g. xAPI status `name`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Query(pub(crate) Vec<(String, String)>);

impl Query {
    /// Appends `key=value`.
    pub(crate) fn push(&mut self, key: &str, value: impl Display) -> &mut Self {
        self.0.push((key.to_owned(), value.to_string()));
        self
    }

    /// Appends `key=value` when `value` is set.
    pub(crate) fn opt(&mut self, key: &str, value: Option<impl Display>) -> &mut Self {
        if let Some(value) = value {
            self.push(key, value);
        }
        self
    }

    /// `k=v&k2=v2`, strictly percent-encoded; `None` when empty.
    pub(crate) fn encode(&self) -> Option<String> {
        if self.0.is_empty() {
            return None;
        }
        let pairs: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    utf8_percent_encode(k, QUERY_VALUE),
                    utf8_percent_encode(v, QUERY_VALUE)
                )
            })
            .collect();
        Some(pairs.join("&"))
    }

    /// The decoded pairs of `url`'s query.
    pub(crate) fn of(url: &Url) -> Self {
        Self(url.query_pairs().into_owned().collect())
    }

    /// True when some pair has this key.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }
}

/// A call to make: built by resource methods, executed by the transport.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: Method,
    /// Route template for metrics and logs, e.g. `messages/{id}`.
    pub(crate) endpoint: &'static str,
    pub(crate) segments: Vec<String>,
    pub(crate) query: Query,
    pub(crate) body: Option<Body>,
    /// Safe to repeat after a 5xx or a connection error.
    pub(crate) idempotent: bool,
}

impl Request {
    /// A call to `segments` below the base; GET, PUT and DELETE count as idempotent.
    pub(crate) fn new(method: Method, endpoint: &'static str, segments: &[&str]) -> Self {
        let idempotent = matches!(
            method,
            Method::GET | Method::PUT | Method::DELETE | Method::HEAD
        );
        Self {
            method,
            endpoint,
            segments: segments.iter().map(|s| (*s).to_owned()).collect(),
            query: Query::default(),
            body: None,
            idempotent,
        }
    }

    /// Shorthand for a GET.
    pub(crate) fn get(endpoint: &'static str, segments: &[&str]) -> Self {
        Self::new(Method::GET, endpoint, segments)
    }

    /// Sets the query.
    pub(crate) fn query(mut self, query: Query) -> Self {
        self.query = query;
        self
    }

    /// Sets a JSON body.
    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self, WebexError> {
        self.body = Some(Body::Json(to_value(body)?));
        Ok(self)
    }

    /// Sets a JSON Patch body (`application/json-patch+json`).
    pub(crate) fn json_patch(mut self, body: &impl Serialize) -> Result<Self, WebexError> {
        self.body = Some(Body::JsonPatch(to_value(body)?));
        Ok(self)
    }

    /// Overrides the idempotency implied by the method.
    pub(crate) fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Refuses segments a URL would drop or resolve (`""`, `.`, `..`): an id such as `..` must
    /// never turn `messages/{id}` into `messages`.
    pub(crate) fn check_segments(&self) -> Result<(), WebexError> {
        match self
            .segments
            .iter()
            .find(|s| matches!(s.as_str(), "" | "." | ".."))
        {
            Some(bad) => Err(WebexError::InvalidRequest(format!(
                "{:?} is not a valid id in {}",
                bad, self.endpoint
            ))),
            None => Ok(()),
        }
    }

    /// The absolute URL below `base` (whose path ends in `/`).
    pub(crate) fn url(&self, base: &Url) -> Url {
        let mut url = base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(self.segments.iter());
        }
        url.set_query(self.query.encode().as_deref());
        url
    }
}

fn to_value(body: &impl Serialize) -> Result<serde_json::Value, WebexError> {
    serde_json::to_value(body)
        .map_err(|e| WebexError::InvalidRequest(format!("cannot encode request body: {e}")))
}

/// The part of `url`'s path below `base`, for logs and errors (`messages/abc`).
pub(crate) fn relative_path(base: &Url, url: &Url) -> String {
    let path = url.path();
    path.strip_prefix(base.path()).unwrap_or(path).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded_and_appended_below_the_base() {
        let base = Url::parse("http://127.0.0.1:9/v1/").expect("valid URL");
        let url = Request::get("messages/{id}", &["messages", "a/b c="]).url(&base);
        assert_eq!(url.as_str(), "http://127.0.0.1:9/v1/messages/a%2Fb%20c=");
        assert_eq!(relative_path(&base, &url), "messages/a%2Fb%20c=");
    }

    #[test]
    fn dot_and_empty_segments_are_refused() {
        for bad in ["..", ".", ""] {
            let request = Request::get("messages/{id}", &["messages", bad]);
            assert!(request.check_segments().is_err(), "{bad:?}");
        }
        let fine = Request::get("messages/{id}", &["messages", "..a", "a.b"]);
        assert!(fine.check_segments().is_ok());
    }

    #[test]
    fn query_encodes_brackets_stars_and_spaces() {
        let mut query = Query::default();
        query
            .push("name", "Audio.Input.Connectors.HDMI[*].Mute")
            .push("q", "a b,c:d");
        assert_eq!(
            query.encode().as_deref(),
            Some("name=Audio.Input.Connectors.HDMI%5B%2A%5D.Mute&q=a%20b%2Cc%3Ad")
        );
        let url = Request::get("x", &["x"])
            .query(query.clone())
            .url(&Url::parse("http://h/v1/").expect("valid URL"));
        assert_eq!(Query::of(&url), query);
    }
}
