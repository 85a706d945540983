//! `GET /oauth/callback`: where Webex sends an organisation admin back after they approved
//! roombot's admin access (`roombot auth login`). The code is exchanged for a refresh token and
//! kept; the running server's admin client picks it up at its next refresh, no restart needed.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::get;
use tokio::sync::Notify;

use crate::bot::auth;
use crate::settings::Settings;
use crate::store::Store;

/// What the callback needs, and a signal for whoever waits for the sign-in.
pub struct Login {
    settings: Settings,
    store: Store,
    redirect_uri: String,
    /// Notified once a sign-in finished.
    pub signed_in: Notify,
}

impl Login {
    /// The callback for `settings`' admin credential, redirected to at `redirect_uri`.
    pub fn new(settings: Settings, store: Store, redirect_uri: String) -> Arc<Self> {
        Arc::new(Self {
            settings,
            store,
            redirect_uri,
            signed_in: Notify::new(),
        })
    }
}

/// The callback route.
pub fn routes(login: Arc<Login>) -> Router {
    Router::new().route("/oauth/callback", get(callback).with_state(login))
}

async fn callback(
    State(login): State<Arc<Login>>,
    Query(params): Query<HashMap<String, String>>,
) -> (StatusCode, Html<String>) {
    if let Some(error) = params.get("error") {
        return page(
            StatusCode::BAD_REQUEST,
            &format!("roombot did not get admin access: Webex answered “{error}”."),
        );
    }
    let Some(code) = params.get("code") else {
        return page(StatusCode::BAD_REQUEST, "This address needs Webex's code.");
    };
    let state = params.get("state").map(String::as_str);
    match auth::finish(
        &login.settings,
        &login.store,
        code,
        state,
        &login.redirect_uri,
    )
    .await
    {
        Ok(()) => {
            login.signed_in.notify_waiters();
            page(
                StatusCode::OK,
                "roombot has admin access now. You can close this page.",
            )
        }
        Err(error) => {
            tracing::warn!(error = %format!("{error:#}"), "admin sign-in failed");
            page(
                StatusCode::BAD_REQUEST,
                &format!("roombot could not finish the sign-in: {error:#}"),
            )
        }
    }
}

fn page(status: StatusCode, text: &str) -> (StatusCode, Html<String>) {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>roombot</title></head>\
         <body><p>{escaped}</p></body></html>"
    );
    (status, Html(html))
}
