//! Settings layering (compiled-in defaults < working-dir file < --config file < env), every named
//! variable, validation errors naming the key, and redaction of secrets.

use std::collections::HashMap;
use std::fs;

use roombot::settings::{LogFormat, Settings, SettingsError, Sources, ViewerPolicy};

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn load_env(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
    Settings::load(&Sources {
        env: env(pairs),
        ..Sources::default()
    })
}

#[test]
fn compiled_in_defaults_need_no_files() {
    let settings = load_env(&[]).expect("defaults load");
    assert_eq!(settings.webex.api_base.as_str(), "https://webexapis.com/v1");
    assert_eq!(settings.server.listen.to_string(), "0.0.0.0:8080");
    assert_eq!(settings.store.path.to_str(), Some("roombot.db"));
    assert!(settings.webex.token.is_none());
    assert!(settings.webex.webhook_secret.is_none());
    assert!(settings.server.public_url.is_none());
    assert_eq!(settings.access.viewers, ViewerPolicy::Org);
    assert_eq!(settings.log.format, LogFormat::Auto);
}

#[test]
fn every_named_environment_variable_works() {
    let settings = load_env(&[
        ("ROOMBOT__WEBEX__TOKEN", "tok-123"),
        ("ROOMBOT__WEBEX__API_BASE", "http://127.0.0.1:9999/v1"),
        ("ROOMBOT__WEBEX__WEBHOOK_SECRET", "hush"),
        ("ROOMBOT__SERVER__LISTEN", "127.0.0.1:0"),
        ("ROOMBOT__SERVER__PUBLIC_URL", "https://bot.example.com"),
        ("ROOMBOT__STORE__PATH", "/tmp/x.db"),
        (
            "ROOMBOT__ACCESS__ADMINS",
            "Ada@Example.com, ops@example.com",
        ),
        ("ROOMBOT__WEBEX__ADMIN__CLIENT_ID", "C-admin"),
        ("ROOMBOT__WEBEX__ADMIN__CLIENT_SECRET", "csecret"),
        ("ROOMBOT__WEBEX__ADMIN__REFRESH_TOKEN", "rtoken"),
    ])
    .expect("settings load");
    let admin = settings
        .webex
        .admin
        .clone()
        .expect("admin access configured");
    assert_eq!(admin.client_id, "C-admin");
    assert!(admin.refresh_token.is_some());
    assert_eq!(settings.webex.expose_token(), Some("tok-123"));
    assert_eq!(settings.webex.api_base.as_str(), "http://127.0.0.1:9999/v1");
    assert!(settings.webex.webhook_secret.is_some());
    assert_eq!(settings.server.listen.to_string(), "127.0.0.1:0");
    assert_eq!(
        settings.server.public_url.unwrap().as_str(),
        "https://bot.example.com/"
    );
    assert_eq!(settings.store.path.to_str(), Some("/tmp/x.db"));
    assert_eq!(
        settings.access.admins,
        vec!["ada@example.com", "ops@example.com"]
    );
    settings_with_serving_values()
        .require_serving()
        .expect("serve has what it needs");
}

fn settings_with_serving_values() -> Settings {
    load_env(&[
        ("ROOMBOT__WEBEX__TOKEN", "t"),
        ("ROOMBOT__WEBEX__WEBHOOK_SECRET", "s"),
    ])
    .unwrap()
}

#[test]
fn layers_apply_in_order_default_file_config_env() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("config")).unwrap();
    fs::write(
        dir.path().join("config/default.toml"),
        "[bot]\nworkers = 3\nqueue_capacity = 30\n[store]\npath = \"local.db\"\n",
    )
    .unwrap();
    let extra = dir.path().join("extra.toml");
    fs::write(
        &extra,
        "[bot]\nqueue_capacity = 40\n[store]\npath = \"extra.db\"\n",
    )
    .unwrap();

    let sources = Sources {
        working_dir: Some(dir.path().to_path_buf()),
        config_file: Some(extra),
        env: env(&[("ROOMBOT__STORE__PATH", "env.db")]),
    };
    let settings = Settings::load(&sources).unwrap();
    assert_eq!(
        settings.bot.workers, 3,
        "working-dir file overrides defaults"
    );
    assert_eq!(
        settings.bot.queue_capacity, 40,
        "--config overrides the working-dir file"
    );
    assert_eq!(
        settings.store.path.to_str(),
        Some("env.db"),
        "env overrides every file"
    );
    assert_eq!(
        settings.bot.cache_ttl.as_secs(),
        300,
        "untouched keys keep the default"
    );
}

