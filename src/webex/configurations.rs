//! Device configurations: read keys (wildcards and ranges allowed) and change them with JSON
//! Patch on `Key/sources/configured/value`. Real answers differ from the spec (`isEditable`,
//! `organizationRule`, 200 on PATCH): see `WEBEX-FACTS.md`.
//! Docs: <https://developer.webex.com/docs/api/v1/device-configurations>.

use std::collections::BTreeMap;

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::WebexClient;
use super::error::WebexError;
use super::ids::DeviceId;
use super::open_enum::open_enum;
use super::request::{Query, Request};

type Extra = serde_json::Map<String, serde_json::Value>;

open_enum!(
    /// Where a configuration's effective value comes from.
    ConfigSource {
        Default => "default",
        Configured => "configured",
        OrganizationRule => "organizationRule",
    }
);

/// `GET`/`PATCH /deviceConfigurations` answer: the device and its items keyed by configuration key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceConfigurations {
    pub device_id: Option<DeviceId>,
    #[serde(default)]
    pub items: BTreeMap<String, ConfigurationItem>,
}

/// One configuration key: effective value, where it comes from, and what it accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationItem {
    pub value: Option<serde_json::Value>,
    pub source: Option<ConfigSource>,
    pub sources: Option<ConfigSources>,
    pub value_space: Option<ValueSpace>,
    pub applied_configuration_value: Option<serde_json::Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The value each source would give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigSources {
    pub default: Option<SourceValue>,
    pub configured: Option<SourceValue>,
    pub organization_rule: Option<SourceValue>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One source's value and whether the token may change it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceValue {
    pub value: Option<serde_json::Value>,
    pub editability: Option<Editability>,
    pub level: Option<String>,
    pub enforced: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Whether a source is editable and, if not, why (`FACTORY_DEFAULT`, `NOT_AUTHORIZED`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Editability {
    /// `isEditable` in real answers, `editable` in the spec's example.
    #[serde(alias = "editable")]
    pub is_editable: Option<bool>,
    pub reason: Option<String>,
}

/// A JSON Schema fragment describing accepted values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueSpace {
    #[serde(rename = "type")]
    pub value_type: Option<String>,
    pub minimum: Option<serde_json::Number>,
    pub maximum: Option<serde_json::Number>,
    #[serde(rename = "enum")]
    pub allowed: Option<Vec<serde_json::Value>>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub unit: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl ConfigurationItem {
    /// Whether the `configured` source may be changed (unknown counts as not editable).
    pub fn is_editable(&self) -> bool {
        self.configured_editability()
            .and_then(|e| e.is_editable)
            .unwrap_or(false)
    }

    /// Why the `configured` source may not be changed, when Webex says.
    pub fn not_editable_reason(&self) -> Option<&str> {
        self.configured_editability()
            .and_then(|e| e.reason.as_deref())
    }

    fn configured_editability(&self) -> Option<&Editability> {
        self.sources
            .as_ref()?
            .configured
            .as_ref()?
            .editability
            .as_ref()
    }
}

/// One operation of a configuration PATCH.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigPatch {
    op: &'static str,
    path: String,
    value: Option<serde_json::Value>,
}

impl ConfigPatch {
    /// Sets `key` (e.g. `Audio.DefaultVolume`) to a value typed per its valueSpace.
    pub fn replace(key: &str, value: serde_json::Value) -> Self {
        Self {
            op: "replace",
            path: format!("{key}/sources/configured/value"),
            value: Some(value),
        }
    }

    /// Removes the configured value of `key`, so its default applies again.
    pub fn remove(key: &str) -> Self {
        Self {
            op: "remove",
            path: format!("{key}/sources/configured/value"),
            value: None,
        }
    }
}

impl WebexClient {
    /// Configurations of a device; `key` may use `*`, `[n]`, `[*]`, `[1..3]`, `[2..n]`.
    /// <https://developer.webex.com/docs/api/v1/device-configurations/list-device-configurations-for-device>
    #[tracing::instrument(skip(self), fields(device = %device))]
    pub async fn get_configurations(
        &self,
        device: &DeviceId,
        key: Option<&str>,
    ) -> Result<DeviceConfigurations, WebexError> {
        let mut query = Query::default();
        query.push("deviceId", device).opt("key", key);
        self.call(Request::get("deviceConfigurations", &["deviceConfigurations"]).query(query))
            .await
    }

    /// Applies `ops` (works offline: applied when the device reconnects). Answers the device's
    /// whole configuration: large, so it is not logged.
    /// <https://developer.webex.com/docs/api/v1/device-configurations/update-device-configurations>
    #[tracing::instrument(skip(self, ops), fields(device = %device, ops = ops.len()))]
    pub async fn patch_configurations(
        &self,
        device: &DeviceId,
        ops: &[ConfigPatch],
    ) -> Result<DeviceConfigurations, WebexError> {
        let mut query = Query::default();
        query.push("deviceId", device);
        let request = Request::new(
            Method::PATCH,
            "deviceConfigurations",
            &["deviceConfigurations"],
        )
        .query(query)
        .json_patch(&ops)?
        // Setting or removing a configured value twice has the same effect.
        .idempotent(true);
        self.call(request).await
    }
}
