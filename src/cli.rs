//! The `roombot` command line: parses arguments, loads settings and runs one subcommand.
//! Exit codes: 0 success, 1 failure, 2 bad usage or bad settings. `exec` lives in [`exec`].

pub mod audit;
pub mod exec;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
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
    /// Try roombot without Webex: start the embedded Webex sandbox (demo organisation, chat page)
    /// and the bot wired to it exactly as in production. Prints the page's address.
    #[cfg(feature = "sandbox")]
    Sandbox {
        #[command(flatten)]
        demo: DemoArgs,
    },
    /// Run one chat command as a person and print the reply: against the organisation in the
    /// settings (the bot token and admin credential of `serve`) as --as-email, or against a fresh
    /// embedded sandbox with --sandbox. Exit 0 done, 1 failed, refused or waiting for a
    /// confirmation, 2 bad usage.
    Exec {
        /// The command, as typed in chat, e.g. "devices offline".
        command: String,
        /// Who asks (their role comes from the access settings, as in chat).
        #[cfg_attr(
            feature = "sandbox",
            arg(
                long = "as-email",
                value_name = "EMAIL",
                required_unless_present = "sandbox"
            )
        )]
        #[cfg_attr(
            not(feature = "sandbox"),
            arg(long = "as-email", value_name = "EMAIL", required = true)
        )]
        as_email: Option<String>,
        /// Print one JSON document: {"command", "result", "markdown", "card"}.
        #[arg(long)]
        json: bool,
        /// Show the command's plan (targets, skipped devices, calls, confirmation) instead of
        /// running it: the same as typing `plan <command>`.
        #[arg(long)]
        plan: bool,
        /// Confirm the command if it asks for a confirmation (as clicking Confirm).
        #[arg(long)]
        yes: bool,
        #[cfg(feature = "sandbox")]
        #[command(flatten)]
        sandbox: ExecSandbox,
    },
    /// Manage roombot's webhooks (messages/created, attachmentActions/created,
    /// memberships/created, memberships/deleted). Webhooks
    /// roombot did not create are never touched.
    Webhooks {
        #[command(subcommand)]
        action: WebhooksAction,
    },
    /// Print the audit trail from the store (every command and click, refused ones included),
    /// oldest first: --json for one JSON document per line (for a SIEM).
    Audit {
        #[command(flatten)]
        args: audit::AuditArgs,
    },
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
    /// Validate the bot's token and device access, and the admin credential when configured
    /// (needs ROOMBOT__WEBEX__TOKEN); prints a report and exits 1 if something does not work.
    Check,
    /// Admin access: sign roombot in with the integration in webex.admin (an organisation admin
    /// approves it in a browser).
    Auth {
        #[command(subcommand)]
        action: AuthAction,
    },
}

/// `roombot auth …`.
#[derive(Debug, Subcommand)]
pub enum AuthAction {
    /// Print the consent address for an organisation admin, then finish the sign-in: on a
    /// loopback redirect address roombot listens for Webex's redirect itself; on the server's
    /// public URL, `roombot serve` receives it (GET /oauth/callback) and this waits for it.
    Login {
        /// Where Webex sends the admin back (registered with the integration). Default:
        /// server.public_url + /oauth/callback, else http://127.0.0.1:8765/oauth/callback.
        #[arg(long)]
        redirect_uri: Option<String>,
        /// Finish with a code copied from the redirect address instead of waiting for it.
        #[arg(long)]
        code: Option<String>,
    },
}

/// `roombot exec --sandbox`: who asks there, and the sandbox's options.
#[cfg(feature = "sandbox")]
#[derive(Debug, clap::Args)]
pub struct ExecSandbox {
    /// Run against a fresh embedded sandbox instead of the organisation in the settings.
    #[arg(long)]
    pub sandbox: bool,
    /// Who asks in the sandbox: admin, operator, viewer or outsider (--as-email picks anyone).
    #[arg(long = "as", default_value = "operator", value_parser = ["admin", "operator", "viewer", "outsider"])]
    pub role: String,
    #[command(flatten)]
    pub demo: DemoArgs,
}

