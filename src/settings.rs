//! Typed settings. Layers, later ones winning: the compiled-in `config/default.toml`, a
//! `config/default.toml` in the working directory if present, the `--config FILE`, then
//! `ROOMBOT__SECTION__KEY` environment variables. The raw layers are validated once into
//! [`Settings`]; nothing below this module reads the environment.
//!
//! Secrets (`webex.token`, `webex.webhook_secret`) are [`SecretString`]s: `Debug` prints
//! `[REDACTED]` and no error message ever contains them (nor any other value read from a file).
//! URLs are shown without user, password, query values or fragment ([`redact_url`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// The compiled-in defaults: the documented `config/default.toml`.
pub const DEFAULTS_TOML: &str = include_str!("../config/default.toml");

/// Validated settings for the whole process.
#[derive(Debug, Clone)]
pub struct Settings {
    pub webex: WebexSettings,
    pub server: ServerSettings,
    pub store: StoreSettings,
    pub access: AccessSettings,
    pub bot: BotSettings,
    pub log: LogSettings,
    /// `[intake]`: webhooks or the websocket.
    pub intake: IntakeSettings,
}

/// `[webex]`: how to reach Webex and verify its webhooks. `Debug` hides the secrets and the
/// URL's credentials.
#[derive(Clone)]
pub struct WebexSettings {
    /// The bot token; `None` when unset (only `serve` and friends require it).
    pub token: Option<SecretString>,
    pub api_base: Url,
    /// The webhook secret; `None` when unset.
    pub webhook_secret: Option<SecretString>,
    pub timeout: Duration,
    pub max_in_flight: usize,
    /// How long the Webex calls of one event may keep retrying.
    pub retry_deadline: Duration,
    /// First backoff step after a transient failure.
    pub retry_backoff: Duration,
    pub retry_after_cap: Duration,
    /// The U2C service catalog (websocket intake).
    pub u2c_url: Url,
    /// The proxy for Webex connections, if any (`webex.proxy` or the environment's).
    pub proxy: Option<ProxySettings>,
    /// The admin credential (`[webex.admin]`); `None` in bot-only mode.
    pub admin: Option<AdminSettings>,
}

/// `[webex.admin]`: an integration or service app an org admin authorized, for what Webex
/// keeps from bots (configurations, workspaces, locations, tags, activation codes, deletes).
#[derive(Clone)]
pub struct AdminSettings {
    pub client_id: String,
    pub client_secret: SecretString,
    /// The refresh token as configured; `None` when only the store has one (`auth login`).
    pub refresh_token: Option<SecretString>,
}

/// `[server]`: the HTTP listener. `Debug` hides the public URL's credentials.
#[derive(Clone)]
pub struct ServerSettings {
    pub listen: SocketAddr,
    pub public_url: Option<Url>,
    pub body_limit_bytes: usize,
    pub sync_webhooks_on_start: bool,
    /// Time a client has to send a request's headers (also how long an idle connection stays).
    pub header_read_timeout: Duration,
    /// Time a client has to send a request's body.
    pub body_read_timeout: Duration,
    /// Time one request may take, body and handling included.
    pub request_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Bytes of request bodies held in memory at once, across all connections.
    pub body_buffer_bytes: usize,
}

/// `[store]`: the SQLite file and how long its tables keep rows.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    pub path: PathBuf,
    /// Events given up on.
    pub keep_failed_events: Duration,
    /// Messages the bot posted.
    pub keep_posted_messages: Duration,
    /// Create forms already submitted.
    pub keep_used_forms: Duration,
    /// Confirmations, from their expiry.
    pub keep_confirmations: Duration,
    /// The audit trail.
    pub keep_audit: Duration,
}

/// `[access]`: who may do what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessSettings {
    /// Lower-cased admin emails.
    pub admins: Vec<String>,
    /// Lower-cased operator emails.
    pub operators: Vec<String>,
    pub viewers: ViewerPolicy,
    /// Grants by domain and space, contact, foreign spaces, rate limits.
    pub governance: Governance,
}

/// Who may read status and lists besides admins and operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewerPolicy {
    /// Anyone in the bot's organisation.
    Org,
    /// Only listed admins and operators.
    Listed,
}

/// `[bot]`: the worker side.
#[derive(Debug, Clone)]
pub struct BotSettings {
    pub workers: usize,
    pub queue_capacity: usize,
    /// How long after acceptance a failing event may still be retried.
    pub event_deadline: Duration,
    pub cache_ttl: Duration,
    pub confirmation_ttl: Duration,
}

/// `[log]`: tracing output.
#[derive(Debug, Clone)]
pub struct LogSettings {
    pub format: LogFormat,
    pub level: String,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable on a terminal, JSON lines otherwise.
    Auto,
    Human,
    Json,
}

/// A setting that could not be loaded or is invalid. The message names the setting.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("invalid setting {key} ({env}): {problem}")]
    Invalid {
        key: String,
        env: String,
        problem: String,
    },
    #[error("missing setting {key} ({env}): {problem}")]
    Missing {
        key: String,
        env: String,
        problem: String,
    },
    #[error("could not load settings: {0}")]
    Load(String),
}

