//! List pagination: follows `Link: <…>; rel="next"`, repairing links that dropped the original
//! query (e.g. `mentionedPeople`) or carry `max=null`, and never sending the token to another
//! origin. Offers one page, "collect all" with a page cap, and a stream of items.

use std::marker::PhantomData;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::header::{HeaderMap, LINK};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;

use super::client::WebexClient;
use super::error::WebexError;
use super::request::{Query, Request};

/// One page of a list and the (repaired) link to the next.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// Where the next page is, if any.
    pub next: Option<Url>,
}

/// A list call that has not run yet: fetch one page, all pages, or stream the items.
pub struct Listing<T> {
    client: WebexClient,
    request: Request,
    _item: PhantomData<fn() -> T>,
}

#[derive(Deserialize)]
struct Items<T> {
    #[serde(default = "Vec::new")]
    items: Vec<T>,
}

impl<T: DeserializeOwned + Send + 'static> Listing<T> {
    pub(crate) fn new(client: &WebexClient, request: Request) -> Self {
        Self {
            client: client.clone(),
            request,
            _item: PhantomData,
        }
    }

    /// The first page only.
    pub async fn first_page(&self) -> Result<Page<T>, WebexError> {
        let url = self.request.url(&self.client.inner.base);
        fetch_page(&self.client, &self.request, url).await
    }

    /// The same list call, its items read as `U` (a narrower view: fields `U` lacks are never
    /// kept).
    pub fn read_as<U: DeserializeOwned + Send + 'static>(self) -> Listing<U> {
        Listing {
            client: self.client,
            request: self.request,
            _item: PhantomData,
        }
    }

    /// Every item, following next links for at most `page_cap` pages (a warning is logged
    /// when the cap cuts the list short).
    pub async fn list_all(&self, page_cap: usize) -> Result<Vec<T>, WebexError> {
        self.list_all_mapped(page_cap, |item| item).await
    }

    /// Every item as `map` makes it, applied page by page as they arrive (so a listing of
    /// thousands never holds more than one page of unmapped items).
    pub async fn list_all_mapped<U>(
        &self,
        page_cap: usize,
        mut map: impl FnMut(T) -> U,
    ) -> Result<Vec<U>, WebexError> {
        let mut items = Vec::new();
        let mut url = Some(self.request.url(&self.client.inner.base));
        let mut pages = 0;
        while let Some(current) = url.take() {
            if pages == page_cap {
                tracing::warn!(
                    endpoint = self.request.endpoint,
                    page_cap,
                    "Webex list cut at the page cap"
                );
                break;
            }
            let page = fetch_page(&self.client, &self.request, current).await?;
            pages += 1;
            items.extend(page.items.into_iter().map(&mut map));
            url = page.next;
        }
        Ok(items)
    }

    /// The items of every page, fetched lazily one page at a time.
    pub fn stream(self) -> BoxStream<'static, Result<T, WebexError>> {
        let first = self.request.url(&self.client.inner.base);
        let state = (self.client, self.request, Some(first));
        stream::try_unfold(state, |(client, request, url)| async move {
            let Some(url) = url else { return Ok(None) };
            let page: Page<T> = fetch_page(&client, &request, url).await?;
            Ok(Some((page.items, (client, request, page.next))))
        })
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }
}

async fn fetch_page<T: DeserializeOwned>(
    client: &WebexClient,
    request: &Request,
    url: Url,
) -> Result<Page<T>, WebexError> {
    let answer = client.send(request, url.clone()).await?;
    let Items { items } = answer.decode()?;
    let original = request.url(&client.inner.base);
    let next = next_link(&answer.headers)
        .map(|link| repair_next(link, &original))
        .filter(|next| *next != url);
    Ok(Page { items, next })
}

/// The `rel="next"` target of a `Link` header (several links may be comma-separated).
pub(crate) fn next_link(headers: &HeaderMap) -> Option<Url> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|value| {
            value.split(',').find_map(|link| {
                let (target, params) = link.trim().split_once(';')?;
                let is_next = params.split(';').any(|p| {
                    let p = p.trim().replace(' ', "");
                    p == "rel=\"next\"" || p == "rel=next"
                });
                let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
                is_next.then(|| Url::parse(target).ok()).flatten()
            })
        })
}

/// Keeps the link's own parameters (cursor, start) minus `null` values, adds back every original
/// parameter it lost, and pins the origin to the one we called.
pub(crate) fn repair_next(link: Url, original: &Url) -> Url {
    let mut query = Query(
        Query::of(&link)
            .0
            .into_iter()
            .filter(|(_, v)| v != "null")
            .collect(),
    );
    for (key, value) in Query::of(original).0 {
        if !query.has(&key) {
            query.0.push((key, value));
        }
    }
    let mut next = original.clone();
    next.set_path(link.path());
    next.set_query(query.encode().as_deref());
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("valid URL")
    }

    #[test]
    fn finds_the_next_link_among_several() {
        let mut headers = HeaderMap::new();
        let value = "<https://webexapis.com/v1/x?start=1>; rel=\"prev\", <https://webexapis.com/v1/x?start=3>; rel=\"next\"";
        headers.insert(LINK, value.parse().expect("valid header"));
        assert_eq!(
            next_link(&headers),
            Some(url("https://webexapis.com/v1/x?start=3"))
        );
        assert_eq!(next_link(&HeaderMap::new()), None);
    }

    #[test]
    fn repair_restores_lost_parameters_and_replaces_null_max() {
        let original = url("https://webexapis.com/v1/messages?roomId=R&mentionedPeople=me&max=2");
        let link = url("https://webexapis.com/v1/messages?roomId=R&max=null&beforeMessage=M2");
        let next = repair_next(link, &original);
        let query = Query::of(&next);
        assert_eq!(
            query.0,
            vec![
                ("roomId".to_owned(), "R".to_owned()),
                ("beforeMessage".to_owned(), "M2".to_owned()),
                ("mentionedPeople".to_owned(), "me".to_owned()),
                ("max".to_owned(), "2".to_owned()),
            ]
        );
    }

    #[test]
    fn repair_never_leaves_our_origin() {
        let original = url("http://127.0.0.1:8/v1/devices?max=2");
        let next = repair_next(url("https://evil.example/v1/devices?start=2"), &original);
        assert_eq!(next.as_str(), "http://127.0.0.1:8/v1/devices?start=2&max=2");
    }
}
