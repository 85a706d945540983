//! The unvalidated layers, exactly as written in files and variables.

use serde::Deserialize;

use super::{DEFAULTS_TOML, SettingsError, Sources};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSettings {
    pub webex: RawWebex,
    pub server: RawServer,
    pub store: RawStore,
    pub access: RawAccess,
    pub bot: RawBot,
    pub log: RawLog,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWebex {
    pub token: String,
    pub api_base: String,
    pub webhook_secret: String,
    pub timeout_secs: u64,
    pub max_in_flight: u64,
    pub max_attempts: u64,
    pub retry_after_cap_secs: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServer {
    pub listen: String,
    pub public_url: String,
    pub body_limit_bytes: u64,
    pub sync_webhooks_on_start: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStore {
    pub path: String,
    pub keep_failed_events_days: u64,
    pub keep_posted_messages_days: u64,
    pub keep_used_forms_days: u64,
    pub keep_confirmations_hours: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAccess {
    pub admins: String,
    pub operators: String,
    pub viewers: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBot {
    pub workers: u64,
    pub queue_capacity: u64,
    pub event_deadline_secs: u64,
    pub cache_ttl_secs: u64,
    pub confirmation_ttl_secs: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLog {
    pub format: String,
    pub level: String,
}

/// Layers the sources and deserialises them. Errors name the offending key.
pub(super) fn load(sources: &Sources) -> Result<RawSettings, SettingsError> {
    use config::{Environment, File, FileFormat};

    let mut builder =
        config::Config::builder().add_source(File::from_str(DEFAULTS_TOML, FileFormat::Toml));
    if let Some(dir) = &sources.working_dir {
        let local = dir.join("config").join("default.toml");
        if local.is_file() {
            builder = builder.add_source(File::from(local).format(FileFormat::Toml));
        }
    }
    if let Some(file) = &sources.config_file {
        if !file.is_file() {
            return Err(SettingsError::Load(format!(
                "--config {}: no such file",
                file.display()
            )));
        }
        builder = builder.add_source(File::from(file.clone()).format(FileFormat::Toml));
    }
    let env = Environment::with_prefix("ROOMBOT")
        .prefix_separator("__")
        .separator("__")
        .source(Some(sources.env.clone().into_iter().collect()));
    let config = builder
        .add_source(env)
        .build()
        .map_err(|e| SettingsError::Load(e.to_string()))?;
    config
        .try_deserialize()
        .map_err(|e| SettingsError::Load(e.to_string()))
}
