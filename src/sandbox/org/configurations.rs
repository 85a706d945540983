//! Device configurations: the per-product schema (defaults, `valueSpace`, editability,
//! organisation rules), each device's configured values, the real response shape
//! (`isEditable`, `level`, `enforced`, `organizationRule` inside `sources`,
//! `appliedConfigurationValue`; `source` only `default` or `configured`, as the spec says) and
//! `GET`/`PATCH /v1/deviceConfigurations`.
//!
//! Key matching ignores case: the docs say nothing about case for configuration keys and the
//! device's own xAPI is case-insensitive; answers always use the canonical key.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::OrgState;
use super::http::{Query, json_response, parse_json, require_content_type};
use super::keypath::{PathSegment, Pattern, parse_path};
use crate::sandbox::caller::Caller;
use crate::sandbox::error::ApiError;

/// One configuration key of a product, as the demo data file declares it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ConfigDef {
    pub key: String,
    pub default: Value,
    pub value_space: Value,
    #[serde(default = "editable_by_default")]
    pub editable: bool,
    /// Why the configured source is not editable (`NOT_AUTHORIZED`, `CONFIG_MANAGED_BY_…`).
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub organization_rule: Option<OrganizationRule>,
}

/// A value set for the whole organisation in Control Hub.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrganizationRule {
    pub value: Value,
    /// An enforced rule wins over the device's configured value, which becomes read-only.
    #[serde(default)]
    pub enforced: bool,
}

fn editable_by_default() -> bool {
    true
}

/// A product's configuration keys with their parsed paths.
#[derive(Debug)]
pub(crate) struct ConfigSchema {
    defs: Vec<(ConfigDef, Vec<PathSegment>)>,
}

impl ConfigSchema {
    /// Builds the schema; keys that do not parse are skipped.
    pub(crate) fn new(defs: Vec<ConfigDef>) -> Self {
        let defs = defs
            .into_iter()
            .filter_map(|def| parse_path(&def.key).map(|path| (def, path)))
            .collect();
        Self { defs }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.defs
            .iter()
            .position(|(def, _)| def.key.eq_ignore_ascii_case(key))
    }
}

/// How a configuration is rendered: for a device online or not, to a caller who may change
/// it or not (then every configured source shows `NOT_AUTHORIZED`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct View {
    pub online: bool,
    pub authorized: bool,
}

/// A device's configuration: shared schema plus its own configured values.
#[derive(Debug, Clone)]
pub(crate) struct DeviceConfig {
    schema: Arc<ConfigSchema>,
    configured: HashMap<usize, Value>,
    /// For keys changed while the device was offline: the value it still runs with.
    pending: HashMap<usize, Value>,
}

impl DeviceConfig {
    /// A configuration with nothing configured.
    pub(crate) fn new(schema: Arc<ConfigSchema>) -> Self {
        Self {
            schema,
            configured: HashMap::new(),
            pending: HashMap::new(),
        }
    }

    /// Sets a configured value without validation (demo data); false if the key is unknown.
    pub(crate) fn preset(&mut self, key: &str, value: Value) -> bool {
        let Some(index) = self.schema.position(key) else {
            return false;
        };
        self.configured.insert(index, value);
        true
    }

    /// The effective value of `key`, if the product has it.
    pub(crate) fn effective(&self, key: &str) -> Option<Value> {
        let index = self.schema.position(key)?;
        Some(self.resolve(index).0)
    }

    /// The effective value and its `source`. The spec allows only `default` and `configured`:
    /// a value from an organisation rule is not the device's configured value, so it counts as
    /// `default`; `sources.organizationRule` says where it really comes from.
    fn resolve(&self, index: usize) -> (Value, &'static str) {
        let def = &self.schema.defs[index].0;
        match (&def.organization_rule, self.configured.get(&index)) {
            (Some(rule), _) if rule.enforced => (rule.value.clone(), "default"),
            (_, Some(value)) => (value.clone(), "configured"),
            (Some(rule), None) => (rule.value.clone(), "default"),
            (None, None) => (def.default.clone(), "default"),
        }
    }

    /// `{deviceId, items}` for every key matching one of `patterns` (all keys when empty).
    pub(crate) fn render(&self, device_id: &str, patterns: &[Pattern], view: View) -> Value {
        let mut items = Map::new();
        for (index, (def, path)) in self.schema.defs.iter().enumerate() {
            if patterns.is_empty() || patterns.iter().any(|p| p.matches(path, false)) {
                items.insert(def.key.clone(), self.render_item(index, view));
            }
        }
        json!({ "deviceId": device_id, "items": items })
    }

