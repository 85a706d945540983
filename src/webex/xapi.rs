//! xAPI on RoomOS devices: run a command, query status. Results stay `serde_json::Value`;
//! [`flatten_status`](super::status::flatten_status) turns a status tree into `Key = value` pairs.
//! Docs: <https://developer.webex.com/docs/api/v1/xapi>.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::WebexClient;
use super::error::WebexError;
use super::ids::DeviceId;
use super::request::{Query, Request};

/// Most status names one `GET /xapi/status` accepts.
pub const MAX_STATUS_NAMES: usize = 10;

/// The answer to an xAPI command: simple commands return `result: {}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XapiCommandResult {
    pub device_id: Option<DeviceId>,
    pub arguments: Option<serde_json::Value>,
    pub result: Option<serde_json::Value>,
}

/// The answer to a status query: a tree in canonical case (`{}` when the path does not exist).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XapiStatus {
    pub device_id: Option<DeviceId>,
    #[serde(default)]
    pub result: serde_json::Value,
}

impl WebexClient {
    /// Runs xAPI command `name` (e.g. `Audio.Volume.Set`) on `device` with optional `arguments`
    /// (an object; repeated arguments as arrays) and multiline `body`. Never retried after a
    /// 5xx or a lost connection: the command may have run (only 429/423 are retried).
    /// <https://developer.webex.com/docs/api/v1/xapi/execute-command>
    #[tracing::instrument(skip(self, arguments, body), fields(device = %device))]
    pub async fn xapi_command(
        &self,
        device: &DeviceId,
        name: &str,
        arguments: Option<serde_json::Value>,
        body: Option<&str>,
    ) -> Result<XapiCommandResult, WebexError> {
        if !is_xapi_path(name, false) {
            return Err(WebexError::InvalidRequest(format!(
                "not an xAPI command name: {name:?}"
            )));
        }
        let mut payload = serde_json::json!({ "deviceId": device });
        if let Some(arguments) = arguments {
            payload["arguments"] = arguments;
        }
        if let Some(body) = body {
            payload["body"] = body.into();
        }
        let request = Request::new(Method::POST, "xapi/command", &["xapi", "command", name])
            .json(&payload)?
            .idempotent(false);
        self.call(request).await
    }

    /// Reads 1 to 10 status `names` (`Audio.Volume`, `Audio.*`, `Call[*].Status`, …) of `device`.
    /// Each name is sent as its own `name=` parameter, percent-encoded.
    /// <https://developer.webex.com/docs/api/v1/xapi/query-status>
    #[tracing::instrument(skip(self), fields(device = %device))]
    pub async fn xapi_status(
        &self,
        device: &DeviceId,
        names: &[&str],
    ) -> Result<XapiStatus, WebexError> {
        if names.is_empty() || names.len() > MAX_STATUS_NAMES {
            return Err(WebexError::InvalidRequest(format!(
                "xAPI status takes 1 to {MAX_STATUS_NAMES} names, got {}",
                names.len()
            )));
        }
        if let Some(bad) = names.iter().find(|n| !is_xapi_path(n, true)) {
            return Err(WebexError::InvalidRequest(format!(
                "not an xAPI status name: {bad:?}"
            )));
        }
        let mut query = Query::default();
        query.push("deviceId", device);
        for name in names {
            query.push("name", name);
        }
        self.call(Request::get("xapi/status", &["xapi", "status"]).query(query))
            .await
    }
}

/// Dotted path of letters and digits; status names may also use `*`, `[n]`, `[a..b]`, `[*]`.
fn is_xapi_path(name: &str, status: bool) -> bool {
    !name.is_empty()
        && name.len() <= 256
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric() || c == '.' || (status && matches!(c, '*' | '[' | ']'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xapi_paths_are_checked() {
        assert!(is_xapi_path("Audio.Volume.Set", false));
        assert!(!is_xapi_path("Audio/../people", false));
        assert!(!is_xapi_path("Audio.*", false));
        assert!(is_xapi_path("Audio.Input.Connectors.HDMI[2..3].Mute", true));
        assert!(is_xapi_path("*.Volume", true));
        assert!(!is_xapi_path("", true));
    }
}