/// Options of the sandbox (`roombot sandbox`, `roombot exec --sandbox`).
#[cfg(feature = "sandbox")]
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Address of the sandbox: its Webex API under /v1 and the chat page at /.
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub listen: std::net::SocketAddr,
    /// Serve a generated organisation of this many devices instead of the demo one.
    #[arg(long)]
    pub devices: Option<usize>,
    /// Seed for the generated organisation and for fault injection.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Latency added to every sandbox request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Share of sandbox requests answered 429, and the same share answered 5xx (0.0-1.0).
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Run roombot without its admin credential, as a bot alone: configurations, workspaces,
    /// locations, tags and deletes are refused, names come from devices.
    #[arg(long)]
    pub bot_only: bool,
    /// How events reach roombot: "webhook" (signed deliveries) or "websocket" (a registered
    /// device and its websocket, as without a public URL).
    #[arg(long, value_enum, default_value_t = IntakeArg::Webhook)]
    pub intake: IntakeArg,
}

/// `--intake`: the event path the sandbox demo uses.
#[cfg(feature = "sandbox")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IntakeArg {
    Webhook,
    Websocket,
}

#[cfg(feature = "sandbox")]
impl DemoArgs {
    fn options(&self) -> crate::demo::DemoOptions {
        crate::demo::DemoOptions {
            listen: self.listen,
            devices: self.devices,
            seed: self.seed,
            latency: Duration::from_millis(self.latency_ms),
            fault_rate: self.fault_rate.clamp(0.0, 0.5),
            bot_only: self.bot_only,
            intake: match self.intake {
                IntakeArg::Webhook => crate::settings::IntakeMode::Webhook,
                IntakeArg::Websocket => crate::settings::IntakeMode::Websocket,
            },
        }
    }
}

/// `roombot webhooks …`.
#[derive(Debug, Subcommand)]
pub enum WebhooksAction {
    /// Create or update roombot's webhooks to point at server.public_url + /webhooks/webex,
    /// signed with webex.webhook_secret, and active. Safe to run again.
    Sync,
    /// List roombot's webhooks with their status and target.
    List,
    /// Delete roombot's webhooks (only roombot's).
    Delete,
}

/// Runs the parsed command line and returns the process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::load(&Sources::from_process(cli.config.as_deref())) {
        Ok(settings) => settings,
        Err(error) => return settings_failure(&error),
    };
    let log = log_settings(&settings, &cli.command);
    crate::telemetry::init(&log);
    match cli.command {
        CliCommand::Serve => serve(settings).await,
        CliCommand::Webhooks { action } => webhooks(settings, action).await,
        #[cfg(feature = "sandbox")]
        CliCommand::Sandbox { demo } => sandbox(demo).await,
        CliCommand::Exec {
            command,
            as_email,
            json,
            plan,
            yes,
            #[cfg(feature = "sandbox")]
            sandbox,
        } => {
            let command = match plan {
                true => format!("plan {command}"),
                false => command,
            };
            let output = exec::ExecOutput { json, yes };
            #[cfg(feature = "sandbox")]
            if sandbox.sandbox {
                return exec::exec_sandbox(sandbox, as_email, &command, output).await;
            }
            exec::exec_org(settings, as_email.unwrap_or_default(), &command, output).await
        }
        CliCommand::Healthcheck { url, timeout } => {
            let url = url.unwrap_or_else(|| healthcheck_url(&settings));
            healthcheck(&url, Duration::from_secs(timeout)).await
        }
        CliCommand::Check => check(settings).await,
        CliCommand::Audit { args } => audit::audit(&settings, args).await,
        CliCommand::Auth {
            action: AuthAction::Login { redirect_uri, code },
        } => auth_login(settings, redirect_uri, code).await,
    }
}

