//! Device registration for the websocket intake (not in the public API reference; the calls
//! Cisco's SDKs make): the U2C service catalog (`GET {u2c}/catalog?format=hostmap` →
//! `serviceLinks.wdm`), the registration service (`GET/POST {wdm}/devices`, `DELETE` a device's
//! `url`), and the conversation service's lookup that turns an activity into the REST id of its
//! message or attachment action. All with the bot token; GETs and DELETE are retried like any
//! idempotent call, the POST is not repeated after a 5xx.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use url::Url;

use super::client::WebexClient;
use super::error::WebexError;
use super::request::Request;

/// A device registration: where to open the websocket, and the registration's own URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceRegistration {
    /// The registration (`DELETE` it to unregister).
    pub url: Url,
    pub web_socket_url: Url,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub device_type: Option<String>,
}

/// The body of `POST {wdm}/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewDevice {
    pub device_name: String,
    pub device_type: String,
    pub localized_model: String,
    pub model: String,
    pub name: String,
    pub system_name: String,
    pub system_version: String,
}

impl NewDevice {
    /// A `DESKTOP` device named `name`, as the SDKs register one.
    pub fn desktop(name: &str) -> Self {
        Self {
            device_name: name.to_owned(),
            device_type: "DESKTOP".to_owned(),
            localized_model: "rust".to_owned(),
            model: "rust".to_owned(),
            name: name.to_owned(),
            system_name: "roombot".to_owned(),
            system_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Catalog {
    service_links: ServiceLinks,
}

#[derive(Debug, Deserialize)]
struct ServiceLinks {
    wdm: Url,
}

#[derive(Debug, Deserialize)]
struct DeviceList {
    #[serde(default)]
    devices: Vec<serde_json::Value>,
}

/// What the conversation service says about a message or attachment action.
#[derive(Debug, Deserialize)]
struct Published {
    id: String,
}

/// `url` with `segments` appended to its path.
fn below(url: &Url, segments: &[&str]) -> Url {
    let mut url = url.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

impl WebexClient {
    /// The registration service's URL from the U2C catalog at `u2c`.
    pub async fn registration_service(&self, u2c: &Url) -> Result<Url, WebexError> {
        let request = Request::get("u2c catalog", &[]);
        let mut url = below(u2c, &["catalog"]);
        url.set_query(Some("format=hostmap"));
        let catalog: Catalog = self.send(&request, url).await?.decode()?;
        Ok(catalog.service_links.wdm)
    }

    /// The bot's device registrations (those without a usable `webSocketUrl` are skipped).
    pub async fn device_registrations(
        &self,
        wdm: &Url,
    ) -> Result<Vec<DeviceRegistration>, WebexError> {
        let request = Request::get("wdm devices", &[]);
        let list: DeviceList = self
            .send(&request, below(wdm, &["devices"]))
            .await?
            .decode()?;
        Ok(list
            .devices
            .into_iter()
            .filter_map(|d| serde_json::from_value(d).ok())
            .collect())
    }

    /// Registers `device`.
    pub async fn register_device(
        &self,
        wdm: &Url,
        device: &NewDevice,
    ) -> Result<DeviceRegistration, WebexError> {
        let request = Request::new(Method::POST, "wdm devices", &[])
            .json(device)?
            .idempotent(false);
        self.send(&request, below(wdm, &["devices"]))
            .await?
            .decode()
    }

    /// Deletes the registration at `device` (its `url`).
    pub async fn delete_registration(&self, device: &Url) -> Result<(), WebexError> {
        let request = Request::new(Method::DELETE, "wdm device", &[]);
        self.send(&request, device.clone()).await.map(drop)
    }

    /// The REST id behind a conversation-service URL (`…/messages/{activity}` or
    /// `…/attachment/actions/{activity}`).
    pub async fn published_id(&self, url: &Url) -> Result<String, WebexError> {
        let request = Request::get("conversation activity", &[]);
        let published: Published = self.send(&request, url.clone()).await?.decode()?;
        Ok(published.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_appended_below_the_service() {
        let u2c = Url::parse("https://u2c.wbx2.com/u2c/api/v1").unwrap();
        assert_eq!(
            below(&u2c, &["catalog"]).as_str(),
            "https://u2c.wbx2.com/u2c/api/v1/catalog"
        );
        let wdm = Url::parse("https://wdm-a.wbx2.com/wdm/api/v1/").unwrap();
        assert_eq!(
            below(&wdm, &["devices"]).as_str(),
            "https://wdm-a.wbx2.com/wdm/api/v1/devices"
        );
    }

    #[test]
    fn a_new_device_is_a_desktop_with_its_name() {
        let body = serde_json::to_value(NewDevice::desktop("roombot")).unwrap();
        assert_eq!(body["deviceType"], "DESKTOP");
        assert_eq!(body["name"], "roombot");
        assert_eq!(body["deviceName"], "roombot");
    }
}
