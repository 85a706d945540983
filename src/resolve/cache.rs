//! The listing cache: one snapshot of workspaces and devices, and one of locations, each kept
//! for the TTL; a miss refetches once; the bot's own changes invalidate both.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{NameMatch, Org, Resolution, resolve_in, ws_name};
use crate::command::Target;
use crate::webex::{
    Device, DeviceFilter, Location, LocationFilter, WebexClient, WebexError, Workspace,
    WorkspaceFilter, WorkspaceId,
};

/// Page size asked for when listing workspaces and devices (Webex pages at most 1,000).
const LISTING_PAGE: u32 = 1000;

/// Most pages read per listing (100 items a page by default).
const PAGE_CAP: usize = 200;

/// The listing cache: one snapshot of workspaces and devices, and one of locations.
#[derive(Debug)]
pub struct Directory {
    ttl: Duration,
    snapshot: Mutex<Option<Arc<Org>>>,
    locations: Mutex<Option<(Instant, Arc<Vec<Location>>)>>,
}

impl Directory {
    /// An empty cache whose listings live for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            snapshot: Mutex::new(None),
            locations: Mutex::new(None),
        }
    }

    /// Forgets every listing: the next use fetches again (after the bot's own changes).
    pub fn invalidate(&self) {
        *lock(&self.snapshot) = None;
        *lock(&self.locations) = None;
    }

    /// The cached snapshot, fetched if missing or older than the TTL.
    pub async fn snapshot(&self, webex: &WebexClient) -> Result<Arc<Org>, WebexError> {
        let cached = lock(&self.snapshot).clone();
        match cached {
            Some(snapshot) if snapshot.fetched.elapsed() < self.ttl => Ok(snapshot),
            _ => self.refresh(webex).await,
        }
    }

    /// Lists workspaces and devices now (concurrently) and caches the result.
    pub async fn refresh(&self, webex: &WebexClient) -> Result<Arc<Org>, WebexError> {
        // Large pages: a 10,000-device org is 10 requests, not 100 at Webex's default size.
        let workspace_listing = webex.list_workspaces(&WorkspaceFilter {
            max: Some(LISTING_PAGE),
            ..WorkspaceFilter::default()
        });
        let device_listing = webex.list_devices(&DeviceFilter {
            max: Some(LISTING_PAGE),
            ..DeviceFilter::default()
        });
        let (workspaces, devices) = tokio::try_join!(
            workspace_listing.list_all(PAGE_CAP),
            device_listing.list_all(PAGE_CAP),
        )?;
        let snapshot = Arc::new(Org::new(
            slim(workspaces, |w| &mut w.extra),
            slim(devices, |d| &mut d.extra),
        ));
        *lock(&self.snapshot) = Some(snapshot.clone());
        Ok(snapshot)
    }

    /// The organisation's locations (`/locations`), cached like the snapshot.
    pub async fn locations(
        &self,
        webex: &WebexClient,
        force: bool,
    ) -> Result<Arc<Vec<Location>>, WebexError> {
        let cached = lock(&self.locations).clone();
        if let Some((at, locations)) = cached
            && !force
            && at.elapsed() < self.ttl
        {
            return Ok(locations);
        }
        let locations = Arc::new(
            webex
                .list_locations(&LocationFilter::default())
                .list_all(PAGE_CAP)
                .await?,
        );
        *lock(&self.locations) = Some((Instant::now(), locations.clone()));
        Ok(locations)
    }

    /// Resolves `target`; an unknown name refetches the listings once before "not found".
    pub async fn resolve(
        &self,
        webex: &WebexClient,
        target: &Target,
    ) -> Result<(Resolution, Arc<Org>), WebexError> {
        let needs_locations = matches!(target, Target::Location(_));
        let snapshot = self.snapshot(webex).await?;
        let locations = match needs_locations {
            true => self.locations(webex, false).await?,
            false => Arc::new(Vec::new()),
        };
        let resolution = resolve_in(&snapshot, &locations, target);
        if !matches!(resolution, Resolution::NotFound { .. }) {
            return Ok((resolution, snapshot));
        }
        let snapshot = self.refresh(webex).await?;
        let locations = match needs_locations {
            true => self.locations(webex, true).await?,
            false => locations,
        };
        Ok((resolve_in(&snapshot, &locations, target), snapshot))
    }

    /// Finds a workspace by name, refetching once on a miss.
    pub async fn find_workspace(
        &self,
        webex: &WebexClient,
        name: &str,
    ) -> Result<(NameMatch<Workspace>, Arc<Org>), WebexError> {
        let snapshot = self.snapshot(webex).await?;
        if let found @ (NameMatch::One(_) | NameMatch::Many(_)) = snapshot.find_workspace(name) {
            return Ok((found, snapshot));
        }
        let snapshot = self.refresh(webex).await?;
        Ok((snapshot.find_workspace(name), snapshot))
    }

    /// Finds a device by name, refetching once on a miss.
    pub async fn find_device(
        &self,
        webex: &WebexClient,
        name: &str,
    ) -> Result<(NameMatch<Device>, Arc<Org>), WebexError> {
        let snapshot = self.snapshot(webex).await?;
        if let found @ (NameMatch::One(_) | NameMatch::Many(_)) = snapshot.find_device(name) {
            return Ok((found, snapshot));
        }
        let snapshot = self.refresh(webex).await?;
        Ok((snapshot.find_device(name), snapshot))
    }

    /// Workspace names by id, for labelling device rows.
    pub async fn workspace_names(
        &self,
        webex: &WebexClient,
    ) -> Result<HashMap<WorkspaceId, String>, WebexError> {
        let snapshot = self.snapshot(webex).await?;
        Ok(snapshot
            .workspaces
            .iter()
            .map(|w| (w.id.clone(), ws_name(w)))
            .collect())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
/// Drops the fields roombot does not model from cached listings: they are only needed to send a
/// whole object back (workspace edits fetch it fresh for that), and for a 10,000-device org they
/// are most of the cache's memory.
fn slim<T>(
    mut items: Vec<T>,
    extra: impl Fn(&mut T) -> &mut serde_json::Map<String, serde_json::Value>,
) -> Vec<T> {
    for item in &mut items {
        *extra(item) = serde_json::Map::new();
    }
    items.shrink_to_fit();
    items
}
