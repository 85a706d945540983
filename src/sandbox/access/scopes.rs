//! The Webex OAuth scopes the sandbox knows, by name, and handy sets of them. Bot and personal
//! tokens carry every scope their identity may hold; integration and service-app tokens carry
//! exactly the scopes they were granted.

/// Read messages (`GET /messages`, `/messages/{id}`, `/messages/direct`, attachment actions).
pub const MESSAGES_READ: &str = "spark:messages_read";
/// Post, edit and delete messages; submit cards.
pub const MESSAGES_WRITE: &str = "spark:messages_write";
/// List and read rooms.
pub const ROOMS_READ: &str = "spark:rooms_read";
/// List memberships.
pub const MEMBERSHIPS_READ: &str = "spark:memberships_read";
/// Add and remove members (and leave spaces).
pub const MEMBERSHIPS_WRITE: &str = "spark:memberships_write";
/// Create spaces.
pub const ROOMS_WRITE: &str = "spark:rooms_write";
/// Read people.
pub const PEOPLE_READ: &str = "spark:people_read";
/// The caller's own (and granted) devices.
pub const DEVICES_READ: &str = "spark:devices_read";
/// Run xAPI commands.
pub const XAPI_COMMANDS: &str = "spark:xapi_commands";
/// Read xAPI status.
pub const XAPI_STATUSES: &str = "spark:xapi_statuses";
/// Every device of the organisation, and configurations (admins).
pub const ADMIN_DEVICES_READ: &str = "spark-admin:devices_read";
/// Tags, deletes, activation codes and configuration changes (admins).
pub const ADMIN_DEVICES_WRITE: &str = "spark-admin:devices_write";
/// Read workspaces (admins).
pub const ADMIN_WORKSPACES_READ: &str = "spark-admin:workspaces_read";
/// Create, change and delete workspaces (admins).
pub const ADMIN_WORKSPACES_WRITE: &str = "spark-admin:workspaces_write";
/// Read `/workspaceLocations` and their floors (admins).
pub const ADMIN_WORKSPACE_LOCATIONS_READ: &str = "spark-admin:workspace_locations_read";
/// Change `/workspaceLocations` and their floors (admins).
pub const ADMIN_WORKSPACE_LOCATIONS_WRITE: &str = "spark-admin:workspace_locations_write";
/// Read `/locations` and their floors (admins).
pub const ADMIN_LOCATIONS_READ: &str = "spark-admin:locations_read";
/// Change `/locations` and their floors (admins).
pub const ADMIN_LOCATIONS_WRITE: &str = "spark-admin:locations_write";
/// Also lets admins read `/locations` (the spec lists it).
pub const ADMIN_PEOPLE_READ: &str = "spark-admin:people_read";
/// Also lets admins read `/locations` (the spec's spelling, singular `device`).
pub const ADMIN_DEVICE_READ: &str = "spark-admin:device_read";
/// Activation codes for workspaces.
pub const PLACE_OTP_CREATE: &str = "identity:placeonetimepassword_create";
/// Activation codes for workspaces or people.
pub const ONE_TIME_PASSWORD: &str = "identity:one_time_password";

/// Fetch a service app's tokens (`POST /applications/{id}/token`).
pub const APPLICATIONS_TOKEN: &str = "spark:applications_token";

/// Every scope the sandbox checks, for an integration or service app that should be able to
/// call everything an administrator may (what `roombot` asks an admin to approve).
pub const ADMIN_ALL: &[&str] = &[
    PEOPLE_READ,
    DEVICES_READ,
    XAPI_COMMANDS,
    XAPI_STATUSES,
    ADMIN_DEVICES_READ,
    ADMIN_DEVICES_WRITE,
    ADMIN_WORKSPACES_READ,
    ADMIN_WORKSPACES_WRITE,
    ADMIN_WORKSPACE_LOCATIONS_READ,
    ADMIN_WORKSPACE_LOCATIONS_WRITE,
    ADMIN_LOCATIONS_READ,
    ADMIN_LOCATIONS_WRITE,
    PLACE_OTP_CREATE,
];
