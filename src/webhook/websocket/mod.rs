//! The websocket intake (`intake.mode = "websocket"`): events without a public URL, as Cisco's
//! SDKs get them. Finds the registration service in the U2C catalog, reuses the device
//! registration named `intake.device_name` (or registers one), opens its `webSocketUrl`
//! (through the HTTP proxy by `CONNECT` when one is set), authorizes with the bot token, and
//! hands each activity to the same [`Intake`](super::Intake) as a webhook delivery.
//!
//! It reconnects with exponential backoff and jitter after a lost socket; a 404 on connect
//! means the registration is stale, and it registers again (at most [`MAX_STALE`] times in a
//! row). A refused token (401 from the registration service, close 4401/4403 on the socket)
//! stops it for good: [`SocketState::Failed`]. Each state change is logged and reported (the
//! app turns it into the `websocket` readiness check). On shutdown the socket is closed and the
//! registration deleted.
//!
//! - [`protocol`]: frames (pure). [`connect`]: TCP or proxy tunnel, TLS, handshake.
//! - [`session`]: one socket's life. [`handler`]: activity → intake.

pub mod connect;
pub mod handler;
pub mod protocol;
pub mod session;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::watch;
use url::Url;

use crate::settings::ProxySettings;
use crate::webex::wdm::{DeviceRegistration, NewDevice};
use crate::webex::{WebexClient, WebexError};
use handler::EventHandler;
use session::{Ended, Keepalive};

/// Stale registrations replaced in a row before giving up.
pub const MAX_STALE: u32 = 3;
/// How long a clean shutdown waits for the registration's deletion.
const DELETE_WAIT: Duration = Duration::from_secs(5);

/// Where the socket is; reported at every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketState {
    Registering,
    Connecting,
    Authorizing,
    /// Events flow.
    Authorized,
    /// Waiting `after` before connecting again, because of `why`.
    Waiting {
        after: Duration,
        why: String,
    },
    /// Shut down cleanly.
    Stopped,
    /// Stopped for good (the token was refused, registration impossible).
    Failed(String),
}

impl fmt::Display for SocketState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Registering => f.write_str("registering the device"),
            Self::Connecting => f.write_str("connecting"),
            Self::Authorizing => f.write_str("connected; authorizing"),
            Self::Authorized => f.write_str("authorized; receiving events"),
            Self::Waiting { after, why } => write!(f, "reconnecting in {after:?} ({why})"),
            Self::Stopped => f.write_str("stopped"),
            Self::Failed(why) => write!(f, "failed: {why}"),
        }
    }
}

/// Called at every state change.
pub type Report = Arc<dyn Fn(&SocketState) + Send + Sync>;

/// The websocket intake's configuration.
#[derive(Debug, Clone)]
pub struct SocketConfig {
    pub u2c_url: Url,
    pub device_name: String,
    pub keepalive: Keepalive,
    pub backoff: Duration,
    pub backoff_max: Duration,
    pub connect_timeout: Duration,
    pub proxy: Option<ProxySettings>,
}

/// The websocket intake, ready to run.
pub struct WebsocketIntake {
    pub client: WebexClient,
    pub token: SecretString,
    pub config: SocketConfig,
    pub handler: Arc<EventHandler>,
    pub report: Report,
}

/// How one connection ended, for the reconnection loop.
enum Once {
    Stopped,
    Stale,
    Lost { why: String, authorized: bool },
}

/// Why the intake stopped for good.
#[derive(Debug)]
struct Fatal(String);