impl SettingsError {
    fn invalid(key: &str, problem: impl std::fmt::Display) -> Self {
        Self::Invalid {
            key: key.into(),
            env: env_name(key),
            problem: problem.to_string(),
        }
    }
}

/// The environment variable that sets `key` (`webex.token` → `ROOMBOT__WEBEX__TOKEN`).
pub fn env_name(key: &str) -> String {
    format!("ROOMBOT__{}", key.replace('.', "__").to_uppercase())
}

/// Where settings come from; [`Sources::from_process`] for the real process, explicit values
/// in tests so they never touch the process environment.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The directory whose `config/default.toml` is layered in, if present.
    pub working_dir: Option<PathBuf>,
    /// The `--config FILE`.
    pub config_file: Option<PathBuf>,
    /// Environment variables (only `ROOMBOT__*` ones are read).
    pub env: HashMap<String, String>,
}

impl Sources {
    /// The current directory, the given file and the process environment.
    pub fn from_process(config_file: Option<&Path>) -> Self {
        Self {
            working_dir: std::env::current_dir().ok(),
            config_file: config_file.map(Path::to_path_buf),
            env: std::env::vars()
                .filter(|(k, _)| k.starts_with("ROOMBOT__") || PROXY_VARS.contains(&k.as_str()))
                .collect(),
        }
    }
}

impl Settings {
    /// Loads and validates settings from `sources`.
    pub fn load(sources: &Sources) -> Result<Self, SettingsError> {
        let raw = raw::load(sources)?;
        let proxy = intake::proxy_settings(&raw.webex, &sources.env)?;
        let mut settings = Self::try_from(raw)?;
        settings.webex.proxy = proxy;
        Ok(settings)
    }

    /// Checks what `serve` needs beyond the defaults: a token, and in webhook mode a webhook
    /// secret (the websocket intake needs neither a public URL nor a secret).
    pub fn require_serving(&self) -> Result<(), SettingsError> {
        self.require_token()?;
        if self.intake.mode == IntakeMode::Webhook && self.webex.webhook_secret.is_none() {
            return Err(SettingsError::Missing {
                key: "webex.webhook_secret".into(),
                env: env_name("webex.webhook_secret"),
                problem: "serve needs the secret Webex signs webhook deliveries with".into(),
            });
        }
        Ok(())
    }

    /// Checks that a bot token is set.
    pub fn require_token(&self) -> Result<&SecretString, SettingsError> {
        self.webex
            .token
            .as_ref()
            .ok_or_else(|| SettingsError::Missing {
                key: "webex.token".into(),
                env: env_name("webex.token"),
                problem: "the bot's access token is needed to call Webex".into(),
            })
    }
}

fn non_empty_secret(value: String) -> Option<SecretString> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| SecretString::from(trimmed.to_owned()))
}

fn parse_emails(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .collect()
}

/// `[webex.admin]`, checked: nothing set is bot-only mode; a client id needs its secret.
fn admin_settings(raw: raw::RawAdmin) -> Result<Option<AdminSettings>, SettingsError> {
    let client_id = raw.client_id.trim().to_owned();
    let client_secret = non_empty_secret(raw.client_secret);
    let refresh_token = non_empty_secret(raw.refresh_token);
    if client_id.is_empty() {
        if client_secret.is_some() || refresh_token.is_some() {
            return Err(SettingsError::invalid(
                "webex.admin.client_id",
                "is empty while the admin secret or refresh token is set",
            ));
        }
        return Ok(None);
    }
    let Some(client_secret) = client_secret else {
        return Err(SettingsError::invalid(
            "webex.admin.client_secret",
            "must be set with webex.admin.client_id",
        ));
    };
    Ok(Some(AdminSettings {
        client_id,
        client_secret,
        refresh_token,
    }))
}

fn positive(key: &str, value: u64) -> Result<u64, SettingsError> {
    if value == 0 {
        return Err(SettingsError::invalid(key, "must be at least 1"));
    }
    Ok(value)
}

fn secs(key: &str, value: u64) -> Result<Duration, SettingsError> {
    positive(key, value).map(Duration::from_secs)
}

impl TryFrom<raw::RawSettings> for Settings {
    type Error = SettingsError;

