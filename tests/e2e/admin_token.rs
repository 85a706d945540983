//! The admin credential against the sandbox's real OAuth token endpoint: a client whose tokens
//! come from a refresh token gets an access token on first use, refreshes once when Webex
//! answers 401 (an expired access token) and goes on, hands each rotated refresh token on, and
//! a revoked refresh token ends in a clear `Credential` error rather than a loop.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use roombot::sandbox::{Sandbox, SandboxHandle, SandboxOptions};
use roombot::webex::{
    ClientConfig, OAuthClient, Refresher, WebexClient, WebexError, WorkspaceFilter,
};
use secrecy::{ExposeSecret, SecretString};

/// An enforcing sandbox and an admin client (an integration Ada authorized), with every
/// rotated refresh token collected.
async fn admin_client() -> (SandboxHandle, WebexClient, Arc<Mutex<Vec<String>>>, String) {
    let sandbox = Sandbox::start(SandboxOptions::enforced(), "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts");
    let integration = sandbox.register_integration("roombot admin", &["http://127.0.0.1/cb"]);
    let refresh = sandbox
        .admin_refresh_token(&integration.client_id)
        .expect("a refresh token for Ada");
    let base: url::Url = sandbox.base_url().parse().unwrap();
    let rotated = Arc::new(Mutex::new(Vec::new()));
    let kept = rotated.clone();
    let refresher = Refresher::new(
        OAuthClient {
            client_id: integration.client_id.clone(),
            client_secret: SecretString::from(integration.client_secret.clone()),
        },
        SecretString::from(refresh.clone()),
        &base,
        Duration::from_secs(10),
    )
    .unwrap()
    .on_rotate(Arc::new(move |token: SecretString| {
        kept.lock().unwrap().push(token.expose_secret().to_owned());
        Box::pin(async {})
    }));
    // The fixed token is never used: every call takes the refresher's.
    let config = ClientConfig::new(base, SecretString::from("unused"));
    let client = WebexClient::new(config)
        .unwrap()
        .with_refresher(Arc::new(refresher));
    (sandbox, client, rotated, refresh)
}

async fn list_workspaces(client: &WebexClient) -> Result<usize, WebexError> {
    client
        .list_workspaces(&WorkspaceFilter::default())
        .list_all(5)
        .await
        .map(|w| w.len())
}

#[tokio::test]
async fn an_admin_client_refreshes_on_first_use_and_again_after_a_401() {
    let (sandbox, client, rotated, first) = admin_client().await;
    assert!(
        list_workspaces(&client)
            .await
            .expect("admin lists workspaces")
            > 0
    );
    assert_eq!(
        rotated.lock().unwrap().len(),
        1,
        "the refresh rotated the token"
    );
    sandbox.expire_access_tokens();
    sandbox.clear_requests();
    assert!(
        list_workspaces(&client).await.is_ok(),
        "refreshed after the 401"
    );
    let statuses: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [401, 200, 200],
        "401, the refresh, the same call again"
    );
    let tokens = rotated.lock().unwrap().clone();
    assert_eq!(tokens.len(), 2);
    assert!(
        !tokens.contains(&first),
        "each refresh hands on a new refresh token"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_revoked_refresh_token_is_a_credential_error_not_a_loop() {
    let (sandbox, client, rotated, _) = admin_client().await;
    assert!(list_workspaces(&client).await.is_ok());
    let current = rotated
        .lock()
        .unwrap()
        .last()
        .cloned()
        .expect("rotated once");
    assert!(sandbox.revoke_refresh_token(&current));
    sandbox.clear_requests();
    let error = list_workspaces(&client).await.expect_err("revoked");
    assert!(matches!(error, WebexError::Credential { .. }), "{error:?}");
    let shown = error.to_string();
    assert!(shown.contains("refused the admin refresh token"), "{shown}");
    assert!(!shown.contains(&current), "no token in the error: {shown}");
    assert!(sandbox.requests().len() <= 3, "{:?}", sandbox.requests());
    sandbox.shutdown().await;
}
