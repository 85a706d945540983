//! Small request/response helpers shared by the messaging routes: JSON bodies parsed into the
//! Webex error envelope (never axum's plain-text rejections), query pairs, the full request URL
//! for `Link` headers, and `{"items": [...]}` pages.

use axum::Json;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use url::Url;

use super::error::ApiError;
use super::paging;
use super::state::Shared;

/// Parses a JSON request body, answering 400 in Webex's shape when it is missing or malformed.
pub fn parse_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "The request body is missing or empty.",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("The request body could not be parsed: {e}")))
}

/// The query string's `(name, value)` pairs, decoded.
pub fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// The first value of query parameter `name`.
pub fn query_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `max` from the query: absent → `None`; not a positive integer → 400.
pub fn query_max(pairs: &[(String, String)]) -> Result<Option<usize>, ApiError> {
    match query_value(pairs, "max") {
        None => Ok(None),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(ApiError::bad_request(format!(
                "Invalid value for max: '{v}'."
            ))),
        },
    }
}

/// The absolute URL the client asked for, as `Link` headers repeat it.
pub fn request_url(shared: &Shared, uri: &Uri) -> Url {
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    Url::parse(&format!("{}{path_and_query}", shared.origin))
        .unwrap_or_else(|_| Url::parse("http://127.0.0.1/").expect("a literal URL parses"))
}

/// Answers one page of `items` with `Link` pagination.
pub fn list_response(shared: &Shared, uri: &Uri, items: Vec<Value>) -> Response {
    let url = request_url(shared, uri);
    let page = paging::paginate(items, &url, shared.settings.default_page_size);
    (page.headers, Json(json!({ "items": page.items }))).into_response()
}

/// Answers `items` as one page with the given headers.
pub fn items_response(headers: HeaderMap, items: Vec<Value>) -> Response {
    (headers, Json(json!({ "items": items }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_body_is_a_webex_400() {
        let err = parse_json::<Value>(&Bytes::from_static(b"  ")).unwrap_err();
        assert_eq!(err.status, axum::http::StatusCode::BAD_REQUEST);
    }

    #[test]
    fn max_must_be_a_positive_integer() {
        let pairs = vec![("max".to_owned(), "0".to_owned())];
        assert!(query_max(&pairs).is_err());
        let pairs = vec![("max".to_owned(), "7".to_owned())];
        assert_eq!(query_max(&pairs).unwrap(), Some(7));
    }
}