    fn try_from(raw: raw::RawSettings) -> Result<Self, Self::Error> {
        let api_base = Url::parse(raw.webex.api_base.trim())
            .map_err(|e| SettingsError::invalid("webex.api_base", format!("not a URL: {e}")))?;
        if !matches!(api_base.scheme(), "http" | "https") {
            return Err(SettingsError::invalid(
                "webex.api_base",
                "must be an http(s) URL",
            ));
        }
        let viewers = match raw.access.viewers.trim().to_lowercase().as_str() {
            "org" => ViewerPolicy::Org,
            "listed" => ViewerPolicy::Listed,
            other => {
                let problem = format!("{other:?} is not one of \"org\", \"listed\"");
                return Err(SettingsError::invalid("access.viewers", problem));
            }
        };
        let format = match raw.log.format.trim().to_lowercase().as_str() {
            "auto" => LogFormat::Auto,
            "human" => LogFormat::Human,
            "json" => LogFormat::Json,
            other => {
                let problem = format!("{other:?} is not one of \"auto\", \"human\", \"json\"");
                return Err(SettingsError::invalid("log.format", problem));
            }
        };
        if raw.store.path.trim().is_empty() {
            return Err(SettingsError::invalid("store.path", "must name a file"));
        }
        Ok(Self {
            webex: WebexSettings {
                token: non_empty_secret(raw.webex.token),
                api_base,
                webhook_secret: non_empty_secret(raw.webex.webhook_secret),
                timeout: Duration::from_secs(positive(
                    "webex.timeout_secs",
                    raw.webex.timeout_secs,
                )?),
                max_in_flight: positive("webex.max_in_flight", raw.webex.max_in_flight)? as usize,
                retry_deadline: Duration::from_secs(positive(
                    "webex.retry_deadline_secs",
                    raw.webex.retry_deadline_secs,
                )?),
                retry_backoff: Duration::from_millis(positive(
                    "webex.retry_backoff_ms",
                    raw.webex.retry_backoff_ms,
                )?),
                retry_after_cap: Duration::from_secs(raw.webex.retry_after_cap_secs),
                u2c_url: intake::u2c_url(&raw.webex.u2c_url)?,
                proxy: None,
                admin: admin_settings(raw.webex.admin)?,
            },
            server: server_settings(&raw.server)?,
            store: StoreSettings {
                path: PathBuf::from(raw.store.path.trim()),
                keep_failed_events: days(raw.store.keep_failed_events_days),
                keep_posted_messages: days(raw.store.keep_posted_messages_days),
                keep_used_forms: days(raw.store.keep_used_forms_days),
                keep_confirmations: hours(raw.store.keep_confirmations_hours),
                keep_audit: days(raw.store.keep_audit_days),
            },
            access: AccessSettings {
                admins: parse_emails(&raw.access.admins),
                operators: parse_emails(&raw.access.operators),
                viewers,
                governance: Governance::from_raw(&raw.access)?,
            },
            bot: BotSettings {
                workers: positive("bot.workers", raw.bot.workers)? as usize,
                queue_capacity: positive("bot.queue_capacity", raw.bot.queue_capacity)? as usize,
                event_deadline: Duration::from_secs(positive(
                    "bot.event_deadline_secs",
                    raw.bot.event_deadline_secs,
                )?),
                cache_ttl: Duration::from_secs(raw.bot.cache_ttl_secs),
                confirmation_ttl: Duration::from_secs(positive(
                    "bot.confirmation_ttl_secs",
                    raw.bot.confirmation_ttl_secs,
                )?),
            },
            log: LogSettings {
                format,
                level: raw.log.level,
            },
            intake: intake::intake_settings(&raw.intake)?,
        })
    }
}

/// Validates `[server]`.
fn server_settings(raw: &raw::RawServer) -> Result<ServerSettings, SettingsError> {
    let listen = raw.listen.trim().parse::<SocketAddr>().map_err(|e| {
        SettingsError::invalid(
            "server.listen",
            format!("not an address like 0.0.0.0:8080: {e}"),
        )
    })?;
    let public_url =
        match raw.public_url.trim() {
            "" => None,
            text => Some(Url::parse(text).map_err(|e| {
                SettingsError::invalid("server.public_url", format!("not a URL: {e}"))
            })?),
        };
    let number = |key: &str, value: u64| positive(key, value).map(|v| v as usize);
    Ok(ServerSettings {
        listen,
        public_url,
        body_limit_bytes: number("server.body_limit_bytes", raw.body_limit_bytes)?,
        sync_webhooks_on_start: raw.sync_webhooks_on_start,
        header_read_timeout: secs(
            "server.header_read_timeout_secs",
            raw.header_read_timeout_secs,
        )?,
        body_read_timeout: secs("server.body_read_timeout_secs", raw.body_read_timeout_secs)?,
        request_timeout: secs("server.request_timeout_secs", raw.request_timeout_secs)?,
        max_connections: number("server.max_connections", raw.max_connections)?,
        body_buffer_bytes: number("server.body_buffer_bytes", raw.body_buffer_bytes)?,
    })
}

fn hours(n: u64) -> Duration {
    Duration::from_secs(n.saturating_mul(3600))
}

fn days(n: u64) -> Duration {
    Duration::from_secs(n.saturating_mul(24 * 3600))
}

impl WebexSettings {
    /// The token's text, for building the Webex client. Never log it.
    pub fn expose_token(&self) -> Option<&str> {
        self.token.as_ref().map(|t| t.expose_secret())
    }
}

mod governance;
mod intake;
mod raw;
mod redact;

pub use governance::{ForeignSpaces, Governance, Grant, GrantRole};
pub use intake::{IntakeMode, IntakeSettings, PROXY_VARS, ProxySettings};

pub use redact::redact_url;
