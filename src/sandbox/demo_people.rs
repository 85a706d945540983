//! The sandbox's fixed cast: the bot, one demo person per role the bot knows (admin, operator,
//! viewer) and one outsider from another organisation, with documented bearer tokens and the
//! rooms they share with the bot. Everything here is constant so tests and docs can name it.
//!
//! | who | email | token |
//! |---|---|---|
//! | bot "Roombot Demo" | `roombot-demo@webex.bot` | `sandbox-bot-token` |
//! | Ada Admin | `ada.admin@example.com` | `sandbox-ada-token` |
//! | Oscar Operator | `oscar.operator@example.com` | `sandbox-oscar-token` |
//! | Vera Viewer | `vera.viewer@example.com` | `sandbox-vera-token` |
//! | Otto Outsider (other org) | `otto.outsider@example.org` | `sandbox-otto-token` |
//!
//! Each person has a 1:1 room with the bot; all of them and the bot are members of the group
//! room "Ops Barcelona". In Webex, Ada is a full administrator of the demo organisation;
//! Oscar and Vera are regular users (what they may touch is granted per workspace).

use serde_json::{Value, json};

use super::ids;

/// The demo organisation's email domain.
pub const DEMO_DOMAIN: &str = "example.com";
/// Title of the demo group room every demo person and the bot belong to.
pub const OPS_ROOM_TITLE: &str = "Ops Barcelona";
/// When every demo person and room was "created" (fixed, so answers are reproducible).
pub const DEMO_CREATED: &str = "2024-01-15T09:00:00.000Z";

/// What a demo identity stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The bot itself (`type: "bot"`).
    Bot,
    /// A demo-org person the bot's access settings treat as admin.
    Admin,
    /// A demo-org person with operator rights.
    Operator,
    /// A demo-org person who may only look.
    Viewer,
    /// A person from another organisation who shares rooms with the bot.
    Outsider,
}

/// One fixed identity of the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPerson {
    /// The role this identity plays in tests and the demo.
    pub role: Role,
    /// REST id (`ciscospark://us/PEOPLE/<uuid>`, base64).
    pub id: String,
    /// Primary email.
    pub email: String,
    /// Full display name, e.g. "Roombot Demo".
    pub display_name: String,
    /// First name; Webex writes only this in `text` when the person is @mentioned.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Organisation id.
    pub org_id: String,
    /// Bearer token that authenticates as this identity.
    pub token: String,
    /// The id of this identity's 1:1 room with the bot (`None` for the bot).
    pub direct_room_id: Option<String>,
}

impl DemoPerson {
    /// True for the bot.
    pub fn is_bot(&self) -> bool {
        self.role == Role::Bot
    }

    /// True for a full administrator of the organisation in Webex (Ada Admin): her own token
    /// and integrations she authorizes may call the admin-only APIs.
    pub fn is_org_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The person's uuid (the part of the REST id after `PEOPLE/`).
    pub fn uuid(&self) -> String {
        ids::decode(&self.id)
            .map(|(_, uuid)| uuid)
            .unwrap_or_default()
    }

    /// The `GET /people/{id}` representation.
    pub fn to_json(&self) -> Value {
        let kind = if self.is_bot() { "bot" } else { "person" };
        json!({
            "id": self.id,
            "emails": [self.email],
            "phoneNumbers": [],
            "displayName": self.display_name,
            "nickName": self.first_name,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "orgId": self.org_id,
            "created": DEMO_CREATED,
            "status": "unknown",
            "type": kind,
        })
    }
}

/// The outsider's organisation id.
pub fn outsider_org_id() -> String {
    ids::encode("ORGANIZATION", "7c0e3a52-5b1d-4c0e-9f1e-2f6d2a9b8e11")
}

/// The id of the "Ops Barcelona" group room.
pub fn ops_room_id() -> String {
    ids::encode("ROOM", "0f7b3c2e-8a41-4c55-9d1a-6e0c2b4f9a01")
}

/// The sandbox's fixed identities, the bot first.
pub fn demo_people() -> Vec<DemoPerson> {
    let demo = ids::demo_org_id();
    let outsider = outsider_org_id();
    vec![
        person(
            Role::Bot,
            "5e7b1c3a-0d7e-4c1f-9a55-3b8e2f6d1c01",
            "roombot-demo@webex.bot",
            ("Roombot", "Demo"),
            &demo,
            "sandbox-bot-token",
            None,
        ),
        person(
            Role::Admin,
            "a1d4e5f6-1111-4a2b-8c3d-000000000a0a",
            "ada.admin@example.com",
            ("Ada", "Admin"),
            &demo,
            "sandbox-ada-token",
            Some("d1a0a0a0-1111-4a2b-8c3d-000000000a0a"),
        ),
        person(
            Role::Operator,
            "0b5e7a11-2222-4b3c-9d4e-000000000b0b",
            "oscar.operator@example.com",
            ("Oscar", "Operator"),
            &demo,
            "sandbox-oscar-token",
            Some("d1b0b0b0-2222-4b3c-9d4e-000000000b0b"),
        ),
        person(
            Role::Viewer,
            "7e1a2b3c-3333-4c4d-8e5f-000000000c0c",
            "vera.viewer@example.com",
            ("Vera", "Viewer"),
            &demo,
            "sandbox-vera-token",
            Some("d1c0c0c0-3333-4c4d-8e5f-000000000c0c"),
        ),
        person(
            Role::Outsider,
            "0770a5d1-4444-4d5e-9f60-000000000d0d",
            "otto.outsider@example.org",
            ("Otto", "Outsider"),
            &outsider,
            "sandbox-otto-token",
            Some("d1d0d0d0-4444-4d5e-9f60-000000000d0d"),
        ),
    ]
}

fn person(
    role: Role,
    uuid: &str,
    email: &str,
    (first, last): (&str, &str),
    org_id: &str,
    token: &str,
    direct_room_uuid: Option<&str>,
) -> DemoPerson {
    DemoPerson {
        role,
        id: ids::encode("PEOPLE", uuid),
        email: email.to_owned(),
        display_name: format!("{first} {last}"),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        org_id: org_id.to_owned(),
        token: token.to_owned(),
        direct_room_id: direct_room_uuid.map(|uuid| ids::encode("ROOM", uuid)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bot_has_a_multi_word_name_and_every_token_is_distinct() {
        let people = demo_people();
        assert_eq!(people[0].display_name, "Roombot Demo");
        assert_eq!(people[0].first_name, "Roombot");
        let mut tokens: Vec<_> = people.iter().map(|p| p.token.as_str()).collect();
        tokens.sort_unstable();
        tokens.dedup();
        assert_eq!(tokens.len(), people.len());
    }

    #[test]
    fn only_the_outsider_is_in_another_org() {
        let others: Vec<_> = demo_people()
            .into_iter()
            .filter(|p| p.org_id != ids::demo_org_id())
            .collect();
        assert_eq!(others.len(), 1);
        assert_eq!(others[0].role, Role::Outsider);
    }
}