impl WebsocketIntake {
    /// Runs until `stop` turns true (then deletes the registration) or a fatal error.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let end = match self.connect_forever(&mut stop).await {
            Ok(Some(device)) => {
                self.unregister(&device).await;
                SocketState::Stopped
            }
            Ok(None) => SocketState::Stopped,
            Err(Fatal(why)) => SocketState::Failed(why),
        };
        self.set(&end);
    }

    fn set(&self, state: &SocketState) {
        match state {
            SocketState::Failed(_) => tracing::error!(state = %state, "websocket intake"),
            SocketState::Waiting { .. } => tracing::warn!(state = %state, "websocket intake"),
            _ => tracing::info!(state = %state, "websocket intake"),
        }
        (self.report)(state);
    }

    /// Registers, then connects again and again; the registration in use when stopped.
    async fn connect_forever(
        &self,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<Option<DeviceRegistration>, Fatal> {
        let (mut failures, mut stale) = (0u32, 0u32);
        self.set(&SocketState::Registering);
        let Some((wdm, mut device)) = self.patiently(stop, |me| me.find_or_register()).await?
        else {
            return Ok(None);
        };
        loop {
            let why = match self.once(&device, stop).await? {
                Once::Stopped => return Ok(Some(device)),
                Once::Lost { why, authorized } => {
                    if authorized {
                        (failures, stale) = (0, 0);
                    }
                    why
                }
                Once::Stale => {
                    stale += 1;
                    if stale > MAX_STALE {
                        let why =
                            format!("the device registration was stale {stale} times in a row");
                        return Err(Fatal(why));
                    }
                    tracing::warn!(device = %device.url, "device registration is stale (404); registering again");
                    self.set(&SocketState::Registering);
                    match self.patiently(stop, |me| me.register(&wdm)).await? {
                        Some(fresh) => device = fresh,
                        None => return Ok(None),
                    }
                    continue;
                }
            };
            failures += 1;
            if !self.wait(stop, failures, why).await {
                return Ok(Some(device));
            }
        }
    }

    /// One connection to `device`, from connecting to its end.
    async fn once(
        &self,
        device: &DeviceRegistration,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<Once, Fatal> {
        self.set(&SocketState::Connecting);
        let proxy = self.config.proxy.as_ref();
        let socket =
            match connect::open(&device.web_socket_url, proxy, self.config.connect_timeout).await {
                Ok(socket) => socket,
                Err(connect::ConnectError::Stale) => return Ok(Once::Stale),
                Err(error) => {
                    let why = error.to_string();
                    return Ok(Once::Lost {
                        why,
                        authorized: false,
                    });
                }
            };
        self.set(&SocketState::Authorizing);
        let (token, keepalive) = (self.token.expose_secret(), self.config.keepalive);
        let authorized = || self.set(&SocketState::Authorized);
        match session::serve(socket, token, keepalive, &self.handler, stop, authorized).await {
            Ended::Stopped => Ok(Once::Stopped),
            Ended::Refused(why) => Err(refused(&why)),
            Ended::Lost { why, authorized } => Ok(Once::Lost { why, authorized }),
        }
    }

    /// Retries `step` with backoff until it works, is fatal, or `stop` (→ `None`).
    async fn patiently<'a, T, F, Fut>(
        &'a self,
        stop: &mut watch::Receiver<bool>,
        step: F,
    ) -> Result<Option<T>, Fatal>
    where
        F: Fn(&'a Self) -> Fut,
        Fut: std::future::Future<Output = Result<T, WebexError>>,
    {
        let mut failures = 0;
        loop {
            match step(self).await {
                Ok(value) => return Ok(Some(value)),
                Err(error) if is_fatal(&error) => {
                    return Err(Fatal(format!("device registration refused: {error}")));
                }
                Err(error) => {
                    failures += 1;
                    if !self.wait(stop, failures, error.to_string()).await {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// Waits the backoff for `failures`; `false` when stopped meanwhile.
    async fn wait(&self, stop: &mut watch::Receiver<bool>, failures: u32, why: String) -> bool {
        let after = backoff(
            self.config.backoff,
            self.config.backoff_max,
            failures,
            rand::rng().random_range(0.5..=1.0),
        );
        self.set(&SocketState::Waiting { after, why });
        tokio::select! {
            () = tokio::time::sleep(after) => !*stop.borrow(),
            _ = stop.changed() => false,
        }
    }

    /// The registration service, and the registration named `device_name` (reused) or a new one.
    async fn find_or_register(&self) -> Result<(Url, DeviceRegistration), WebexError> {
        let wdm = self
            .client
            .registration_service(&self.config.u2c_url)
            .await?;
        let existing = self.client.device_registrations(&wdm).await?;
        let name = self.config.device_name.as_str();
        if let Some(device) = existing
            .into_iter()
            .find(|d| d.name.as_deref() == Some(name))
        {
            tracing::info!(device = %device.url, name, "reusing the device registration");
            return Ok((wdm, device));
        }
        let device = self.register(&wdm).await?;
        Ok((wdm, device))
    }

    async fn register(&self, wdm: &Url) -> Result<DeviceRegistration, WebexError> {
        let new = NewDevice::desktop(&self.config.device_name);
        let device = self.client.register_device(wdm, &new).await?;
        tracing::info!(device = %device.url, name = %self.config.device_name, "registered a device");
        Ok(device)
    }

    /// Deletes the registration (best effort, bounded).
    async fn unregister(&self, device: &DeviceRegistration) {
        match tokio::time::timeout(DELETE_WAIT, self.client.delete_registration(&device.url)).await
        {
            Ok(Ok(())) => tracing::info!(device = %device.url, "device registration deleted"),
            Ok(Err(error)) => {
                tracing::warn!(%error, "could not delete the device registration")
            }
            Err(_) => tracing::warn!("deleting the device registration took too long; left"),
        }
    }
}

/// A refusal no retry can fix: the token is wrong or revoked, or registrations are refused.
fn is_fatal(error: &WebexError) -> bool {
    matches!(error.status(), Some(400 | 401 | 403))
}

fn refused(why: &str) -> Fatal {
    Fatal(format!(
        "Webex refused the bot token on the websocket: {why}; the token is wrong or revoked \
         (set webex.token and restart)"
    ))
}

/// The wait before attempt `failures + 1`: `base` doubled per failure, capped at `max`, times
/// `jitter` (between 0.5 and 1).
pub fn backoff(base: Duration, max: Duration, failures: u32, jitter: f64) -> Duration {
    let doubled = base.saturating_mul(1u32 << failures.saturating_sub(1).min(20));
    doubled.min(max).mul_f64(jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_cap_with_jitter() {
        let (base, max) = (Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(backoff(base, max, 1, 1.0), Duration::from_millis(100));
        assert_eq!(backoff(base, max, 3, 1.0), Duration::from_millis(400));
        assert_eq!(backoff(base, max, 30, 1.0), max);
        assert_eq!(backoff(base, max, 2, 0.5), Duration::from_millis(100));
    }

    #[test]
    fn states_read_as_sentences() {
        let waiting = SocketState::Waiting {
            after: Duration::from_secs(2),
            why: "reset".into(),
        };
        assert_eq!(waiting.to_string(), "reconnecting in 2s (reset)");
        assert_eq!(
            SocketState::Authorized.to_string(),
            "authorized; receiving events"
        );
    }
}
