//! Webex list pagination: `max` sets the page size, `start` the offset, and a
//! `Link: <…>; rel="next"` header points at the next page, keeping the original query.

use axum::http::{HeaderMap, HeaderValue, header};
use url::Url;

/// A page of `items` and the headers to answer it with.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub headers: HeaderMap,
}

/// Cuts one page out of `items`.
///
/// `request_url` is the full URL the client asked for (scheme, host, path and query); the next
/// link repeats it with `start` moved on, so filters survive. `default_max` applies when the query
/// has no valid `max`.
pub fn paginate<T>(items: Vec<T>, request_url: &Url, default_max: usize) -> Page<T> {
    let query: Vec<(String, String)> = request_url.query_pairs().into_owned().collect();
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let max = get("max")
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|m| *m > 0)
        .unwrap_or(default_max);
    let start = get("start")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(max).collect();
    let mut headers = HeaderMap::new();
    if start + max < total {
        let mut next = request_url.clone();
        {
            let mut pairs = next.query_pairs_mut();
            pairs.clear();
            for (k, v) in query.iter().filter(|(k, _)| k != "start" && k != "max") {
                pairs.append_pair(k, v);
            }
            pairs.append_pair("max", &max.to_string());
            pairs.append_pair("start", &(start + max).to_string());
        }
        if let Ok(value) = HeaderValue::from_str(&format!("<{next}>; rel=\"next\"")) {
            headers.insert(header::LINK, value);
        }
    }
    Page {
        items: page,
        headers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_link_keeps_filters_and_moves_start() {
        let url = Url::parse("http://127.0.0.1:1/v1/devices?tag=a&max=2").unwrap();
        let page = paginate((0..5).collect(), &url, 100);
        assert_eq!(page.items, vec![0, 1]);
        let link = page.headers[header::LINK].to_str().unwrap();
        assert_eq!(
            link,
            "<http://127.0.0.1:1/v1/devices?tag=a&max=2&start=2>; rel=\"next\""
        );
    }

    #[test]
    fn last_page_has_no_link() {
        let url = Url::parse("http://127.0.0.1:1/v1/devices?max=2&start=4").unwrap();
        let page = paginate((0..5).collect(), &url, 100);
        assert_eq!(page.items, vec![4]);
        assert!(page.headers.get(header::LINK).is_none());
    }
}
