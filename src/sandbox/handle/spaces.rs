//! The handle's spaces side: what tests and the demo need to open a space, add the bot or a
//! person to it and remove them, through the same API calls (and webhook events) as Webex.

use serde_json::{Value, json};

use super::{SandboxError, SandboxHandle};

impl SandboxHandle {
    /// Opens a group space titled `title` as the owner of `token`; returns its id.
    pub async fn create_space(&self, token: &str, title: &str) -> Result<String, SandboxError> {
        let room: Value = self
            .call(
                token,
                reqwest::Method::POST,
                "rooms",
                json!({ "title": title }),
            )
            .await?;
        Ok(room["id"].as_str().unwrap_or_default().to_owned())
    }

    /// Adds the person with `email` to `room_id` as the owner of `token`; returns the
    /// membership's id.
    pub async fn add_member(
        &self,
        token: &str,
        room_id: &str,
        email: &str,
    ) -> Result<String, SandboxError> {
        let body = json!({ "roomId": room_id, "personEmail": email });
        let membership: Value = self
            .call(token, reqwest::Method::POST, "memberships", body)
            .await?;
        Ok(membership["id"].as_str().unwrap_or_default().to_owned())
    }

    /// Removes the membership `id` as the owner of `token` (`DELETE /memberships/{id}`).
    pub async fn remove_member(&self, token: &str, id: &str) -> Result<(), SandboxError> {
        let url = format!("{}/memberships/{id}", self.base_url());
        let response = self.http.delete(url).bearer_auth(token).send().await?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body = response.text().await.unwrap_or_default();
        Err(SandboxError::Api {
            status: status.as_u16(),
            body,
        })
    }

    /// The id of the membership of the person with `email` in `room_id`, if they are a member.
    pub fn membership_of(&self, room_id: &str, email: &str) -> Option<String> {
        let person = self.shared.person_by_email(email)?.clone();
        let store = self.shared.store();
        let room = store.rooms.iter().find(|r| r.id == room_id)?;
        room.has_member(&person.id)
            .then(|| {
                crate::sandbox::rooms::membership_json(room, &person)["id"]
                    .as_str()
                    .map(str::to_owned)
            })
            .flatten()
    }

    /// The person ids of `room_id`'s members.
    pub fn members(&self, room_id: &str) -> Vec<String> {
        self.shared
            .store()
            .rooms
            .iter()
            .find(|r| r.id == room_id)
            .map(|r| r.members.clone())
            .unwrap_or_default()
    }
}
