//! Memberships: who is in a space (space grants read this), and the bot leaving a space.
//! Docs: <https://developer.webex.com/docs/api/v1/memberships>.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::WebexClient;
use super::error::WebexError;
use super::ids::{MembershipId, OrgId, PersonId, RoomId};
use super::pagination::Listing;
use super::request::{Query, Request};

/// A person's membership of a space. Every field but `id` may be missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    pub id: MembershipId,
    pub room_id: Option<RoomId>,
    pub person_id: Option<PersonId>,
    pub person_email: Option<String>,
    pub person_display_name: Option<String>,
    pub person_org_id: Option<OrgId>,
    pub room_type: Option<String>,
    pub created: Option<String>,
}

impl WebexClient {
    /// The memberships of `room` (the caller must be a member), optionally of one person.
    /// <https://developer.webex.com/docs/api/v1/memberships/list-memberships>
    #[tracing::instrument(skip(self), fields(room = %room))]
    pub fn list_memberships(
        &self,
        room: &RoomId,
        person: Option<&PersonId>,
    ) -> Listing<Membership> {
        let mut query = Query::default();
        query.push("roomId", room.as_str());
        query.opt("personId", person.map(PersonId::as_str));
        Listing::new(
            self,
            Request::get("memberships", &["memberships"]).query(query),
        )
    }

    /// Deletes a membership (204): with the bot's own, the bot leaves the space.
    /// <https://developer.webex.com/docs/api/v1/memberships/delete-a-membership>
    #[tracing::instrument(skip(self), fields(membership = %id))]
    pub async fn delete_membership(&self, id: &MembershipId) -> Result<(), WebexError> {
        self.call_empty(Request::new(
            Method::DELETE,
            "memberships/{id}",
            &["memberships", id.as_str()],
        ))
        .await
    }
}