/// `roombot check`: both identities and what each reaches, printed as a report.
async fn check(settings: Settings) -> ExitCode {
    if let Err(error) = settings.require_token() {
        return settings_failure(&error);
    }
    let result = async {
        let metrics = std::sync::Arc::new(crate::metrics::Metrics::default());
        let webex = crate::bot::identity::client(&settings, metrics.clone())?;
        // The store holds the admin refresh token as Webex last rotated it.
        let store = crate::store::Store::open(&settings.store.path).with_context(|| {
            format!(
                "cannot open the store {} (store.path)",
                settings.store.path.display()
            )
        })?;
        let admin = crate::bot::identity::admin_client_kept(&settings, metrics, &store).await?;
        Ok::<_, anyhow::Error>(crate::ops::check::check(&webex, admin.as_ref()).await)
    };
    match result.await {
        Ok(report) => {
            print!("{report}");
            match report.ok {
                true => ExitCode::SUCCESS,
                false => ExitCode::FAILURE,
            }
        }
        Err(error) => failure(&error),
    }
}

/// `roombot auth login`: the consent address, then the sign-in finished (here or by `serve`).
async fn auth_login(
    settings: Settings,
    redirect: Option<String>,
    code: Option<String>,
) -> ExitCode {
    let result = async {
        let store = crate::store::Store::open(&settings.store.path).with_context(|| {
            format!(
                "cannot open the store {} (store.path)",
                settings.store.path.display()
            )
        })?;
        let redirect = redirect.unwrap_or_else(|| crate::bot::auth::redirect_uri(&settings));
        if let Some(code) = code {
            return crate::bot::auth::finish(&settings, &store, &code, None, &redirect).await;
        }
        let url = crate::bot::auth::begin(&settings, &store, &redirect).await?;
        println!(
            "Open this address as an organisation admin and approve roombot's admin access:\n\n{url}\n"
        );
        wait_for_sign_in(&settings, &store, &redirect).await
    };
    match result.await {
        Ok(()) => {
            println!("roombot is signed in: admin access works from its next Webex call.");
            ExitCode::SUCCESS
        }
        Err(error) => failure(&error),
    }
}

/// Waits (up to 15 minutes) for the admin's approval: listening on a loopback redirect address
/// itself, else for `roombot serve` to keep the new refresh token.
async fn wait_for_sign_in(
    settings: &Settings,
    store: &crate::store::Store,
    redirect: &str,
) -> anyhow::Result<()> {
    use crate::app::login::{Login, routes};
    let url = url::Url::parse(redirect).context("--redirect-uri is not a URL")?;
    let loopback = url
        .host_str()
        .is_some_and(|h| h == "127.0.0.1" || h == "localhost");
    let deadline = Duration::from_secs(15 * 60);
    if loopback {
        let port = url.port_or_known_default().unwrap_or(80);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{port} for the redirect"))?;
        let login = Login::new(settings.clone(), store.clone(), redirect.to_owned());
        let server = axum::serve(listener, routes(login.clone()));
        println!("Waiting for Webex to send the admin back to {redirect} …");
        return tokio::select! {
            () = login.signed_in.notified() => Ok(()),
            result = server.into_future() => Err(anyhow::anyhow!("the redirect listener stopped: {result:?}")),
            () = tokio::time::sleep(deadline) => Err(anyhow::anyhow!("no approval within 15 minutes")),
        };
    }
    println!("Waiting for roombot serve to receive the admin at {redirect} …");
    let name = crate::bot::identity::admin_token_name(
        &settings
            .webex
            .admin
            .as_ref()
            .context("no webex.admin settings")?
            .client_id,
    );
    let before = store
        .kept_secret(&name)
        .await?
        .map(|k| secrecy::ExposeSecret::expose_secret(&k.secret).to_owned());
    let started = tokio::time::Instant::now();
    while started.elapsed() < deadline {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = store
            .kept_secret(&name)
            .await?
            .map(|k| secrecy::ExposeSecret::expose_secret(&k.secret).to_owned());
        if now.is_some() && now != before {
            return Ok(());
        }
    }
    anyhow::bail!("no approval within 15 minutes")
}

/// Log settings for `command`: `exec` prints a reply, so its terminal stays free of routine logs.
fn log_settings(settings: &Settings, command: &CliCommand) -> crate::settings::LogSettings {
    let log = settings.log.clone();
    if matches!(command, CliCommand::Exec { .. } | CliCommand::Audit { .. }) && log.level == "info"
    {
        return crate::settings::LogSettings {
            level: "warn".into(),
            ..log
        };
    }
    log
}

