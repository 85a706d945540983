//! People: the bot itself (`/people/me`) and the people who talk to it.
//! Docs: <https://developer.webex.com/docs/api/v1/people>.

use serde::{Deserialize, Serialize};

use super::client::WebexClient;
use super::error::WebexError;
use super::ids::{OrgId, PersonId};
use super::open_enum::open_enum;
use super::pagination::Listing;
use super::request::{Query, Request};

open_enum!(
    /// What kind of account a person is.
    PersonType {
        /// A human user.
        Person => "person",
        /// A bot account.
        Bot => "bot",
        /// A guest or app user.
        AppUser => "appuser",
    }
);

/// A person or bot. Every field but `id` may be missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub id: PersonId,
    pub emails: Option<Vec<String>>,
    pub display_name: Option<String>,
    pub nick_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub avatar: Option<String>,
    pub org_id: Option<OrgId>,
    pub created: Option<String>,
    pub last_activity: Option<String>,
    pub status: Option<String>,
    #[serde(rename = "type")]
    pub person_type: Option<PersonType>,
}

impl WebexClient {
    /// The token's own account: the bot's id, name, emails and org.
    /// <https://developer.webex.com/docs/api/v1/people/get-my-own-details>
    #[tracing::instrument(skip(self))]
    pub async fn me(&self) -> Result<Person, WebexError> {
        self.call(Request::get("people/me", &["people", "me"]))
            .await
    }

    /// A person's details, including `orgId` (people from other orgs can share a space).
    /// <https://developer.webex.com/docs/api/v1/people/get-person-details>
    #[tracing::instrument(skip(self), fields(person = %id))]
    pub async fn get_person(&self, id: &PersonId) -> Result<Person, WebexError> {
        self.call(Request::get("people/{id}", &["people", id.as_str()]))
            .await
    }

    /// The people with this email address (at most one in practice).
    /// <https://developer.webex.com/docs/api/v1/people/list-people>
    #[tracing::instrument(skip(self, email))]
    pub fn people_by_email(&self, email: &str) -> Listing<Person> {
        let mut query = Query::default();
        query.push("email", email);
        Listing::new(self, Request::get("people", &["people"]).query(query))
    }
}