#[test]
fn bad_values_name_the_setting_and_its_variable() {
    let cases = [
        ("ROOMBOT__WEBEX__API_BASE", "not a url", "webex.api_base"),
        ("ROOMBOT__WEBEX__API_BASE", "ftp://x/v1", "webex.api_base"),
        ("ROOMBOT__SERVER__LISTEN", "localhost", "server.listen"),
        ("ROOMBOT__SERVER__PUBLIC_URL", "::nope", "server.public_url"),
        ("ROOMBOT__ACCESS__VIEWERS", "everyone", "access.viewers"),
        ("ROOMBOT__LOG__FORMAT", "xml", "log.format"),
        ("ROOMBOT__BOT__WORKERS", "0", "bot.workers"),
        ("ROOMBOT__BOT__WORKERS", "many", "workers"),
        ("ROOMBOT__SERVER__NO_SUCH_KEY", "1", "no_such_key"),
        (
            "ROOMBOT__WEBEX__ADMIN__CLIENT_ID",
            "C-admin",
            "webex.admin.client_secret",
        ),
        (
            "ROOMBOT__WEBEX__ADMIN__REFRESH_TOKEN",
            "r",
            "webex.admin.client_id",
        ),
    ];
    for (key, value, named) in cases {
        let error = load_env(&[(key, value)]).expect_err(key).to_string();
        assert!(error.contains(named), "{key}={value:?} gave {error:?}");
        if named.contains('.') {
            let variable = roombot::settings::env_name(named);
            assert!(error.contains(&variable), "{key}={value:?} gave {error:?}");
        }
    }
}

#[test]
fn serve_requires_token_and_secret() {
    let missing_token = load_env(&[("ROOMBOT__WEBEX__WEBHOOK_SECRET", "s")]).unwrap();
    let error = missing_token.require_serving().unwrap_err().to_string();
    assert!(error.contains("ROOMBOT__WEBEX__TOKEN"), "{error}");
    let missing_secret = load_env(&[("ROOMBOT__WEBEX__TOKEN", "t")]).unwrap();
    let error = missing_secret.require_serving().unwrap_err().to_string();
    assert!(error.contains("ROOMBOT__WEBEX__WEBHOOK_SECRET"), "{error}");
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let settings = load_env(&[
        ("ROOMBOT__WEBEX__TOKEN", "super-secret-token-value"),
        ("ROOMBOT__WEBEX__WEBHOOK_SECRET", "super-secret-hook-value"),
        ("ROOMBOT__WEBEX__ADMIN__CLIENT_ID", "C-admin"),
        (
            "ROOMBOT__WEBEX__ADMIN__CLIENT_SECRET",
            "super-secret-client",
        ),
        (
            "ROOMBOT__WEBEX__ADMIN__REFRESH_TOKEN",
            "super-secret-refresh",
        ),
        (
            "ROOMBOT__WEBEX__API_BASE",
            "https://bot:super-secret-password@proxy.example.com/v1",
        ),
        (
            "ROOMBOT__SERVER__PUBLIC_URL",
            "https://roombot.example.com/?key=super-secret-query",
        ),
    ])
    .unwrap();
    let debug = format!("{settings:?} {settings:#?}");
    assert!(debug.contains("proxy.example.com"), "{debug}");
    assert!(!debug.contains("super-secret"), "{debug}");
    assert!(debug.contains("REDACTED"));
}

#[test]
fn secrets_never_appear_in_errors_about_other_settings() {
    let error = load_env(&[
        ("ROOMBOT__WEBEX__TOKEN", "super-secret-token-value"),
        ("ROOMBOT__SERVER__LISTEN", "bogus"),
    ])
    .unwrap_err();
    assert!(!error.to_string().contains("super-secret"));
    assert!(!format!("{error:?}").contains("super-secret"));
}
