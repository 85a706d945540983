//! The sandbox console: the chat page a newcomer opens (`GET /`), its files (`GET /assets/...`)
//! and the page's read-only endpoints under `/_sandbox/`: who is who (`config`), the organisation
//! (`org`) and the request log (`requests`); and one for a roombot run apart from the sandbox
//! (`admin-credential`).
//!
//! These routes are not part of the Webex API: they sit outside the request log, fault and auth
//! layers (no bearer token, never logged, never faulted). The page's routes change nothing: it
//! acts only through the real `/v1` API with the demo people's tokens, exactly as a Webex client
//! would. `POST /_sandbox/admin-credential` registers an integration the demo admin authorized,
//! as an admin would at developer.webex.com and on the consent page.
//!
//! - [`assets`]: where the page's files and the npm UMD builds are found, and serving them.
//! - [`org_panel`]: the side panel's view of the organisation ([`OrgPanel`]).
//! - [`requests`]: the request log as the page polls it.

pub mod assets;
pub mod org_panel;
pub mod requests;

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::access::scopes;
use super::demo_people::{DemoPerson, OPS_ROOM_TITLE, Role, ops_room_id};
use super::oauth::store::Subject;
use super::state::Shared;
use tokio::time::Instant;

pub use assets::WebRoot;
pub use org_panel::OrgPanel;

/// The console's routes, with the page's files looked up by [`WebRoot::discover`].
pub fn routes(shared: Arc<Shared>) -> Router {
    routes_with(shared, WebRoot::discover())
}

/// The console's routes, serving the page's files from `web`.
pub fn routes_with(shared: Arc<Shared>, web: WebRoot) -> Router {
    let org: Arc<dyn OrgPanel> = Arc::clone(&shared.org) as Arc<dyn OrgPanel>;
    Router::new()
        .route("/_sandbox/config", get(config))
        .route("/_sandbox/admin-credential", post(admin_credential))
        .route("/_sandbox/requests", get(requests::list))
        .with_state(shared)
        .merge(org_panel::routes(org))
        .merge(assets::routes(web))
}

/// `GET /_sandbox/config`: the bot, the demo people (with their tokens) and the rooms.
async fn config(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(config_json(&shared.people))
}

/// The page's configuration for `people` (the bot first).
pub fn config_json(people: &[DemoPerson]) -> Value {
    let (bot, others) = match people.split_first() {
        Some((bot, others)) => (Some(bot), others),
        None => (None, people),
    };
    let bot = bot.map(|b| {
        json!({
            "id": b.id,
            "email": b.email,
            "displayName": b.display_name,
            "firstName": b.first_name,
        })
    });
    let bot_org = people.first().map(|b| b.org_id.as_str());
    let people: Vec<Value> = others
        .iter()
        .map(|p| {
            let (role, hint) = describe(p.role);
            json!({
                "role": role,
                "roleHint": hint,
                "id": p.id,
                "email": p.email,
                "displayName": p.display_name,
                "firstName": p.first_name,
                "token": p.token,
                "directRoomId": p.direct_room_id,
                "sameOrgAsBot": Some(p.org_id.as_str()) == bot_org,
            })
        })
        .collect();
    json!({
        "apiBase": "/v1",
        "bot": bot,
        "people": people,
        "opsRoom": { "id": ops_room_id(), "title": OPS_ROOM_TITLE },
    })
}

/// `POST /_sandbox/admin-credential`: a new integration the demo admin authorized with every
/// admin scope, for a roombot run apart from the sandbox (`roombot serve` pointed at it): its
/// client id and secret and a refresh token, as `webex.admin.*` wants them.
async fn admin_credential(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let admin = shared.people.iter().find(|p| p.role == Role::Admin);
    let mut tokens = shared.tokens();
    let integration = tokens.register_integration("roombot (run apart)", &[]);
    let refresh_token = admin.map(|admin| {
        let subject = Subject::Person(admin.id.clone());
        let scopes = scopes::ADMIN_ALL.iter().map(|s| s.to_string()).collect();
        tokens
            .issue(&integration.client_id, subject, scopes, Instant::now())
            .refresh_token
    });
    Json(json!({
        "clientId": integration.client_id,
        "clientSecret": integration.client_secret,
        "refreshToken": refresh_token,
    }))
}

/// A role's name and what it may do, as the page shows it.
fn describe(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Bot => ("bot", "the bot itself"),
        Role::Admin => (
            "admin",
            "everything, including configurations and workspaces",
        ),
        Role::Operator => (
            "operator",
            "runs device commands (mute, volume, call, standby…)",
        ),
        Role::Viewer => ("viewer", "may only look: status and help"),
        Role::Outsider => (
            "outsider",
            "from another organisation: the bot refuses commands",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::demo_people::demo_people;

    #[test]
    fn config_lists_every_person_but_the_bot_with_role_token_and_room() {
        let people = demo_people();
        let config = config_json(&people);
        assert_eq!(config["bot"]["firstName"], "Roombot");
        assert_eq!(config["bot"]["id"], people[0].id.as_str());
        let listed = config["people"].as_array().expect("people array");
        let roles: Vec<&str> = listed.iter().filter_map(|p| p["role"].as_str()).collect();
        assert_eq!(roles, ["admin", "operator", "viewer", "outsider"]);
        assert_eq!(listed[1]["token"], "sandbox-oscar-token");
        assert_eq!(
            listed[1]["directRoomId"],
            people[2].direct_room_id.as_deref().expect("a 1:1 room")
        );
        assert_eq!(listed[1]["sameOrgAsBot"], true);
        assert_eq!(listed[3]["sameOrgAsBot"], false);
        assert_eq!(config["opsRoom"]["title"], "Ops Barcelona");
    }
}
