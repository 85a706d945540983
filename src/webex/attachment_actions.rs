//! Attachment actions: what a person submitted from a card (`inputs`), and creating one.
//! Docs: <https://developer.webex.com/docs/api/v1/attachment-actions>.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::WebexClient;
use super::error::WebexError;
use super::ids::{AttachmentActionId, MessageId, PersonId, RoomId};
use super::request::Request;

/// A card submission. Input values arrive as strings, merged with the button's `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentAction {
    pub id: AttachmentActionId,
    #[serde(rename = "type")]
    pub action_type: Option<String>,
    pub message_id: Option<MessageId>,
    pub person_id: Option<PersonId>,
    pub room_id: Option<RoomId>,
    pub inputs: Option<serde_json::Map<String, serde_json::Value>>,
    pub created: Option<String>,
}

/// The body of `POST /attachment/actions` (`type` is always `submit`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAttachmentAction {
    #[serde(rename = "type")]
    pub action_type: String,
    pub message_id: MessageId,
    pub inputs: serde_json::Map<String, serde_json::Value>,
}

impl NewAttachmentAction {
    /// A `submit` of `inputs` on the card of `message`.
    pub fn submit(message: &MessageId, inputs: serde_json::Map<String, serde_json::Value>) -> Self {
        Self {
            action_type: "submit".to_owned(),
            message_id: message.clone(),
            inputs,
        }
    }
}

impl WebexClient {
    /// A card submission with its `inputs`.
    /// <https://developer.webex.com/docs/api/v1/attachment-actions/get-attachment-action-details>
    #[tracing::instrument(skip(self), fields(action = %id))]
    pub async fn get_attachment_action(
        &self,
        id: &AttachmentActionId,
    ) -> Result<AttachmentAction, WebexError> {
        self.call(Request::get(
            "attachment/actions/{id}",
            &["attachment", "actions", id.as_str()],
        ))
        .await
    }

    /// Submits a card as the token's account.
    /// <https://developer.webex.com/docs/api/v1/attachment-actions/create-an-attachment-action>
    #[tracing::instrument(skip(self, action), fields(message = %action.message_id))]
    pub async fn create_attachment_action(
        &self,
        action: &NewAttachmentAction,
    ) -> Result<AttachmentAction, WebexError> {
        let request = Request::new(
            Method::POST,
            "attachment/actions",
            &["attachment", "actions"],
        );
        self.call(request.json(action)?).await
    }
}
