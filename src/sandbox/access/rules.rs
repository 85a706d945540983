//! THE table: every endpoint the sandbox serves, who may call it, and the Webex sentence or spec
//! scope that says so. Read it top to bottom; the first row whose method and path match decides.
//!
//! `Who` names the identities; `scopes` lists groups of which the token must carry one scope
//! each (bot and personal tokens carry every scope of their identity, so for them only `Who`
//! matters). What a caller then sees inside an allowed endpoint (which devices, with which
//! `permissions`, configurations editable or `NOT_AUTHORIZED`) is decided by the organisation
//! with [`Caller::device_view`] and [`Caller::may_configure`].

use super::scopes::*;
use crate::sandbox::caller::Caller;

/// The identities a row admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Any valid token: bots, people, admins, integrations, service apps.
    Anyone,
    /// Anyone but a bot.
    People,
    /// Full administrators of the organisation (their own tokens and integrations they
    /// authorized) and service apps an administrator authorized.
    Admins,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// The route, `{name}` standing for one path segment.
    pub path: &'static str,
    /// Who may call it.
    pub who: Who,
    /// Groups of scopes; the token needs one scope of every group.
    pub scopes: &'static [&'static [&'static str]],
    /// Where Webex says so.
    pub source: &'static str,
}

impl Rule {
    /// True when `caller` may call this endpoint.
    pub fn allows(&self, caller: &Caller) -> bool {
        let identity = match self.who {
            Who::Anyone => true,
            Who::People => !caller.is_bot,
            Who::Admins => caller.admin && !caller.is_bot,
        };
        identity && caller.has_scopes(self.scopes)
    }

    /// True when `method` and `path` (with `/v1`) are this row's.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let mut pattern = self.path.split('/');
        let mut given = path.trim_end_matches('/').split('/');
        self.method.eq_ignore_ascii_case(method)
            && loop {
                match (pattern.next(), given.next()) {
                    (None, None) => break true,
                    (Some(p), Some(g)) if p == g || (p.starts_with('{') && !g.is_empty()) => {}
                    _ => break false,
                }
            }
    }
}

/// The first row for `method` and `path`; `None` for paths the sandbox does not serve.
pub fn rule_for(method: &str, path: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.matches(method, path))
}

