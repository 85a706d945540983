//! The rules a posted or edited message must follow, as Webex enforces them: exactly one
//! destination, something to post, `text`/`markdown` at most 7439 bytes each, at most one file
//! and at most one attachment, which must be an Adaptive Card with a `content` object.

use serde::Deserialize;
use serde_json::Value;

use super::error::ApiError;

/// Webex's limit on `text` and `markdown`, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 7439;
/// Webex's limit on edits of one message.
pub const MAX_EDITS: u32 = 10;
/// The only attachment content type Webex accepts.
pub const CARD_CONTENT_TYPE: &str = "application/vnd.microsoft.card.adaptive";

/// The body of `POST /messages`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    pub room_id: Option<String>,
    pub to_person_id: Option<String>,
    pub to_person_email: Option<String>,
    pub parent_id: Option<String>,
    pub text: Option<String>,
    pub markdown: Option<String>,
    pub html: Option<String>,
    #[serde(default)]
    pub files: Vec<String>,
    #[serde(default)]
    pub attachments: Vec<Value>,
}

/// Checks a new message before anything is stored.
pub fn validate_new(new: &NewMessage) -> Result<(), ApiError> {
    let destinations = [&new.room_id, &new.to_person_id, &new.to_person_email]
        .iter()
        .filter(|d| d.is_some())
        .count();
    if destinations != 1 {
        return Err(ApiError::bad_request(
            "Exactly one of roomId, toPersonId or toPersonEmail must be specified.",
        ));
    }
    let empty = new.text.as_deref().is_none_or(str::is_empty)
        && new.markdown.as_deref().is_none_or(str::is_empty)
        && new.html.is_none()
        && new.files.is_empty()
        && new.attachments.is_empty();
    if empty {
        return Err(ApiError::bad_request(
            "Message must contain text, markdown, files or attachments.",
        ));
    }
    if new.files.len() > 1 {
        return Err(ApiError::bad_request(
            "Only one file may be attached to a message.",
        ));
    }
    validate_lengths(new.text.as_deref(), new.markdown.as_deref())?;
    validate_attachments(&new.attachments)
}

/// `text` and `markdown` may each hold at most [`MAX_MESSAGE_BYTES`] bytes.
pub fn validate_lengths(text: Option<&str>, markdown: Option<&str>) -> Result<(), ApiError> {
    for (name, value) in [("text", text), ("markdown", markdown)] {
        if value.is_some_and(|v| v.len() > MAX_MESSAGE_BYTES) {
            return Err(ApiError::bad_request(format!(
                "The {name} of a message may not exceed {MAX_MESSAGE_BYTES} bytes."
            )));
        }
    }
    Ok(())
}

/// At most one attachment, an Adaptive Card with a `content` object.
pub fn validate_attachments(attachments: &[Value]) -> Result<(), ApiError> {
    if attachments.len() > 1 {
        return Err(ApiError::bad_request(
            "Only one card attachment is supported per message.",
        ));
    }
    let Some(attachment) = attachments.first() else {
        return Ok(());
    };
    let content_type = attachment.get("contentType").and_then(Value::as_str);
    if content_type != Some(CARD_CONTENT_TYPE) {
        return Err(ApiError::bad_request(format!(
            "Unsupported attachment contentType; expected {CARD_CONTENT_TYPE}."
        )));
    }
    if !attachment.get("content").is_some_and(Value::is_object) {
        return Err(ApiError::bad_request(
            "An attachment must have a content object.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn new(body: Value) -> NewMessage {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn the_byte_limit_counts_bytes_not_characters() {
        assert!(validate_lengths(Some(&"a".repeat(MAX_MESSAGE_BYTES)), None).is_ok());
        assert!(validate_lengths(None, Some(&"é".repeat(MAX_MESSAGE_BYTES / 2 + 1))).is_err());
    }

    #[test]
    fn a_message_needs_exactly_one_destination_and_some_content() {
        assert!(validate_new(&new(json!({"roomId": "r", "text": "x"}))).is_ok());
        assert!(
            validate_new(&new(json!({"roomId": "r", "toPersonId": "p", "text": "x"}))).is_err()
        );
        assert!(validate_new(&new(json!({"roomId": "r", "text": ""}))).is_err());
    }
}
