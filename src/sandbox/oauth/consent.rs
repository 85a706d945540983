//! The sandbox's consent page: `GET /v1/authorize?client_id&response_type=code&redirect_uri&
//! scope&state` shows which integration asks for which scopes and lets a demo person (the one
//! picked in the form: there is no password) accept or decline. `POST /v1/authorize` takes
//! the form (`client_id`, `redirect_uri`, `scope`, `state`, `person` = an email, `decision` =
//! `accept` | `decline`) and answers 302 to `redirect_uri?code=…&state=…`, or
//! `?error=access_denied&state=…`. Plain HTML without script, so headless clients can post the
//! form directly.
//!
//! An unknown `client_id` or a `redirect_uri` the integration did not register is answered 400
//! on the page itself (never redirected, as OAuth requires); other problems are redirected with
//! `error=unsupported_response_type` or `error=invalid_scope`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use tokio::time::Instant;

use crate::sandbox::demo_people::DemoPerson;
use crate::sandbox::state::Shared;

/// A checked authorization request.
struct Ask {
    app_name: String,
    client_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    state: String,
}

/// `GET /v1/authorize`: the consent page.
pub async fn page(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let params: HashMap<String, String> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    match check(&shared, &params) {
        Ok(ask) => Html(render(&ask, &shared.people)).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

/// `POST /v1/authorize`: the consent form's answer.
pub async fn decide(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let ask = match check(&shared, &form) {
        Ok(ask) => ask,
        Err(refusal) => return refusal.into_response(),
    };
    if form.get("decision").map(String::as_str) != Some("accept") {
        return redirect(
            &ask.redirect_uri,
            &[("error", "access_denied"), ("state", &ask.state)],
        );
    }
    let email = form.get("person").map(String::as_str).unwrap_or("");
    let Some(person) = shared.person_by_email(email).filter(|p| !p.is_bot()) else {
        return bad_page(&format!("No demo person has the email '{email}'."));
    };
    let code = shared.tokens().new_code(
        &ask.client_id,
        &ask.redirect_uri,
        &person.id,
        ask.scopes.clone(),
        Instant::now(),
    );
    redirect(&ask.redirect_uri, &[("code", &code), ("state", &ask.state)])
}

/// Why the consent page does not show: a problem shown on the page (unknown client or
/// redirect), or one sent back to the integration's `redirect_uri` with OAuth's `error`.
enum Refusal {
    Page(String),
    Redirect {
        uri: String,
        error: &'static str,
        state: String,
    },
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Self::Page(problem) => bad_page(&problem),
            Self::Redirect { uri, error, state } => {
                redirect(&uri, &[("error", error), ("state", &state)])
            }
        }
    }
}

fn check(shared: &Shared, params: &HashMap<String, String>) -> Result<Ask, Refusal> {
    let get = |name: &str| params.get(name).map(String::as_str).unwrap_or("");
    let tokens = shared.tokens();
    let integration = tokens.integration(get("client_id")).ok_or_else(|| {
        Refusal::Page("Unknown client_id: no integration is registered with it.".into())
    })?;
    let redirect_uri = get("redirect_uri");
    if !integration.redirect_uris.iter().any(|u| u == redirect_uri) {
        return Err(Refusal::Page(format!(
            "redirect_uri '{redirect_uri}' is not registered for this integration."
        )));
    }
    let state = get("state").to_owned();
    let refuse = |error| Refusal::Redirect {
        uri: redirect_uri.to_owned(),
        error,
        state: state.clone(),
    };
    if params.contains_key("response_type") && get("response_type") != "code" {
        return Err(refuse("unsupported_response_type"));
    }
    let scopes: Vec<String> = get("scope").split_whitespace().map(str::to_owned).collect();
    if scopes.is_empty() {
        return Err(refuse("invalid_scope"));
    }
    Ok(Ask {
        app_name: integration.name.clone(),
        client_id: integration.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        state,
    })
}

/// 302 to `uri` with `pairs` added to its query.
fn redirect(uri: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(uri) else {
        return bad_page("redirect_uri is not an absolute URL.");
    };
    url.query_pairs_mut().extend_pairs(pairs);
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

fn bad_page(problem: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorization \
         failed</title></head><body><h1>Authorization failed</h1><p>{}</p></body></html>",
        escape(problem)
    );
    (StatusCode::BAD_REQUEST, Html(page)).into_response()
}

fn render(ask: &Ask, people: &[DemoPerson]) -> String {
    let scopes: String = ask
        .scopes
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", escape(s)))
        .collect();
    let (hidden, options) = (hidden_fields(ask), person_options(people));
    let app = escape(&ask.app_name);
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorize {app} \
         (Webex sandbox)</title></head><body><h1>{app} asks for access to your Webex account</h1>\
         <p>It asks for these scopes:</p><ul>{scopes}</ul>\
         <form method=\"post\" action=\"/v1/authorize\">{hidden}\
         <label>Sign in as <select name=\"person\">{options}</select></label> \
         <button type=\"submit\" name=\"decision\" value=\"accept\">Accept</button> \
         <button type=\"submit\" name=\"decision\" value=\"decline\">Decline</button>\
         </form></body></html>"
    )
}

/// The request, carried through the form.
fn hidden_fields(ask: &Ask) -> String {
    [
        ("client_id", ask.client_id.as_str()),
        ("redirect_uri", &ask.redirect_uri),
        ("scope", &ask.scopes.join(" ")),
        ("state", &ask.state),
        ("response_type", "code"),
    ]
    .iter()
    .map(|(name, value)| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(value)
        )
    })
    .collect()
}

/// Who may sign in: every demo person (not the bot), the admin marked.
fn person_options(people: &[DemoPerson]) -> String {
    people
        .iter()
        .filter(|p| !p.is_bot())
        .map(|p| {
            let admin = if p.is_org_admin() {
                " (organization admin)"
            } else {
                ""
            };
            let name = escape(&p.display_name);
            format!(
                "<option value=\"{}\">{name}{admin}</option>",
                escape(&p.email)
            )
        })
        .collect()
}

/// Escapes text for html content and double-quoted attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
