//! OAuth against the sandbox with plain reqwest: the consent page and its form, the code
//! exchange, refresh tokens that rotate (the old one is refused), access tokens that expire
//! (by lifetime or on demand) and revoked authorizations, all answered 401; service apps'
//! tokens; and the request log keeping secrets out.

use std::time::Duration;

use crate::sandbox_messaging_support::{Answer, WAIT, assert_webex_error, client, get, loopback};

use roombot::sandbox::access::scopes;
use roombot::sandbox::{
    Integration, OAuthOptions, Role, Sandbox, SandboxHandle, SandboxOptions, TokenKind,
};
use serde_json::{Value, json};

const CALLBACK: &str = "http://127.0.0.1:9/oauth/callback";

async fn enforced_with(oauth: OAuthOptions) -> SandboxHandle {
    let options = SandboxOptions {
        oauth,
        ..SandboxOptions::enforced()
    };
    Sandbox::start(options, loopback())
        .await
        .expect("sandbox starts")
}

/// A client that shows redirects instead of following them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// POSTs a form to `/v1/{path}`.
async fn form(sandbox: &SandboxHandle, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    browser()
        .post(format!("{}/{path}", sandbox.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn token_call(sandbox: &SandboxHandle, fields: &[(&str, &str)]) -> (u16, Value) {
    let response = form(sandbox, "access_token", fields).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn refresh(sandbox: &SandboxHandle, app: &Integration, token: &str) -> (u16, Value) {
    let fields = [
        ("grant_type", "refresh_token"),
        ("client_id", app.client_id.as_str()),
        ("client_secret", app.client_secret.as_str()),
        ("refresh_token", token),
    ];
    token_call(sandbox, &fields).await
}

async fn exchange(
    sandbox: &SandboxHandle,
    app: &Integration,
    secret: &str,
    code: &str,
) -> (u16, Value) {
    let fields = [
        ("grant_type", "authorization_code"),
        ("client_id", app.client_id.as_str()),
        ("client_secret", secret),
        ("code", code),
        ("redirect_uri", CALLBACK),
    ];
    token_call(sandbox, &fields).await
}

/// Ada approves `app` on the consent page; returns the code the redirect carries.
async fn consent(sandbox: &SandboxHandle, app: &Integration, scope: &str) -> String {
    let page = client()
        .get(format!("{}/authorize", sandbox.base_url()))
        .query(&[
            ("client_id", app.client_id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", CALLBACK),
            ("scope", scope),
            ("state", "xyz"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for needed in [
        scopes::ADMIN_WORKSPACES_READ,
        "ada.admin@example.com",
        "name=\"decision\"",
    ] {
        assert!(html.contains(needed), "{needed} on the consent page");
    }
    let accepted = form(
        sandbox,
        "authorize",
        &[
            ("client_id", &app.client_id),
            ("redirect_uri", CALLBACK),
            ("scope", scope),
            ("state", "xyz"),
            ("person", "ada.admin@example.com"),
            ("decision", "accept"),
        ],
    )
    .await;
    assert_eq!(accepted.status(), 302);
    let location = accepted.headers()["location"].to_str().unwrap().to_owned();
    let url = url::Url::parse(&location).unwrap();
    assert!(location.starts_with(CALLBACK), "{location}");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["state"], "xyz");
    query["code"].clone()
}

#[tokio::test]
async fn the_code_flow_issues_tokens_that_refresh_rotate_expire_and_revoke() {
    let sandbox = enforced_with(OAuthOptions::default()).await;
    let app = sandbox.register_integration("roombot", &[CALLBACK]);
    let scope = scopes::ADMIN_ALL.join(" ");
    let code = consent(&sandbox, &app, &scope).await;
    let (status, body) = exchange(&sandbox, &app, "wrong", &code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, first) = exchange(&sandbox, &app, &app.client_secret, &code).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["expires_in"], 14 * 24 * 3600);
    assert_eq!(first["refresh_token_expires_in"], 90 * 24 * 3600);
    let (status, _) = exchange(&sandbox, &app, &app.client_secret, &code).await;
    assert_eq!(status, 401, "a code works once");

    let access = first["access_token"].as_str().unwrap().to_owned();
    let me = get(&sandbox, &access, "/people/me").await;
    assert_eq!(me.body["emails"][0], "ada.admin@example.com");
    assert_eq!(get(&sandbox, &access, "/workspaces").await.status, 200);
    let caller = sandbox.caller(&access).unwrap();
    assert_eq!((caller.kind, caller.admin), (TokenKind::Integration, true));

    let old_refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, second) = refresh(&sandbox, &app, &old_refresh).await;
    assert_eq!(status, 200, "{second}");
    let new_refresh = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new_refresh, old_refresh, "refresh tokens rotate");
    let (status, refused) = refresh(&sandbox, &app, &old_refresh).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (401, Some("invalid_grant"))
    );
    assert!(refused["trackingId"].is_string());

    sandbox.expire_access_tokens();
    let new_access = second["access_token"].as_str().unwrap().to_owned();
    assert_webex_error(&get(&sandbox, &new_access, "/workspaces").await, 401);
    let (status, third) = refresh(&sandbox, &app, &new_refresh).await;
    assert_eq!(status, 200);
    let third_access = third["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        get(&sandbox, &third_access, "/workspaces").await.status,
        200
    );

    let third_refresh = third["refresh_token"].as_str().unwrap();
    assert!(sandbox.revoke_refresh_token(third_refresh));
    let (status, _) = refresh(&sandbox, &app, third_refresh).await;
    assert_eq!(status, 401);
    assert_webex_error(&get(&sandbox, &third_access, "/workspaces").await, 401);
    let log = sandbox.requests();
    let refused = log
        .iter()
        .rev()
        .find(|r| r.status == 401 && r.path == "/v1/workspaces");
    assert_eq!(
        refused.unwrap().token.as_ref().unwrap().kind,
        TokenKind::Integration
    );
}

#[tokio::test]
async fn short_lived_access_tokens_expire_on_their_own() {
    let oauth = OAuthOptions {
        access_token_lifetime: Duration::from_secs(1),
        ..OAuthOptions::default()
    };
    let sandbox = enforced_with(oauth).await;
    let app = sandbox.register_integration("roombot", &[CALLBACK]);
    let admin = sandbox.person(Role::Admin).email.clone();
    let pair = sandbox
        .issue_tokens(&app.client_id, &admin, scopes::ADMIN_ALL)
        .unwrap();
    assert_eq!(pair.expires_in, 1);
    let expired = async {
        loop {
            let answer: Answer = get(&sandbox, &pair.access_token, "/people/me").await;
            if answer.status == 401 {
                return answer;
            }
            assert_eq!(answer.status, 200);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let answer = tokio::time::timeout(WAIT, expired)
        .await
        .expect("the token expires");
    assert_webex_error(&answer, 401);
}

#[tokio::test]
async fn the_consent_page_refuses_what_oauth_refuses() {
    let sandbox = enforced_with(OAuthOptions::default()).await;
    let app = sandbox.register_integration("roombot", &[CALLBACK]);
    let page = |query: Vec<(&'static str, String)>| {
        let request = browser()
            .get(format!("{}/authorize", sandbox.base_url()))
            .query(&query);
        async move { request.send().await.unwrap() }
    };
    let id = app.client_id.clone();
    let unknown = page(vec![
        ("client_id", "nope".into()),
        ("redirect_uri", CALLBACK.into()),
    ])
    .await;
    assert_eq!(unknown.status(), 400);
    let elsewhere = page(vec![
        ("client_id", id.clone()),
        ("redirect_uri", "http://evil.example/cb".into()),
    ])
    .await;
    assert_eq!(
        elsewhere.status(),
        400,
        "never redirected to an unregistered uri"
    );
    let no_scope = page(vec![
        ("client_id", id.clone()),
        ("redirect_uri", CALLBACK.into()),
        ("state", "s".into()),
    ])
    .await;
    assert_eq!(no_scope.status(), 302);
    let location = no_scope.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("error=invalid_scope") && location.contains("state=s"),
        "{location}"
    );
    let declined = form(
        &sandbox,
        "authorize",
        &[
            ("client_id", &id),
            ("redirect_uri", CALLBACK),
            ("scope", "spark:people_read"),
            ("state", "s"),
            ("person", "ada.admin@example.com"),
            ("decision", "decline"),
        ],
    )
    .await;
    let location = declined.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("error=access_denied"), "{location}");
    let json = browser()
        .post(format!("{}/access_token", sandbox.base_url()))
        .json(&json!({"grant_type": "refresh_token"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 400, "the token endpoint takes forms only");
    let (status, body) = token_call(
        &sandbox,
        &[
            ("grant_type", "password"),
            ("client_id", &id),
            ("client_secret", &app.client_secret),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
}

#[tokio::test]
async fn a_service_app_gets_org_wide_tokens_from_its_developer() {
    let sandbox = enforced_with(OAuthOptions::default()).await;
    let app = sandbox.register_service_app("Roombot admin", scopes::ADMIN_ALL);
    let ask = |token: String, secret: String| {
        let url = format!("{}/applications/{}/token", sandbox.base_url(), app.id);
        let body =
            json!({"clientId": app.client_id, "clientSecret": secret, "targetOrgId": app.org_id});
        async move {
            let response = client()
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let developer = sandbox.person(Role::Admin).token.clone();
    let (status, _) = ask(sandbox.bot_token().to_owned(), app.client_secret.clone()).await;
    assert_eq!(status, 403, "bots are not developers");
    let (status, _) = ask(developer.clone(), "wrong".into()).await;
    assert_eq!(status, 401);
    let (status, tokens) = ask(developer, app.client_secret.clone()).await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap();
    let me = get(&sandbox, access, "/people/me").await;
    assert_eq!(
        (me.status, me.body["type"].as_str()),
        (200, Some("appuser"))
    );
    let devices = get(&sandbox, access, "/devices?max=1000").await;
    assert_eq!(
        devices.body["items"].as_array().unwrap().len(),
        sandbox.org().device_count()
    );
    let fields = [
        ("grant_type", "refresh_token"),
        ("client_id", app.client_id.as_str()),
        ("client_secret", app.client_secret.as_str()),
        ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
    ];
    let (status, refreshed) = token_call(&sandbox, &fields).await;
    assert_eq!(status, 200, "{refreshed}");
    let log = sandbox.requests();
    let kinds: Vec<_> = log
        .iter()
        .filter_map(|r| r.token.as_ref())
        .map(|t| t.kind)
        .collect();
    assert!(kinds.contains(&TokenKind::ServiceApp));
    let shown = format!("{log:?}");
    assert!(
        !shown.contains(&app.client_secret),
        "the secret stays out of the log"
    );
    assert!(!shown.contains(tokens["refresh_token"].as_str().unwrap()));
}

#[tokio::test]
async fn the_console_hands_a_roombot_run_apart_an_admin_credential() {
    let sandbox = enforced_with(OAuthOptions::default()).await;
    let root = sandbox.base_url().trim_end_matches("/v1").to_owned();
    let credential: Value = client()
        .post(format!("{root}/_sandbox/admin-credential"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app = Integration {
        name: String::new(),
        client_id: credential["clientId"].as_str().unwrap().to_owned(),
        client_secret: credential["clientSecret"].as_str().unwrap().to_owned(),
        redirect_uris: Vec::new(),
    };
    let (status, tokens) =
        refresh(&sandbox, &app, credential["refreshToken"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap();
    // An admin's token: the workspaces a bot may not list.
    let listed = get(&sandbox, access, "/workspaces").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
}
