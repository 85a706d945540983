//! The typed Webex REST client: the only place that knows Webex URLs.
//!
//! One [`WebexClient`] (cheap to clone) sends every call with a `TrackingID: ROOMBOT_<uuid>`
//! header and the bearer token (never logged), bounds requests in flight with a client-wide
//! semaphore, honours 429/423 `Retry-After`, retries idempotent calls on 500/502/503/504,
//! broken connections and timeouts with backoff until a per-event deadline, never repeats a
//! non-idempotent call Webex may have run, follows `Link` pagination, and reports each attempt to an
//! optional observer. One file per resource; models tolerate reality (every field but `id` is
//! optional, unknown enum strings are kept).
//!
//! Layout: [`client`] (config, handle), `request` + `transport` + [`retry`] (sending),
//! [`deliver`] (posting a reply that arrives exactly once where Webex lets us check),
//! [`pagination`], [`error`], [`ids`], [`status`] (flattening xAPI trees), and the resources
//! [`people`], [`messages`], [`attachment_actions`], [`webhooks`], [`devices`],
//! [`configurations`], [`xapi`], [`workspaces`], [`locations`].

mod open_enum;
mod request;
mod transport;

pub mod attachment_actions;
pub mod client;
pub mod configurations;
pub mod deliver;
pub mod devices;
pub mod error;
pub mod ids;
pub mod locations;
pub mod memberships;
pub mod messages;
pub mod oauth;
pub mod pagination;
pub mod people;
pub mod retry;
pub mod status;
pub mod token;
pub mod wdm;
pub mod webhooks;
pub mod workspaces;
pub mod xapi;

pub use attachment_actions::{AttachmentAction, NewAttachmentAction};
pub use client::{CallRecord, ClientConfig, HttpProxy, Observer, WebexClient};
pub use configurations::{
    ConfigPatch, ConfigSource, ConfigSources, ConfigurationItem, DeviceConfigurations, Editability,
    SourceValue, ValueSpace,
};
pub use devices::{ActivationCode, ConnectionStatus, Device, DeviceFilter, Permission, TagsPatch};
pub use error::{ApiError, WebexError};
pub use ids::{
    AttachmentActionId, DeviceId, FloorId, LocationId, MembershipId, MessageId, OrgId, PersonId,
    RoomId, WebhookId, WorkspaceId,
};
pub use locations::{
    Floor, FloorFields, Location, LocationFields, LocationFilter, LocationKind, WorkspaceLocation,
    WorkspaceLocationFields, WorkspaceLocationFilter,
};
pub use memberships::Membership;
pub use messages::{
    ADAPTIVE_CARD, Attachment, Message, MessageEdit, MessageQuery, NewMessage, RoomType,
};
pub use pagination::{Listing, Page};
pub use people::{Person, PersonType};
pub use status::flatten_status;
pub use token::{OAuthClient, OnRotate, Refresher, Reload, TokenInfo};
pub use webhooks::{NewWebhook, Webhook, WebhookStatus, WebhookUpdate};
pub use workspaces::{NewWorkspace, Workspace, WorkspaceFilter, WorkspaceType};
pub use xapi::{MAX_STATUS_NAMES, XapiCommandResult, XapiStatus};

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn is_send<T: Send>(_: T) {}

    #[test]
    fn calls_and_streams_can_run_on_spawned_tasks() {
        let url = url::Url::parse("http://127.0.0.1:9/v1").expect("valid URL");
        let client =
            WebexClient::new(ClientConfig::new(url, SecretString::from("t"))).expect("client");
        let device = DeviceId::from("D1");
        let listing = client.list_devices(&DeviceFilter::default());
        is_send(listing.first_page());
        is_send(listing.list_all(1));
        is_send(client.list_workspaces(&WorkspaceFilter::default()).stream());
        is_send(client.me());
        is_send(client.xapi_status(&device, &["Audio.Volume"]));
        is_send(client.xapi_command(&device, "Standby.Activate", None, None));
        is_send(client.create_message(&NewMessage::to_room(&RoomId::from("R1"))));
    }
}
