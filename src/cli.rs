//! The `roombot` command line: parses arguments, loads settings and runs one subcommand.
//! Exit codes: 0 success, 1 failure, 2 bad usage or bad settings.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::app::{Application, shutdown_signal};
use crate::settings::{Settings, SettingsError, Sources};

/// roombot: Cisco room devices in Webex chat.
#[derive(Debug, Parser)]
#[command(name = "roombot", version, about, long_about = None)]
pub struct Cli {
    /// A TOML settings file layered over the defaults (see config/default.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: CliCommand,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Run the webhook receiver against Webex (needs ROOMBOT__WEBEX__TOKEN and
    /// ROOMBOT__WEBEX__WEBHOOK_SECRET). Stops gracefully on SIGINT/SIGTERM.
    Serve,
    /// Check that a running roombot answers GET /healthz; exit 0 if healthy, 1 if not.
    /// Used by the container HEALTHCHECK.
    Healthcheck {
        /// Base URL to check instead of the configured listen address, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        url: Option<String>,
        /// Seconds to wait for an answer.
        #[arg(long, default_value_t = 3)]
        timeout: u64,
    },
    /// Validate the token and the bot's device access (needs ROOMBOT__WEBEX__TOKEN); prints a
    /// report and exits 1 if the bot cannot work.
    Check,
}

/// Runs the parsed command line and returns the process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::load(&Sources::from_process(cli.config.as_deref())) {
        Ok(settings) => settings,
        Err(error) => return settings_failure(&error),
    };
    crate::telemetry::init(&settings.log);
    match cli.command {
        CliCommand::Serve => serve(settings).await,
        CliCommand::Healthcheck { url, timeout } => {
            let url = url.unwrap_or_else(|| healthcheck_url(&settings));
            healthcheck(&url, Duration::from_secs(timeout)).await
        }
        CliCommand::Check => check(settings).await,
    }
}

/// `roombot check`: token and device access, printed as a report.
async fn check(settings: Settings) -> ExitCode {
    if let Err(error) = settings.require_token() {
        return settings_failure(&error);
    }
    let metrics = std::sync::Arc::new(crate::metrics::Metrics::default());
    let webex = match crate::bot::identity::client(&settings, metrics) {
        Ok(webex) => webex,
        Err(error) => {
            eprintln!("roombot: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let report = crate::ops::check::check(&webex).await;
    print!("{report}");
    if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Prints one line naming the bad setting and returns exit code 2.
fn settings_failure(error: &SettingsError) -> ExitCode {
    eprintln!("roombot: {error}");
    ExitCode::from(2)
}

async fn serve(settings: Settings) -> ExitCode {
    if let Err(error) = settings.require_serving() {
        return settings_failure(&error);
    }
    // Secrets are `SecretString`s: this prints `[REDACTED]` for them.
    tracing::info!(?settings, "starting roombot serve");
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(error) => {
            eprintln!("roombot: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    match app.run_until_stopped(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("roombot: server failed: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The `/healthz` URL of the configured listener (an unspecified address means loopback).
fn healthcheck_url(settings: &Settings) -> String {
    let mut addr = settings.server.listen;
    if addr.ip().is_unspecified() {
        let loopback: std::net::IpAddr = if addr.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        };
        addr.set_ip(loopback);
    }
    format!("http://{addr}")
}

/// GETs `<base>/healthz`; healthy means 200 with body `ok`.
async fn healthcheck(base: &str, timeout: Duration) -> ExitCode {
    let url = format!("{}/healthz", base.trim_end_matches('/'));
    let client = match reqwest::Client::builder()
        .timeout(timeout)
        .no_proxy()
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("roombot: healthcheck: {error}");
            return ExitCode::FAILURE;
        }
    };
    match client.get(&url).send().await {
        Ok(response) if response.status().is_success() => {
            let body = response.text().await.unwrap_or_default();
            if body.trim() == "ok" {
                println!("healthy: {url}");
                return ExitCode::SUCCESS;
            }
            eprintln!("roombot: unhealthy: {url} answered {body:?}");
            ExitCode::FAILURE
        }
        Ok(response) => {
            eprintln!("roombot: unhealthy: {url} answered {}", response.status());
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("roombot: unhealthy: {url}: {error}");
            ExitCode::FAILURE
        }
    }
}