    fn render_item(&self, index: usize, view: View) -> Value {
        let def = &self.schema.defs[index].0;
        let (value, source) = self.resolve(index);
        let applied = match self.pending.get(&index) {
            Some(old) if !view.online => old.clone(),
            _ => value.clone(),
        };
        let editability = editability(def, view.authorized);
        let mut sources = Map::new();
        sources.insert(
            "default".into(),
            json!({"value": def.default, "editability": {"isEditable": false, "reason": "FACTORY_DEFAULT"}, "level": "DEFAULT"}),
        );
        sources.insert(
            "configured".into(),
            json!({
                "value": self.configured.get(&index).cloned().unwrap_or(Value::Null),
                "editability": editability,
                "level": "DEVICE",
            }),
        );
        if let Some(rule) = &def.organization_rule {
            sources.insert(
                "organizationRule".into(),
                json!({
                    "value": rule.value,
                    "editability": {"isEditable": false, "reason": "CONFIG_MANAGED_BY_RULE"},
                    "level": "ORGANIZATION",
                    "enforced": rule.enforced,
                }),
            );
        }
        json!({
            "value": value,
            "source": source,
            "sources": sources,
            "valueSpace": def.value_space,
            "appliedConfigurationValue": {"value": applied},
        })
    }

    /// Validates every operation first, then applies them all (or none).
    pub(crate) fn apply(&mut self, ops: &[PatchOp], online: bool) -> Result<(), ApiError> {
        let mut changes = Vec::with_capacity(ops.len());
        for op in ops {
            changes.push(self.check(op)?);
        }
        for (index, value) in changes {
            if !online {
                let before = self.resolve(index).0;
                self.pending.entry(index).or_insert(before);
            } else {
                self.pending.remove(&index);
            }
            match value {
                Some(value) => self.configured.insert(index, value),
                None => self.configured.remove(&index),
            };
        }
        Ok(())
    }

    fn check(&self, op: &PatchOp) -> Result<(usize, Option<Value>), ApiError> {
        let key = op.path.strip_suffix("/sources/configured/value").ok_or_else(|| {
            ApiError::bad_request(format!(
                "Invalid path '{}': only paths ending in /sources/configured/value are supported",
                op.path
            ))
        })?;
        let index = self
            .schema
            .position(key)
            .ok_or_else(|| ApiError::bad_request(format!("Unknown configuration key: {key}")))?;
        let def = &self.schema.defs[index].0;
        let editability = editability(def, true);
        if editability["isEditable"] == json!(false) {
            return Err(ApiError::bad_request(format!(
                "Configuration {} is not editable: {}",
                def.key,
                editability["reason"].as_str().unwrap_or("NOT_AUTHORIZED")
            )));
        }
        match op.op.as_str() {
            "remove" => Ok((index, None)),
            "replace" => {
                let value = op.value.clone().ok_or_else(|| {
                    ApiError::bad_request(format!("Operation replace on {} needs a value", def.key))
                })?;
                validate(&def.key, &def.value_space, &value)?;
                Ok((index, Some(value)))
            }
            other => Err(ApiError::bad_request(format!(
                "Unsupported operation '{other}': only replace and remove are supported"
            ))),
        }
    }
}

/// The configured source's editability; `NOT_AUTHORIZED` for a caller who may not change it.
fn editability(def: &ConfigDef, authorized: bool) -> Value {
    if !authorized {
        json!({"isEditable": false, "reason": "NOT_AUTHORIZED"})
    } else if !def.editable {
        let reason = def.reason.as_deref().unwrap_or("NOT_AUTHORIZED");
        json!({"isEditable": false, "reason": reason})
    } else if def.organization_rule.as_ref().is_some_and(|r| r.enforced) {
        json!({"isEditable": false, "reason": "CONFIG_MANAGED_BY_RULE"})
    } else {
        json!({"isEditable": true})
    }
}

/// Checks `value` against a JSON-Schema `valueSpace` (type, range, enum, length).
pub(crate) fn validate(key: &str, space: &Value, value: &Value) -> Result<(), ApiError> {
    let expected = space["type"].as_str().unwrap_or("string");
    let found = json_type(value);
    let type_ok = match expected {
        "integer" => value.as_i64().is_some(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        _ => value.is_string(),
    };
    if !type_ok {
        return Err(ApiError::bad_request(format!(
            "Invalid value for {key}: {found} found, {expected} expected"
        )));
    }
    if let Some(n) = value.as_f64() {
        let (min, max) = (space["minimum"].as_f64(), space["maximum"].as_f64());
        if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
            return Err(ApiError::bad_request(format!(
                "Invalid value for {key}: {value} is outside the range {}..{}",
                space["minimum"], space["maximum"]
            )));
        }
    }
    if let (Some(text), Some(allowed)) = (value.as_str(), space["enum"].as_array())
        && !allowed.iter().any(|a| a.as_str() == Some(text))
    {
        let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
        return Err(ApiError::bad_request(format!(
            "Invalid value for {key}: '{text}' is not one of {}",
            names.join(", ")
        )));
    }
    if let Some(text) = value.as_str() {
        let length = text.chars().count() as u64;
        let (min, max) = (space["minLength"].as_u64(), space["maxLength"].as_u64());
        if min.is_some_and(|m| length < m) || max.is_some_and(|m| length > m) {
            return Err(ApiError::bad_request(format!(
                "Invalid value for {key}: length {length} is outside {}..{}",
                min.unwrap_or(0),
                max.map_or("any".to_owned(), |m| m.to_string())
            )));
        }
    }
    Ok(())
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// One JSON Patch operation of a configuration PATCH.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PatchOp {
    pub op: String,
    pub path: String,
    #[serde(default)]
    pub value: Option<Value>,
}