/// Prints one line naming the bad setting and returns exit code 2.
pub(crate) fn settings_failure(error: &SettingsError) -> ExitCode {
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
            eprintln!("roombot: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "sandbox")]
async fn sandbox(args: DemoArgs) -> ExitCode {
    let demo = match crate::demo::Demo::start(&args.options()).await {
        Ok(demo) => demo,
        Err(error) => return failure(&error),
    };
    println!("roombot sandbox is running (no Webex token needed, nothing leaves this machine).");
    println!("  chat page:  {}", demo.page_url());
    println!(
        "  Webex API:  {}  (bot token: {})",
        demo.sandbox.base_url(),
        demo.sandbox.bot_token()
    );
    println!(
        "  roombot:    http://{}  (/healthz, /readyz, /metrics)",
        demo.bot_addr
    );
    if args.intake == IntakeArg::Websocket {
        println!("  events:     over the sandbox's websocket (no webhooks)");
    }
    println!("Open the page, pick Oscar (operator) and the 1:1 space, and try:");
    for example in [
        "mute room 4B",
        "status Audio.Volume in 4B",
        "devices offline",
    ] {
        println!("  {example}");
    }
    println!("Ctrl-C stops.");
    shutdown_signal().await;
    demo.stop().await;
    ExitCode::SUCCESS
}

async fn webhooks(settings: Settings, action: WebhooksAction) -> ExitCode {
    use crate::bot::webhooks as hooks;
    if let Err(error) = settings.require_token() {
        return settings_failure(&error);
    }
    let webex = match crate::bot::identity::client(&settings, Default::default()) {
        Ok(webex) => webex,
        Err(error) => return failure(&error),
    };
    let result: anyhow::Result<()> =
        async {
            match action {
                WebhooksAction::Sync => {
                    let public_url = settings.server.public_url.as_ref().ok_or_else(|| {
                        SettingsError::Missing {
                            key: "server.public_url".into(),
                            env: crate::settings::env_name("server.public_url"),
                            problem: "webhooks need the public URL Webex reaches roombot at".into(),
                        }
                    })?;
                    let secret = settings.webex.webhook_secret.as_ref().ok_or_else(|| {
                        SettingsError::Missing {
                            key: "webex.webhook_secret".into(),
                            env: crate::settings::env_name("webex.webhook_secret"),
                            problem: "webhooks are signed with it".into(),
                        }
                    })?;
                    let target = hooks::target_url(public_url);
                    let shown = shown_url(&target);
                    for (name, action) in hooks::sync(&webex, &target, secret).await? {
                        println!("{name}: {action:?} -> {shown}");
                    }
                }
                WebhooksAction::List => {
                    let ours = hooks::list_ours(&webex).await?;
                    if ours.is_empty() {
                        println!("roombot has no webhooks; run `roombot webhooks sync`");
                    }
                    for hook in ours {
                        let status = hook.status.map(|s| s.to_string()).unwrap_or_default();
                        let name = hook.name.unwrap_or_default();
                        let target = shown_url(&hook.target_url.unwrap_or_default());
                        println!("{name}\t{status}\t{target}\t{}", hook.id);
                    }
                }
                WebhooksAction::Delete => {
                    let n = hooks::delete_ours(&webex).await?;
                    println!("deleted {n} roombot webhook(s)");
                }
            }
            Ok(())
        }
        .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => match error.downcast_ref::<SettingsError>() {
            Some(settings_error) => settings_failure(settings_error),
            None => failure(&error),
        },
    }
}

/// A webhook target as printed: credentials and query values hidden.
fn shown_url(url: &str) -> String {
    url::Url::parse(url).map_or_else(
        |_| "(not a URL)".to_owned(),
        |u| crate::settings::redact_url(&u),
    )
}

pub(crate) fn failure(error: &anyhow::Error) -> ExitCode {
    eprintln!("roombot: {error:#}");
    ExitCode::FAILURE
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
