//! A workspace's fields in words, as people read them in a card: "Meeting room", "Microsoft
//! calendar", "Free calling" rather than Webex's `meetingRoom`, `microsoft`, `freeCalling`.
//! Values roombot does not know are shown as Webex wrote them.

use serde_json::Value;

use super::xapi::plain;

/// A workspace `type` in words.
pub(crate) fn type_words(kind: &str) -> String {
    let words = match kind {
        "notSet" => "Not set",
        "focus" => "Focus room",
        "huddle" => "Huddle room",
        "meetingRoom" => "Meeting room",
        "open" => "Open space",
        "desk" => "Desk",
        "other" => "Other",
        other => return other.to_owned(),
    };
    words.to_owned()
}

/// A workspace's calendar (`{"type": "microsoft", …}`) in words.
pub(crate) fn calendar_words(calendar: &Option<Value>) -> Option<String> {
    let kind = kind_of(calendar)?;
    let words = match kind.as_str() {
        "none" => "None",
        "microsoft" => "Microsoft calendar",
        "google" => "Google calendar",
        _ => return Some(kind),
    };
    Some(words.to_owned())
}

/// A workspace's calling (`{"type": "freeCalling", …}`) in words.
pub(crate) fn calling_words(calling: &Option<Value>) -> Option<String> {
    let kind = kind_of(calling)?;
    let words = match kind.as_str() {
        "none" => "None",
        "freeCalling" => "Free calling (Webex app and SIP)",
        "hybridCalling" => "Hybrid calling",
        "webexCalling" => "Webex Calling",
        "webexEdgeForDevices" => "Webex Edge for devices",
        "thirdPartySipCalling" => "Third-party SIP calling",
        _ => return Some(kind),
    };
    Some(words.to_owned())
}

/// The `type` of a calendar or calling object.
fn kind_of(value: &Option<Value>) -> Option<String> {
    value.as_ref()?.get("type").map(plain)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn workspace_fields_read_as_words() {
        assert_eq!(type_words("meetingRoom"), "Meeting room");
        assert_eq!(type_words("sauna"), "sauna");
        assert_eq!(
            calendar_words(&Some(json!({"type": "microsoft", "emailAddress": "x@y"}))),
            Some("Microsoft calendar".into())
        );
        assert_eq!(
            calling_words(&Some(json!({"type": "freeCalling"}))).as_deref(),
            Some("Free calling (Webex app and SIP)")
        );
        assert_eq!(calling_words(&None), None);
    }
}
