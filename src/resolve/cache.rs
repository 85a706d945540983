//! The listing cache: one [`Org`] listing and one of locations, each kept for the TTL; the bot's
//! own changes drop both ([`Directory::invalidate`]).
//!
//! With the admin credential, workspaces, locations and every device come from admin listings
//! (names, all devices), while each device's `permissions` come from the bot's own listing: what
//! an admin granted the bot in Control Hub bounds what xAPI calls reach, and a device the bot was
//! not granted shows as "no access granted". Without it (bot-only), the bot's device listing is
//! all there is: no workspace names, no locations.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Org;
use crate::webex::{
    Device, DeviceFilter, DeviceId, Location, LocationFilter, Permission, WebexClient, WebexError,
    Workspace, WorkspaceFilter,
};

/// Page size asked for when listing workspaces and devices (Webex pages at most 1,000).
const LISTING_PAGE: u32 = 1000;

/// Most pages read per listing.
const PAGE_CAP: usize = 200;

/// The listing cache.
#[derive(Debug)]
pub struct Directory {
    ttl: Duration,
    bot: WebexClient,
    admin: Option<WebexClient>,
    org: Mutex<Option<Arc<Org>>>,
    locations: Mutex<Option<(Instant, Arc<Vec<Location>>)>>,
}

impl Directory {
    /// An empty cache whose listings live for `ttl`, listed with the bot's client and (when
    /// configured) the admin's.
    pub fn new(ttl: Duration, bot: WebexClient, admin: Option<WebexClient>) -> Self {
        Self {
            ttl,
            bot,
            admin,
            org: Mutex::new(None),
            locations: Mutex::new(None),
        }
    }

    /// Whether listings (and what they name) come with admin access.
    pub fn has_admin(&self) -> bool {
        self.admin.is_some()
    }

    /// Forgets every listing: the next use fetches again (after the bot's own changes).
    pub fn invalidate(&self) {
        *lock(&self.org) = None;
        *lock(&self.locations) = None;
    }

    /// The cached listing, fetched if missing or older than the TTL.
    pub async fn snapshot(&self) -> Result<Arc<Org>, WebexError> {
        let cached = lock(&self.org).clone();
        match cached {
            Some(org) if org.fetched.elapsed() < self.ttl => Ok(org),
            _ => self.refresh().await,
        }
    }

    /// Lists now (concurrently) and caches the result.
    pub async fn refresh(&self) -> Result<Arc<Org>, WebexError> {
        let listed = match &self.admin {
            Some(admin) => self.list_as_admin(admin).await,
            None => self.list_as_bot().await,
        };
        let org = Arc::new(match listed {
            // The admin credential does not work: go on with the bot's own view, and say why.
            Err(WebexError::Credential { message, .. }) => {
                tracing::warn!(%message, "admin access failed; listing with the bot's token alone");
                Org {
                    admin_broken: Some(message),
                    ..self.list_as_bot().await?
                }
            }
            other => other?,
        });
        *lock(&self.org) = Some(org.clone());
        Ok(org)
    }

    /// The bot's own devices: no workspace names, no locations.
    async fn list_as_bot(&self) -> Result<Org, WebexError> {
        Ok(Org::bot_only(list_devices(&self.bot).await?))
    }

    /// Workspaces and every device as the admin sees them; permissions as the bot holds them.
    async fn list_as_admin(&self, admin: &WebexClient) -> Result<Org, WebexError> {
        // Large pages: a 10,000-device org is 10 requests, not 100 at Webex's default size.
        let listing = admin.list_workspaces(&WorkspaceFilter {
            max: Some(LISTING_PAGE),
            ..WorkspaceFilter::default()
        });
        let workspaces = listing.list_all_mapped(PAGE_CAP, |mut w: Workspace| {
            w.extra = serde_json::Map::new();
            w
        });
        // The bot's listing is read for each device's id and permissions alone.
        let grants = self.bot.list_devices(&page_filter()).read_as::<Granted>();
        let granted = grants.list_all(PAGE_CAP);
        let (workspaces, all, granted): (Vec<Workspace>, Vec<Device>, Vec<Granted>) =
            tokio::try_join!(workspaces, list_devices(admin), granted)?;
        let mut permissions: HashMap<_, _> =
            granted.into_iter().map(|g| (g.id, g.permissions)).collect();
        let devices = all
            .into_iter()
            .map(|mut device| {
                device.permissions = permissions.remove(&device.id).flatten();
                device
            })
            .collect();
        Ok(Org::new(shrunk(workspaces), shrunk(devices)))
    }

    /// The organisation's locations (`/locations`, admin only), cached like the listing; none
    /// without the admin credential.
    pub async fn locations(&self, force: bool) -> Result<Arc<Vec<Location>>, WebexError> {
        let Some(admin) = &self.admin else {
            return Ok(Arc::default());
        };
        if lock(&self.org)
            .as_ref()
            .is_some_and(|o| o.admin_broken.is_some())
        {
            return Ok(Arc::default());
        }
        let cached = lock(&self.locations).clone();
        if let Some((at, locations)) = cached
            && !force
            && at.elapsed() < self.ttl
        {
            return Ok(locations);
        }
        let locations = Arc::new(
            admin
                .list_locations(&LocationFilter::default())
                .list_all(PAGE_CAP)
                .await?,
        );
        *lock(&self.locations) = Some((Instant::now(), locations.clone()));
        Ok(locations)
    }
}

/// A device as the bot's own listing is read next to the admin's: what it was granted.
#[derive(Debug, serde::Deserialize)]
struct Granted {
    id: DeviceId,
    permissions: Option<Vec<Permission>>,
}

fn page_filter() -> DeviceFilter {
    DeviceFilter {
        max: Some(LISTING_PAGE),
        ..DeviceFilter::default()
    }
}

/// Every device `client` sees, slimmed page by page as they arrive.
async fn list_devices(client: &WebexClient) -> Result<Vec<Device>, WebexError> {
    let devices = client
        .list_devices(&page_filter())
        .list_all_mapped(PAGE_CAP, |mut d: Device| {
            d.extra = serde_json::Map::new();
            d
        })
        .await?;
    Ok(shrunk(devices))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `items` holding no spare capacity. (Listings drop the fields roombot does not model, each
/// page as it arrives: they are only needed to send a whole object back, which workspace edits
/// fetch fresh for, and for a 10,000-device org they would be most of the cache's memory.)
fn shrunk<T>(mut items: Vec<T>) -> Vec<T> {
    items.shrink_to_fit();
    items
}
