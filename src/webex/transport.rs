//! Sends a [`Request`]: TrackingID and bearer token on every attempt, the in-flight semaphore,
//! retries per [`retry`](super::retry), the observer, tracing, and decoding of the answer.
//! The only place that performs HTTP.

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use url::Url;

use super::client::{CallRecord, WebexClient};
use super::error::{ApiError, RequestInfo, WebexError};
use super::request::{Body, Request, relative_path};
use super::retry::{self, Outcome};
use super::token::Credential;

/// A success answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) tracking_id: String,
}

/// One attempt's raw result.
struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// How an attempt ended, for the retry policy.
fn outcome_of(result: &Result<Raw, reqwest::Error>) -> Outcome {
    match result {
        Ok(raw) => Outcome::Status(raw.status),
        Err(e) if e.is_timeout() => Outcome::Timeout,
        Err(e) if e.is_connect() => Outcome::NotSent,
        Err(_) => Outcome::Broken,
    }
}

impl Answer {
    /// Decodes the body as `T`.
    pub(crate) fn decode<T: DeserializeOwned>(&self) -> Result<T, WebexError> {
        serde_json::from_slice(&self.body).map_err(|source| WebexError::Decode {
            method: self.method.clone(),
            path: self.path.clone(),
            tracking_id: self.tracking_id.clone(),
            source,
        })
    }
}

impl WebexClient {
    /// Sends `request` and decodes a JSON answer.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T, WebexError> {
        let url = request.url(&self.inner.base);
        self.send(&request, url).await?.decode()
    }

    /// Sends `request` and ignores the answer's body (e.g. 204 of a DELETE).
    pub(crate) async fn call_empty(&self, request: Request) -> Result<(), WebexError> {
        let url = request.url(&self.inner.base);
        self.send(&request, url).await.map(drop)
    }

    /// Sends `request` to `url` with retries to the deadline; success statuses become an
    /// [`Answer`].
    pub(crate) async fn send(&self, request: &Request, url: Url) -> Result<Answer, WebexError> {
        request.check_segments()?;
        let tracking_id = format!("ROOMBOT_{}", uuid::Uuid::new_v4());
        let path = relative_path(&self.inner.base, &url);
        let config = &self.inner.config;
        let deadline = retry::deadline(config);
        let (mut number, mut failures) = (1, 0);
        let mut refreshed = false;
        loop {
            let (token, generation) = self.credential.token().await?;
            let result = self
                .attempt(request, &url, &tracking_id, number, &token)
                .await;
            // An expired or revoked access token: refresh once and send again at once.
            if let (Ok(raw), Credential::Refreshing(refresher), false) =
                (&result, &self.credential, refreshed)
                && raw.status == StatusCode::UNAUTHORIZED
            {
                tracing::info!(tracking_id = %tracking_id, endpoint = request.endpoint, "admin access token refused; refreshing once");
                refresher.reject(generation).await;
                refreshed = true;
                number += 1;
                continue;
            }
            let outcome = outcome_of(&result);
            if !matches!(outcome, Outcome::Status(s) if retry::is_rate_limit(s)) {
                failures += 1;
            }
            let attempt = retry::Attempt {
                outcome,
                headers: result.as_ref().ok().map(|raw| &raw.headers),
                idempotent: request.idempotent,
                failures,
                remaining: deadline.saturating_duration_since(Instant::now()),
            };
            let Some(wait) = retry::next_wait(&attempt, config, retry::random_jitter()) else {
                return self.finish(request, path, tracking_id, result);
            };
            tracing::warn!(
                tracking_id = %tracking_id, method = %request.method, endpoint = request.endpoint,
                outcome = ?attempt.outcome, attempt = number, wait_ms = wait.duration().as_millis() as u64,
                "Webex call will be retried"
            );
            tokio::time::sleep(wait.duration()).await;
            number += 1;
        }
    }

    /// One HTTP exchange under a semaphore permit, reported to the observer.
    async fn attempt(
        &self,
        request: &Request,
        url: &Url,
        tracking_id: &str,
        attempt: u32,
        token: &SecretString,
    ) -> Result<Raw, reqwest::Error> {
        // The semaphore is never closed, so acquiring only waits for a free slot.
        let _permit = self.inner.permits.acquire().await.ok();
        let started = Instant::now();
        let result = self.exchange(request, url, tracking_id, token).await;
        let elapsed = started.elapsed();
        let status = result.as_ref().ok().map(|raw| raw.status.as_u16());
        tracing::debug!(
            tracking_id, method = %request.method, endpoint = request.endpoint, status,
            elapsed_ms = elapsed.as_millis() as u64, attempt, "Webex call"
        );
        if let Some(observer) = &self.observer {
            observer(&CallRecord {
                method: request.method.clone(),
                endpoint: request.endpoint,
                status,
                elapsed,
                tracking_id: tracking_id.to_owned(),
            });
        }
        result
    }

    async fn exchange(
        &self,
        request: &Request,
        url: &Url,
        tracking_id: &str,
        token: &SecretString,
    ) -> Result<Raw, reqwest::Error> {
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url.clone())
            .bearer_auth(token.expose_secret())
            .header("TrackingID", tracking_id);
        builder = match &request.body {
            Some(Body::Json(value)) => builder
                .header(CONTENT_TYPE, "application/json")
                .body(value.to_string()),
            Some(Body::JsonPatch(value)) => builder
                .header(CONTENT_TYPE, "application/json-patch+json")
                .body(value.to_string()),
            None => builder,
        };
        let response = builder.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok(Raw {
            status,
            headers,
            body,
        })
    }

    /// Turns the last attempt into the call's result.
    fn finish(
        &self,
        request: &Request,
        path: String,
        tracking_id: String,
        result: Result<Raw, reqwest::Error>,
    ) -> Result<Answer, WebexError> {
        let method = request.method.clone();
        let raw = match result {
            Ok(raw) => raw,
            Err(source) if source.is_timeout() => {
                let after = self.inner.config.timeout;
                tracing::warn!(tracking_id = %tracking_id, %method, endpoint = request.endpoint, "Webex call timed out");
                return Err(WebexError::Timeout {
                    method,
                    path,
                    after,
                    tracking_id,
                });
            }
            Err(source) => {
                let error = source.without_url();
                tracing::warn!(tracking_id = %tracking_id, %method, endpoint = request.endpoint, %error, "Webex call failed");
                // The URL may carry credentials (a proxy's user and password): keep it out.
                return Err(WebexError::Transport {
                    method,
                    path,
                    tracking_id,
                    source: error,
                });
            }
        };
        if raw.status.is_success() {
            return Ok(Answer {
                headers: raw.headers,
                body: raw.body,
                method,
                path,
                tracking_id,
            });
        }
        let retry_after = retry::is_rate_limit(raw.status)
            .then(|| retry::retry_after(Some(&raw.headers), &self.inner.config))
            .flatten();
        let info = RequestInfo {
            method: &method,
            path: &path,
            tracking_id: &tracking_id,
        };
        let error =
            ApiError::from_response(&info, raw.status, &raw.headers, &raw.body, retry_after);
        tracing::warn!(
            tracking_id = %error.tracking_id, %method, endpoint = request.endpoint,
            status = error.status, message = %error.message, "Webex call returned an error"
        );
        Err(WebexError::Api(Box::new(error)))
    }
}
