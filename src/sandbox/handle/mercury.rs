//! The websocket side from a test's seat: registrations, fault switches (drop every socket,
//! refuse authorization, slow or no pongs), forgetting registrations (stale → 404), revoking a
//! token, counting acks and waiting on them.

use std::time::Duration;

use serde_json::Value;

use super::super::mercury::{Outgoing, SocketFaults};
use super::{SandboxError, SandboxHandle};

/// A count of the websocket side, at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocketCounts {
    /// Registrations that exist.
    pub registrations: usize,
    /// Sockets connected and authorized now.
    pub connected: usize,
    /// Connections ever authorized.
    pub authorized: u64,
    /// Authorizations refused.
    pub refused: u64,
    /// Events acked.
    pub acked: usize,
    /// Events sent or queued and not acked yet.
    pub unacked: usize,
}

impl SandboxHandle {
    /// Every device registration (of anyone), as `GET /devices` shows them.
    pub fn registrations(&self) -> Vec<Value> {
        let state = self.shared.mercury.lock();
        state.registrations.iter().map(|r| r.body.clone()).collect()
    }

    /// Sets the socket fault switches.
    pub fn set_socket_faults(&self, faults: SocketFaults) {
        self.shared.mercury.lock().faults = faults;
    }

    /// Sets how many registrations one person may hold.
    pub fn set_max_registrations(&self, max: usize) {
        self.shared.mercury.lock().max_registrations = max;
    }

    /// Drops every connected socket at once (no close frame); returns how many.
    pub fn drop_sockets(&self) -> usize {
        let mut state = self.shared.mercury.lock();
        let mut dropped = 0;
        for registration in &mut state.registrations {
            if let Some(connection) = registration.connection.take() {
                let _ = connection.tx.send(Outgoing::Drop);
                dropped += 1;
            }
        }
        dropped
    }

    /// Forgets every registration (their sockets drop; connecting again gets 404).
    pub fn forget_registrations(&self) {
        let mut state = self.shared.mercury.lock();
        for registration in state.registrations.drain(..) {
            if let Some(connection) = registration.connection {
                let _ = connection.tx.send(Outgoing::Drop);
            }
        }
    }

    /// Revokes `token`: every call and authorization with it is refused from now on.
    pub fn revoke_token(&self, token: &str) {
        self.shared.mercury.lock().revoked.push(token.to_owned());
    }

    /// The websocket side's counts now.
    pub fn socket_counts(&self) -> SocketCounts {
        let state = self.shared.mercury.lock();
        SocketCounts {
            registrations: state.registrations.len(),
            connected: state
                .registrations
                .iter()
                .filter(|r| r.connection.is_some())
                .count(),
            authorized: state.authorized,
            refused: state.refused,
            acked: state.acked.len(),
            unacked: state.registrations.iter().map(|r| r.unacked.len()).sum(),
        }
    }

    /// Waits until `done` holds for the socket counts, or `within` runs out.
    pub async fn wait_for_sockets(
        &self,
        done: impl Fn(&SocketCounts) -> bool,
        within: Duration,
    ) -> Result<SocketCounts, SandboxError> {
        let mut changes = self.shared.subscribe();
        let waiting = async {
            loop {
                let counts = self.socket_counts();
                if done(&counts) {
                    return counts;
                }
                let _ = changes.changed().await;
            }
        };
        tokio::time::timeout(within, waiting)
            .await
            .map_err(|_| SandboxError::Timeout {
                after: within,
                what: "the websockets",
            })
    }
}
