//! Per-workspace grants: what an administrator gave a bot or a non-admin person in Control Hub.
//! "Authorization for a bot or user is given for a Workspace, not a Device. If there are
//! multiple devices associated with a Workspace, all these devices get the same authorization."
//!
//! [`Org::permissions_for`] answers, for one caller and one device, the `permissions` the
//! caller holds (or `None`: the device is invisible to it). Under the permissive mode a device
//! shows the permissions stored on it, as before grants existed.

use std::collections::HashMap;

use super::model::{Device, Org};
use crate::sandbox::caller::{Caller, DeviceView};

/// Access granted to one workspace's devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Commands and status (`xapi:all`).
    Full,
    /// Status only (`xapi:readonly`).
    ReadOnly,
}

impl Grant {
    /// The device `permissions` this grant gives.
    pub fn permissions(self) -> Vec<String> {
        vec![
            match self {
                Self::Full => "xapi:all",
                Self::ReadOnly => "xapi:readonly",
            }
            .to_owned(),
        ]
    }

    /// `full`, `readonly` or `none` (the demo data's spelling).
    pub fn parse(text: &str) -> Option<Option<Self>> {
        match text {
            "full" => Some(Some(Self::Full)),
            "readonly" => Some(Some(Self::ReadOnly)),
            "none" => Some(None),
            _ => None,
        }
    }

    /// The grant stored device permissions imply (generated organisations).
    pub fn from_permissions(permissions: &[String]) -> Option<Self> {
        let has = |p: &str| permissions.iter().any(|q| q == p);
        if has("xapi:all") || has("xapi") {
            Some(Self::Full)
        } else if has("xapi:readonly") {
            Some(Self::ReadOnly)
        } else {
            None
        }
    }
}

/// Person id → workspace id → grant.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grants(HashMap<String, HashMap<String, Grant>>);

impl Grants {
    /// What `person_id` holds on `workspace_id`.
    pub(crate) fn get(&self, person_id: &str, workspace_id: &str) -> Option<Grant> {
        self.0.get(person_id)?.get(workspace_id).copied()
    }

    /// Grants (`Some`) or withdraws (`None`) access.
    pub(crate) fn set(&mut self, person_id: &str, workspace_id: &str, grant: Option<Grant>) {
        let held = self.0.entry(person_id.to_owned()).or_default();
        match grant {
            Some(grant) => held.insert(workspace_id.to_owned(), grant),
            None => held.remove(workspace_id),
        };
    }

    /// Forgets a deleted workspace.
    pub(crate) fn forget_workspace(&mut self, workspace_id: &str) {
        for held in self.0.values_mut() {
            held.remove(workspace_id);
        }
    }
}

impl Org {
    /// The `permissions` `caller` holds on `device`; `None` when it may not see the device.
    pub(crate) fn permissions_for(&self, caller: &Caller, device: &Device) -> Option<Vec<String>> {
        if caller.org_id != self.org_id {
            return None;
        }
        // Devices without the xapi capability (desk phones) carry no xAPI permission.
        let xapi = device.capabilities.iter().any(|c| c == "xapi");
        let permissions = self.grant_permissions(caller, device)?;
        Some(if xapi { permissions } else { Vec::new() })
    }

    fn grant_permissions(&self, caller: &Caller, device: &Device) -> Option<Vec<String>> {
        match caller.device_view() {
            DeviceView::AsStored => Some(device.permissions.clone()),
            DeviceView::All => Some(Grant::Full.permissions()),
            DeviceView::Granted if device.person_id.as_deref() == Some(&caller.person_id) => {
                Some(Grant::Full.permissions())
            }
            DeviceView::Granted => {
                let workspace = device.workspace_id.as_deref()?;
                self.grants
                    .get(&caller.person_id, workspace)
                    .map(Grant::permissions)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_read_the_data_files_words_and_stored_permissions() {
        assert_eq!(Grant::parse("full"), Some(Some(Grant::Full)));
        assert_eq!(Grant::parse("none"), Some(None));
        assert_eq!(Grant::parse("all"), None);
        let held = |p: &[&str]| {
            Grant::from_permissions(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(held(&["xapi"]), Some(Grant::Full));
        assert_eq!(held(&["xapi:readonly"]), Some(Grant::ReadOnly));
        assert_eq!(held(&[]), None);
        let mut grants = Grants::default();
        grants.set("p", "w", Some(Grant::ReadOnly));
        assert_eq!(grants.get("p", "w"), Some(Grant::ReadOnly));
        grants.forget_workspace("w");
        assert_eq!(grants.get("p", "w"), None);
    }
}
