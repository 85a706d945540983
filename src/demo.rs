//! Trying roombot without Webex: the embedded sandbox and the bot wired together exactly as in
//! production. The bot learns who it is from the sandbox's `GET /people/me`, registers its
//! webhooks through the sandbox's webhook API, receives signed deliveries over loopback HTTP and
//! calls the sandbox's REST API. Used by `roombot sandbox` and `roombot exec --sandbox`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::app::Application;
use crate::metrics::Metrics;
use crate::sandbox::{
    FaultOptions, FaultRates, OrgChoice, Role, Sandbox, SandboxHandle, SandboxOptions,
};
use crate::settings::{IntakeMode, Settings, Sources};

/// How to run the demo.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Where the sandbox (API and chat page) listens.
    pub listen: SocketAddr,
    /// `Some(n)`: a generated organisation of `n` devices instead of the demo one.
    pub devices: Option<usize>,
    /// Seed for the generated organisation and for faults.
    pub seed: u64,
    /// Latency added to every sandbox request.
    pub latency: Duration,
    /// Share of requests answered 429 / 5xx (each), 0.0–1.0.
    pub fault_rate: f64,
    /// roombot runs without the admin credential the sandbox would issue it.
    pub bot_only: bool,
    /// How events reach roombot: signed webhooks, or the sandbox's websocket.
    pub intake: IntakeMode,
}

/// A running sandbox with roombot attached.
pub struct Demo {
    pub sandbox: SandboxHandle,
    /// roombot's own HTTP address (webhooks, /healthz, /metrics).
    pub bot_addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    store: PathBuf,
}

impl Demo {
    /// Starts the sandbox, then roombot against it, and registers roombot's webhooks (webhook
    /// intake) or lets roombot register its device and open its websocket (websocket intake).
    pub async fn start(options: &DemoOptions) -> anyhow::Result<Self> {
        let sandbox = Sandbox::start(sandbox_options(options), options.listen)
            .await
            .with_context(|| format!("cannot start the sandbox on {}", options.listen))?;
        let store = std::env::temp_dir().join(format!(
            "roombot-sandbox-{}.db",
            uuid::Uuid::new_v4().simple()
        ));
        let secret = uuid::Uuid::new_v4().simple().to_string();
        let settings = bot_settings(&sandbox, &store, &secret, !options.bot_only, options.intake)?;
        let app = Application::build(settings.clone()).await?;
        let bot_addr = app.local_addr();
        let readiness = app.readiness();
        if options.intake == IntakeMode::Webhook {
            let webex = crate::bot::identity::client(&settings, Arc::new(Metrics::default()))?;
            let target = format!("http://{bot_addr}/webhooks/webex");
            // Retried: with --fault-rate the sandbox answers some of these calls 429 or 5xx.
            crate::bot::webhooks::sync_patiently(&webex, &target, &secret.into(), |_| {})
                .await
                .context("webhook sync")?;
        }
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let mut task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            app.run_until_stopped(shutdown).await
        });
        tokio::select! {
            () = readiness.wait_ready() => {}
            ended = &mut task => {
                return Err(match ended {
                    Ok(Err(error)) => error,
                    Ok(Ok(())) => anyhow::anyhow!("roombot stopped while starting"),
                    Err(error) => error.into(),
                });
            }
        }
        Ok(Self {
            sandbox,
            bot_addr,
            stop,
            task,
            store,
        })
    }

    /// The chat page's address.
    pub fn page_url(&self) -> String {
        self.sandbox.base_url().trim_end_matches("/v1").to_owned() + "/"
    }

    /// Says `text` to the bot as the person with `role` in their 1:1 space; returns the bot's
    /// reply as `(markdown, card)`.
    pub async fn ask(
        &self,
        role: Role,
        text: &str,
        timeout: Duration,
    ) -> anyhow::Result<(String, Option<serde_json::Value>)> {
        let person = self.sandbox.person(role);
        let room = person
            .direct_room_id
            .clone()
            .context("the person has no 1:1 space")?;
        let sent = self.sandbox.post_as(&person.token, &room, text).await?;
        let bot_id = self.sandbox.bot_id().to_owned();
        let messages = || self.sandbox.messages(&room);
        let reply = self
            .sandbox
            .wait_for_message(
                &room,
                |m| {
                    let all = messages();
                    let sent_at = all.iter().position(|x| x.id == sent.id);
                    m.person_id == bot_id && all.iter().position(|x| x.id == m.id) > sent_at
                },
                timeout,
            )
            .await
            .context("the bot did not answer in time")?;
        let card = reply
            .attachments
            .first()
            .and_then(|a| a.get("content"))
            .cloned();
        Ok((reply.markdown.unwrap_or_default(), card))
    }

    /// Stops roombot (finishing in-flight work), then the sandbox, and removes the temporary store.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
        self.sandbox.shutdown().await;
        remove_store(&self.store);
    }
}

