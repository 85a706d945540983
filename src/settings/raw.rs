//! The unvalidated layers, exactly as written in files and variables. Errors never echo a value
//! (a value may be a secret): a TOML syntax error names the file, line, column and key, never the
//! line's text; a type error names the key and what was expected.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
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
    pub intake: RawIntake,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWebex {
    pub token: String,
    pub api_base: String,
    pub webhook_secret: String,
    pub timeout_secs: u64,
    pub max_in_flight: u64,
    pub retry_deadline_secs: u64,
    pub retry_backoff_ms: u64,
    pub retry_after_cap_secs: u64,
    pub u2c_url: String,
    pub proxy: String,
    pub no_proxy: String,
    pub admin: RawAdmin,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAdmin {
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServer {
    pub listen: String,
    pub public_url: String,
    pub body_limit_bytes: u64,
    pub sync_webhooks_on_start: bool,
    pub header_read_timeout_secs: u64,
    pub body_read_timeout_secs: u64,
    pub request_timeout_secs: u64,
    pub max_connections: u64,
    pub body_buffer_bytes: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStore {
    pub path: String,
    pub keep_failed_events_days: u64,
    pub keep_posted_messages_days: u64,
    pub keep_used_forms_days: u64,
    pub keep_confirmations_hours: u64,
    pub keep_audit_days: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAccess {
    pub admins: String,
    pub operators: String,
    pub viewers: String,
    pub domains: String,
    pub spaces: String,
    pub space_grant_ttl_secs: u64,
    pub contact: String,
    pub foreign_spaces: String,
    pub rate_per_person: u32,
    pub rate_per_space: u32,
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
pub(super) struct RawIntake {
    pub mode: String,
    pub device_name: String,
    pub ping_interval_secs: u64,
    pub pong_timeout_secs: u64,
    pub reconnect_backoff_ms: u64,
    pub reconnect_backoff_max_secs: u64,
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
            check_syntax(&local)?;
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
        check_syntax(file)?;
        builder = builder.add_source(File::from(file.clone()).format(FileFormat::Toml));
    }
    let env = Environment::with_prefix("ROOMBOT")
        .prefix_separator("__")
        .separator("__")
        .source(Some(sources.env.clone().into_iter().collect()));
    let config = builder
        .add_source(env)
        .build()
        .map_err(|e| SettingsError::Load(without_values(&e.to_string())))?;
    config
        .try_deserialize()
        .map_err(|e| SettingsError::Load(without_values(&e.to_string())))
}

/// Parses `file` as TOML; a syntax error names the file, line, column and key, never the text.
fn check_syntax(file: &Path) -> Result<(), SettingsError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| SettingsError::Load(format!("{}: cannot read: {e}", file.display())))?;
    let Err(error) = toml::from_str::<toml::Table>(&text) else {
        return Ok(());
    };
    let at = error.span().map_or(0, |span| span.start.min(text.len()));
    let before = text.get(..at).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let key = key_at_line(&text, line).map_or_else(String::new, |k| format!(" (in {k})"));
    let problem = without_values(error.message().lines().next().unwrap_or("syntax error"));
    Err(SettingsError::Load(format!(
        "{}: TOML syntax error at line {line}, column {column}{key}: {problem}",
        file.display()
    )))
}

/// `section.key` of the last assignment starting on or before 1-based `line`.
fn key_at_line(text: &str, line: usize) -> Option<String> {
    static KEY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*([A-Za-z0-9_-]+)\s*=").expect("valid regex"));
    static TABLE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]").expect("valid regex"));
    let lines: Vec<&str> = text.lines().take(line).collect();
    let at = lines.iter().rposition(|l| KEY.is_match(l))?;
    let key = KEY.captures(lines[at])?[1].to_owned();
    let table = lines[..at]
        .iter()
        .rev()
        .find_map(|l| TABLE.captures(l).map(|c| c[1].to_owned()));
    Some(table.map_or(key.clone(), |t| format!("{t}.{key}")))
}

/// `message` with quoted values removed: ``invalid type: string "s3cret"`` → `invalid type: string`.
fn without_values(message: &str) -> String {
    static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(invalid (?:type|value|length): [a-z ]+?)\s*(?:`[^`]*`|"(?:[^"\\]|\\.)*")"#)
            .expect("valid regex")
    });
    QUOTED.replace_all(message, "$1").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "hook-s3cret-value";

    fn load_file(text: &str) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("roombot.toml");
        std::fs::write(&file, text).expect("written");
        let sources = Sources {
            config_file: Some(file),
            ..Sources::default()
        };
        load(&sources).expect_err("an error").to_string()
    }

    #[test]
    fn a_toml_syntax_error_names_line_and_key_but_never_the_value() {
        let broken = [
            format!("[webex]\ntoken = \"abc\"\nwebhook_secret = \"{SECRET}\n"),
            format!("[webex]\nwebhook_secret = {SECRET}\n"),
            format!("[webex]\nwebhook_secret = \"{SECRET}\" junk\n"),
            format!("[webex]\nwebhook_secret = \"{SECRET}\\q\"\n"),
            format!("[webex]\nwebhook_secret = '''{SECRET}\n"),
        ];
        for text in broken {
            let error = load_file(&text);
            assert!(!error.contains("s3cret"), "{text:?} gave {error}");
            assert!(
                error.contains("roombot.toml") && error.contains("line"),
                "{error}"
            );
            assert!(
                error.contains("webex.webhook_secret"),
                "{text:?} gave {error}"
            );
        }
    }

    #[test]
    fn a_type_error_names_the_key_but_never_the_value() {
        let error = load_file(&format!("[webex]\ntimeout_secs = \"{SECRET}\"\n"));
        assert!(!error.contains("s3cret"), "{error}");
        assert!(error.contains("timeout_secs"), "{error}");
    }

    #[test]
    fn quoted_values_are_cut_from_messages() {
        assert_eq!(
            without_values(r#"invalid type: string "x\"y", expected u64 for key `a.b`"#),
            "invalid type: string, expected u64 for key `a.b`"
        );
        assert_eq!(
            without_values("invalid type: integer `42`, expected a string"),
            "invalid type: integer, expected a string"
        );
    }
}
