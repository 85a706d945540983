//! Small HTTP helpers the organisation routes share: query parsing (repeated parameters kept),
//! the absolute request URL for `Link` headers, JSON bodies, content-type checks and list pages.

use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use url::Url;

use crate::sandbox::error::ApiError;
use crate::sandbox::paging::paginate;

/// The decoded query string, in order, repeated names kept.
#[derive(Debug, Default)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// Parses the query of `uri`.
    pub(crate) fn from_uri(uri: &Uri) -> Self {
        let raw = uri.query().unwrap_or("");
        Self(
            url::form_urlencoded::parse(raw.as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The first value of `name`, if present and not empty.
    pub(crate) fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, with comma-separated values split.
    pub(crate) fn all_split(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A required parameter, or 400 naming it.
    pub(crate) fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.first(name).ok_or_else(|| {
            ApiError::bad_request(format!("Missing required query parameter: {name}"))
        })
    }

    /// A boolean parameter (`true`/`false`), default false.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.first(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

/// The absolute URL the client asked for, from the `Host` header and the request target.
pub(crate) fn request_url(headers: &HeaderMap, uri: &Uri) -> Url {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    Url::parse(&format!("http://{host}{target}"))
        .or_else(|_| Url::parse(&format!("http://127.0.0.1{target}")))
        .unwrap_or_else(|_| Url::parse("http://127.0.0.1/").expect("a constant URL parses"))
}

/// Decodes a JSON body, or 400 with the parser's complaint.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|error| ApiError::bad_request(format!("Invalid JSON in request body: {error}")))
}

/// 415 unless the request's content type is `expected` (parameters such as charset allowed).
pub(crate) fn require_content_type(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    let actual = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = actual.split(';').next().unwrap_or("").trim();
    if media.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Unsupported Content-Type '{actual}': this endpoint requires {expected}"),
        ))
    }
}

/// A JSON answer with `status`.
pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// One page of `items` as `{"items": [...]}` with a `Link` header when more follow.
pub(crate) fn page_response<T, F>(
    items: Vec<T>,
    url: &Url,
    default_max: usize,
    render: F,
) -> Response
where
    F: Fn(T) -> Value,
{
    let page = paginate(items, url, default_max);
    let rendered: Vec<Value> = page.items.into_iter().map(render).collect();
    let mut response = json_response(StatusCode::OK, json!({ "items": rendered }));
    response.headers_mut().extend(page.headers);
    response
}

/// 404 in Webex words for a missing resource.
pub(crate) fn not_found(kind: &str, id: &str) -> ApiError {
    ApiError::not_found(format!("{kind} not found: {id}"))
}

/// Reads a string field of a JSON object body.
pub(crate) fn string_field(body: &Value, name: &str) -> Result<Option<String>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::bad_request(format!(
            "Field '{name}' must be a string"
        ))),
    }
}

/// Reads an integer field of a JSON object body.
pub(crate) fn integer_field(body: &Value, name: &str) -> Result<Option<i64>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| ApiError::bad_request(format!("Field '{name}' must be an integer"))),
        Some(_) => Err(ApiError::bad_request(format!(
            "Field '{name}' must be a number"
        ))),
    }
}

/// Requires the body to be a JSON object.
pub(crate) fn object_body(body: &[u8]) -> Result<Value, ApiError> {
    let value: Value = parse_json(body)?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(ApiError::bad_request(
            "The request body must be a JSON object",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keeps_repeats_and_splits_commas() {
        let uri: Uri = "/v1/xapi/status?name=Audio.Volume,Standby.State&name=SystemUnit.*&x="
            .parse()
            .unwrap();
        let query = Query::from_uri(&uri);
        assert_eq!(
            query.all_split("name"),
            ["Audio.Volume", "Standby.State", "SystemUnit.*"]
        );
        assert_eq!(query.first("x"), None);
        assert!(query.required("deviceId").is_err());
    }

    #[test]
    fn request_url_uses_host_header() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "127.0.0.1:4000".parse().unwrap());
        let uri: Uri = "/v1/devices?max=2".parse().unwrap();
        assert_eq!(
            request_url(&headers, &uri).as_str(),
            "http://127.0.0.1:4000/v1/devices?max=2"
        );
    }

    #[test]
    fn content_type_must_match() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        let err = require_content_type(&headers, "application/json-patch+json").unwrap_err();
        assert_eq!(err.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        headers.insert(
            header::CONTENT_TYPE,
            "application/json-patch+json; charset=utf-8"
                .parse()
                .unwrap(),
        );
        assert!(require_content_type(&headers, "application/json-patch+json").is_ok());
    }
}