/// A fresh sandbox for one `roombot exec --sandbox` run, with roombot's settings against it (a
/// temporary store). roombot itself is not started: exec runs the command through the command
/// layer directly, as it does against a real organisation.
pub struct Scratch {
    pub sandbox: SandboxHandle,
    pub settings: Settings,
    store: PathBuf,
}

impl Scratch {
    /// Starts the sandbox for `options` and writes roombot's settings for it.
    pub async fn start(options: &DemoOptions) -> anyhow::Result<Self> {
        let sandbox = Sandbox::start(sandbox_options(options), options.listen)
            .await
            .with_context(|| format!("cannot start the sandbox on {}", options.listen))?;
        let store =
            std::env::temp_dir().join(format!("roombot-exec-{}.db", uuid::Uuid::new_v4().simple()));
        let secret = uuid::Uuid::new_v4().simple().to_string();
        let settings = bot_settings(&sandbox, &store, &secret, !options.bot_only, options.intake)?;
        Ok(Self {
            sandbox,
            settings,
            store,
        })
    }

    /// Stops the sandbox and removes the temporary store.
    pub async fn stop(self) {
        self.sandbox.shutdown().await;
        remove_store(&self.store);
    }
}

fn remove_store(store: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", store.display()));
    }
}

fn sandbox_options(options: &DemoOptions) -> SandboxOptions {
    let org = match options.devices {
        Some(devices) => OrgChoice::Generated {
            devices,
            seed: options.seed,
        },
        None => OrgChoice::Demo,
    };
    let latency = (!options.latency.is_zero()).then_some((options.latency, options.latency));
    let rates = FaultRates {
        latency,
        rate_limited: options.fault_rate,
        retry_after_secs: 1,
        server_errors: options.fault_rate,
        ..FaultRates::default()
    };
    let faults = FaultOptions {
        seed: options.seed,
        all: rates,
        ..FaultOptions::default()
    };
    SandboxOptions {
        org,
        faults,
        ..SandboxOptions::default()
    }
}

/// roombot's admin credential in the sandbox: an integration the demo admin (Ada) authorized,
/// as `ROOMBOT__WEBEX__ADMIN__*` variables.
pub fn admin_env(sandbox: &SandboxHandle) -> anyhow::Result<Vec<(&'static str, String)>> {
    let integration = sandbox.register_integration("roombot admin access", &[]);
    let refresh_token = sandbox
        .admin_refresh_token(&integration.client_id)
        .map_err(|e| anyhow::anyhow!("the sandbox issues no admin token: {e}"))?;
    Ok(vec![
        ("ROOMBOT__WEBEX__ADMIN__CLIENT_ID", integration.client_id),
        (
            "ROOMBOT__WEBEX__ADMIN__CLIENT_SECRET",
            integration.client_secret,
        ),
        ("ROOMBOT__WEBEX__ADMIN__REFRESH_TOKEN", refresh_token),
    ])
}

/// roombot's settings against `sandbox`: the demo admin and operator get their roles.
fn bot_settings(
    sandbox: &SandboxHandle,
    store: &std::path::Path,
    secret: &str,
    admin: bool,
    intake: IntakeMode,
) -> anyhow::Result<Settings> {
    let mut env: HashMap<String, String> = [
        ("ROOMBOT__WEBEX__TOKEN", sandbox.bot_token().to_owned()),
        ("ROOMBOT__WEBEX__API_BASE", sandbox.base_url()),
        ("ROOMBOT__WEBEX__WEBHOOK_SECRET", secret.to_owned()),
        ("ROOMBOT__SERVER__LISTEN", "127.0.0.1:0".to_owned()),
        ("ROOMBOT__STORE__PATH", store.display().to_string()),
        (
            "ROOMBOT__ACCESS__ADMINS",
            sandbox.person(Role::Admin).email.clone(),
        ),
        (
            "ROOMBOT__ACCESS__OPERATORS",
            sandbox.person(Role::Operator).email.clone(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    if intake == IntakeMode::Websocket {
        let origin = sandbox.base_url().trim_end_matches("/v1").to_owned();
        env.insert("ROOMBOT__INTAKE__MODE".into(), "websocket".into());
        env.insert(
            "ROOMBOT__WEBEX__U2C_URL".into(),
            format!("{origin}/u2c/api/v1"),
        );
    }
    if admin {
        env.extend(
            admin_env(sandbox)?
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v)),
        );
    }
    Ok(Settings::load(&Sources {
        env,
        ..Sources::default()
    })?)
}