/// `GET /v1/deviceConfigurations?deviceId=…&key=…`
pub(crate) async fn get_configurations(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = Query::from_uri(&uri);
    let device_id = query.required("deviceId")?;
    let patterns = query
        .all_split("key")
        .into_iter()
        .map(|key| {
            Pattern::parse(key)
                .ok_or_else(|| ApiError::bad_request(format!("Invalid configuration key: {key}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let org = state.read();
    let (index, _) = state.device_for(&org, &caller, device_id)?;
    let device = &org.devices[index];
    let online = device.is_online(Instant::now());
    let view = View {
        online,
        authorized: caller.may_configure(),
    };
    Ok(json_response(
        StatusCode::OK,
        device.config.render(&device.id, &patterns, view),
    ))
}

/// `PATCH /v1/deviceConfigurations?deviceId=…` (JSON Patch; works for offline devices).
pub(crate) async fn patch_configurations(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_content_type(&headers, "application/json-patch+json")?;
    let query = Query::from_uri(&uri);
    let device_id = query.required("deviceId")?;
    let ops: Vec<PatchOp> = parse_json(&body)?;
    if ops.is_empty() {
        return Err(ApiError::bad_request(
            "The patch must contain at least one operation",
        ));
    }
    let mut org = state.write();
    let (index, _) = state.device_for(&org, &caller, device_id)?;
    let device = &mut org.devices[index];
    let online = device.is_online(Instant::now());
    if !caller.may_configure() {
        return Err(ApiError::forbidden(crate::sandbox::access::FORBIDDEN));
    }
    device.config.apply(&ops, online)?;
    let view = View {
        online,
        authorized: true,
    };
    // Real cloud: 200 (not the documented 201) with the whole configuration (README defect 5).
    Ok(json_response(
        StatusCode::OK,
        device.config.render(&device.id, &[], view),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Arc<ConfigSchema> {
        let defs: Vec<ConfigDef> = serde_json::from_value(json!([
            {"key": "Audio.DefaultVolume", "default": 50, "valueSpace": {"type": "integer", "minimum": 0, "maximum": 100}},
            {"key": "Standby.Delay", "default": 10, "valueSpace": {"type": "integer", "minimum": 1, "maximum": 480},
             "organizationRule": {"value": 15}},
            {"key": "NetworkServices.HTTP.Mode", "default": "On", "valueSpace": {"type": "string", "enum": ["Off", "On"]},
             "organizationRule": {"value": "Off", "enforced": true}},
        ]))
        .unwrap();
        Arc::new(ConfigSchema::new(defs))
    }

    fn online() -> View {
        View {
            online: true,
            authorized: true,
        }
    }

    fn op(op: &str, key: &str, value: Option<Value>) -> PatchOp {
        PatchOp {
            op: op.into(),
            path: format!("{key}/sources/configured/value"),
            value,
        }
    }

    #[test]
    fn sources_decide_the_effective_value() {
        let mut config = DeviceConfig::new(schema());
        assert_eq!(config.effective("Standby.Delay"), Some(json!(15)));
        config
            .apply(&[op("replace", "standby.delay", Some(json!(30)))], true)
            .unwrap();
        assert_eq!(config.effective("Standby.Delay"), Some(json!(30)));
        assert_eq!(
            config.effective("NetworkServices.HTTP.Mode"),
            Some(json!("Off"))
        );
        let rendered = config.render("d", &[], online());
        assert_eq!(rendered["items"]["Standby.Delay"]["source"], "configured");
        assert_eq!(
            rendered["items"]["NetworkServices.HTTP.Mode"]["sources"]["configured"]["editability"],
            json!({"isEditable": false, "reason": "CONFIG_MANAGED_BY_RULE"})
        );
    }

    #[test]
    fn patches_are_all_or_nothing() {
        let mut config = DeviceConfig::new(schema());
        let ops = [
            op("replace", "Audio.DefaultVolume", Some(json!(70))),
            op("replace", "Standby.Delay", Some(json!("x"))),
        ];
        let err = config.apply(&ops, true).unwrap_err();
        assert!(
            err.message.contains("string found, integer expected"),
            "{}",
            err.message
        );
        assert_eq!(config.effective("Audio.DefaultVolume"), Some(json!(50)));
    }

    #[test]
    fn offline_devices_keep_the_applied_value_until_they_reconnect() {
        let mut config = DeviceConfig::new(schema());
        config
            .apply(
                &[op("replace", "Audio.DefaultVolume", Some(json!(80)))],
                false,
            )
            .unwrap();
        let offline = config.render(
            "d",
            &[],
            View {
                online: false,
                authorized: true,
            },
        );
        assert_eq!(offline["items"]["Audio.DefaultVolume"]["value"], 80);
        assert_eq!(
            offline["items"]["Audio.DefaultVolume"]["appliedConfigurationValue"]["value"],
            50
        );
        let online = config.render("d", &[], online());
        assert_eq!(
            online["items"]["Audio.DefaultVolume"]["appliedConfigurationValue"]["value"],
            80
        );
    }
}