const fn rule(
    method: &'static str,
    path: &'static str,
    who: Who,
    scopes: &'static [&'static [&'static str]],
    source: &'static str,
) -> Rule {
    Rule {
        method,
        path,
        who,
        scopes,
        source,
    }
}

const GUIDE: &str = "Devices guide: \"The Device Configuration API and the Workspaces API are \
                     restricted to only allow administrators, not bots.\"";
const DEVICES_LIST: &str = "Spec, List Devices: \"requires the `spark:devices_read` scope. \
                            Administrators can list all devices within their organization. This \
                            requires an administrator auth token with the \
                            `spark-admin:devices_read` scope.\" Bots see granted workspaces only.";
const DEVICES_WRITE: &str = "Spec, Modify Device Tags / Delete a Device: \"An auth token with the \
                             `spark-admin:devices_write` scope is required to operate on other \
                             devices within the organization.\"";
const ACTIVATION: &str = "Spec, Create a Device Activation Code: \"requires an auth token with the \
                          `spark-admin:devices_write` scope, and either \
                          `identity:placeonetimepassword_create` or `identity:one_time_password`\"";
const XAPI_COMMAND: &str = "xAPI docs: \"Executing commands requires an auth token with the \
                            spark:xapi_commands scope.\" Full access to the device's workspace.";
const XAPI_STATUS: &str = "xAPI docs: \"Querying devices requires an auth token with the \
                           spark:xapi_statuses scope.\" Read-only or full access.";
const WORKSPACE_LOCATIONS: &str = "Spec, Workspace Locations: \"Requires an administrator auth \
                                   token with the `spark-admin:workspace_locations_read|write` \
                                   scope.\"";
const LOCATIONS_READ: &str = "Spec, List Locations: \"requires an administrator ... auth token \
                              with any of the following scopes: `spark-admin:locations_read`, \
                              `spark-admin:people_read` or `spark-admin:device_read`\"";
const LOCATIONS_WRITE: &str = "Spec, Locations and floors: \"requires a full administrator auth \
                               token with a scope of `spark-admin:locations_write`\"";
const FLOORS_READ: &str = "Spec, Location Floors: \"Requires an administrator auth token with \
                           the `spark-admin:locations_read` scope.\"";
const MESSAGING: &str = "Messaging docs: the scope of the resource (bots and people hold them).";
const SERVICE_APP: &str = "Service Apps API: \"To call this endpoint, you need an integration or \
                           another Service App with the spark:applications_token scope.\"";

const READ_DEVICES: &[&[&str]] = &[&[DEVICES_READ, ADMIN_DEVICES_READ]];
const WRITE_DEVICES: &[&[&str]] = &[&[ADMIN_DEVICES_WRITE]];
const READ_WORKSPACES: &[&[&str]] = &[&[ADMIN_WORKSPACES_READ]];
const WRITE_WORKSPACES: &[&[&str]] = &[&[ADMIN_WORKSPACES_WRITE]];
const READ_WL: &[&[&str]] = &[&[ADMIN_WORKSPACE_LOCATIONS_READ]];
const WRITE_WL: &[&[&str]] = &[&[ADMIN_WORKSPACE_LOCATIONS_WRITE]];
const READ_LOCATIONS: &[&[&str]] = &[&[ADMIN_LOCATIONS_READ, ADMIN_PEOPLE_READ, ADMIN_DEVICE_READ]];
const WRITE_LOCATIONS: &[&[&str]] = &[&[ADMIN_LOCATIONS_WRITE]];
const READ_FLOORS: &[&[&str]] = &[&[ADMIN_LOCATIONS_READ]];
const READ_MESSAGES: &[&[&str]] = &[&[MESSAGES_READ]];
const WRITE_MESSAGES: &[&[&str]] = &[&[MESSAGES_WRITE]];

use Who::{Admins, Anyone, People};

/// Who may call what. Static paths come before parameterised ones.
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    // Messaging: any identity with the resource's scope.
    rule("GET", "/v1/people/me", Anyone, &[], MESSAGING),
    rule("GET", "/v1/people/{id}", Anyone, &[&[PEOPLE_READ]], MESSAGING),
    rule("GET", "/v1/people", Anyone, &[&[PEOPLE_READ]], MESSAGING),
    rule("GET", "/v1/rooms", Anyone, &[&[ROOMS_READ]], MESSAGING),
    rule("GET", "/v1/rooms/{id}", Anyone, &[&[ROOMS_READ]], MESSAGING),
    rule("POST", "/v1/rooms", Anyone, &[&[ROOMS_WRITE]], MESSAGING),
    rule("GET", "/v1/memberships", Anyone, &[&[MEMBERSHIPS_READ]], MESSAGING),
    rule("POST", "/v1/memberships", Anyone, &[&[MEMBERSHIPS_WRITE]], MESSAGING),
    rule("DELETE", "/v1/memberships/{id}", Anyone, &[&[MEMBERSHIPS_WRITE]], MESSAGING),
    rule("GET", "/v1/messages", Anyone, READ_MESSAGES, MESSAGING),
    rule("POST", "/v1/messages", Anyone, WRITE_MESSAGES, MESSAGING),
    rule("GET", "/v1/messages/direct", Anyone, READ_MESSAGES, MESSAGING),
    rule("GET", "/v1/messages/{id}", Anyone, READ_MESSAGES, MESSAGING),
    rule("PUT", "/v1/messages/{id}", Anyone, WRITE_MESSAGES, MESSAGING),
    rule("DELETE", "/v1/messages/{id}", Anyone, WRITE_MESSAGES, MESSAGING),
    rule("POST", "/v1/attachment/actions", Anyone, WRITE_MESSAGES, MESSAGING),
    rule("GET", "/v1/attachment/actions/{id}", Anyone, READ_MESSAGES, MESSAGING),
    rule("GET", "/v1/webhooks", Anyone, &[], MESSAGING),
    rule("POST", "/v1/webhooks", Anyone, &[], MESSAGING),
    rule("GET", "/v1/webhooks/{id}", Anyone, &[], MESSAGING),
    rule("PUT", "/v1/webhooks/{id}", Anyone, &[], MESSAGING),
    rule("DELETE", "/v1/webhooks/{id}", Anyone, &[], MESSAGING),
    // Devices: everyone lists what they may see; changes are for admins.
    rule("GET", "/v1/devices", Anyone, READ_DEVICES, DEVICES_LIST),
    rule("POST", "/v1/devices/activationCode", Admins, &[&[ADMIN_DEVICES_WRITE], &[PLACE_OTP_CREATE, ONE_TIME_PASSWORD]], ACTIVATION),
    rule("GET", "/v1/devices/{id}", Anyone, READ_DEVICES, DEVICES_LIST),
    rule("PATCH", "/v1/devices/{id}", Admins, WRITE_DEVICES, DEVICES_WRITE),
    rule("DELETE", "/v1/devices/{id}", Admins, WRITE_DEVICES, DEVICES_WRITE),
    // Configurations: never bots; people read (NOT_AUTHORIZED), admins change.
    rule("GET", "/v1/deviceConfigurations", People, READ_DEVICES, GUIDE),
    rule("PATCH", "/v1/deviceConfigurations", Admins, WRITE_DEVICES, GUIDE),
    // xAPI: the grant of the device's workspace decides inside.
    rule("GET", "/v1/xapi/status", Anyone, &[&[XAPI_STATUSES]], XAPI_STATUS),
    rule("POST", "/v1/xapi/command/{name}", Anyone, &[&[XAPI_COMMANDS]], XAPI_COMMAND),
    // Workspaces: administrators only.
    rule("GET", "/v1/workspaces", Admins, READ_WORKSPACES, GUIDE),
    rule("POST", "/v1/workspaces", Admins, WRITE_WORKSPACES, GUIDE),
    rule("GET", "/v1/workspaces/{id}", Admins, READ_WORKSPACES, GUIDE),
    rule("PUT", "/v1/workspaces/{id}", Admins, WRITE_WORKSPACES, GUIDE),
    rule("DELETE", "/v1/workspaces/{id}", Admins, WRITE_WORKSPACES, GUIDE),
    // Workspace locations (legacy API) and their floors.
    rule("GET", "/v1/workspaceLocations", Admins, READ_WL, WORKSPACE_LOCATIONS),
    rule("POST", "/v1/workspaceLocations", Admins, WRITE_WL, WORKSPACE_LOCATIONS),
    rule("GET", "/v1/workspaceLocations/{id}", Admins, READ_WL, WORKSPACE_LOCATIONS),
    rule("PUT", "/v1/workspaceLocations/{id}", Admins, WRITE_WL, WORKSPACE_LOCATIONS),
    rule("DELETE", "/v1/workspaceLocations/{id}", Admins, WRITE_WL, WORKSPACE_LOCATIONS),
    rule("GET", "/v1/workspaceLocations/{id}/floors", Admins, READ_WL, WORKSPACE_LOCATIONS),
    rule("POST", "/v1/workspaceLocations/{id}/floors", Admins, WRITE_WL, WORKSPACE_LOCATIONS),
    rule("GET", "/v1/workspaceLocations/{id}/floors/{floor}", Admins, READ_WL, WORKSPACE_LOCATIONS),
    rule("PUT", "/v1/workspaceLocations/{id}/floors/{floor}", Admins, WRITE_WL, WORKSPACE_LOCATIONS),
    rule("DELETE", "/v1/workspaceLocations/{id}/floors/{floor}", Admins, WRITE_WL, WORKSPACE_LOCATIONS),
    // Locations and their floors.
    rule("GET", "/v1/locations", Admins, READ_LOCATIONS, LOCATIONS_READ),
    rule("POST", "/v1/locations", Admins, WRITE_LOCATIONS, LOCATIONS_WRITE),
    rule("GET", "/v1/locations/{id}", Admins, READ_LOCATIONS, LOCATIONS_READ),
    rule("PUT", "/v1/locations/{id}", Admins, WRITE_LOCATIONS, LOCATIONS_WRITE),
    rule("DELETE", "/v1/locations/{id}", Admins, WRITE_LOCATIONS, LOCATIONS_WRITE),
    rule("GET", "/v1/locations/{id}/floors", Admins, READ_FLOORS, FLOORS_READ),
    rule("POST", "/v1/locations/{id}/floors", Admins, WRITE_LOCATIONS, LOCATIONS_WRITE),
    rule("GET", "/v1/locations/{id}/floors/{floor}", Admins, READ_FLOORS, FLOORS_READ),
    rule("PUT", "/v1/locations/{id}/floors/{floor}", Admins, WRITE_LOCATIONS, LOCATIONS_WRITE),
    rule("DELETE", "/v1/locations/{id}/floors/{floor}", Admins, WRITE_LOCATIONS, LOCATIONS_WRITE),
    // Service apps: the developer (a person) fetches the app's tokens.
    rule("POST", "/v1/applications/{id}/token", People, &[&[APPLICATIONS_TOKEN]], SERVICE_APP),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_segment_by_segment() {
        let rule = rule_for("GET", "/v1/devices/abc").unwrap();
        assert_eq!(rule.path, "/v1/devices/{id}");
        assert_eq!(
            rule_for("POST", "/v1/devices/activationCode").unwrap().path,
            "/v1/devices/activationCode"
        );
        assert_eq!(
            rule_for("GET", "/v1/messages/direct").unwrap().path,
            "/v1/messages/direct"
        );
        assert!(rule_for("GET", "/v1/devices/a/b").is_none());
        assert!(rule_for("GET", "/v1/devices/").is_some());
        assert!(rule_for("GET", "/v1/nothing").is_none());
    }

    #[test]
    fn every_row_is_reachable() {
        for (i, row) in RULES.iter().enumerate() {
            let path = row.path.replace("{id}", "x").replace("{floor}", "y");
            let path = path.replace("{name}", "Audio.Volume.Set");
            let first = RULES.iter().position(|r| r.matches(row.method, &path));
            assert_eq!(first, Some(i), "{} {} is shadowed", row.method, row.path);
        }
    }
}
