//! Typed Webex ids: one newtype per kind, so a `DeviceId` can never be passed where a `RoomId`
//! is expected. They are opaque strings on the wire (`#[serde(transparent)]`).

/// Declares a transparent string newtype for one kind of Webex id.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id string as returned by Webex.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the id string.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// A person or bot (`/people`).
    PersonId
);
id_type!(
    /// A space (`/rooms`).
    RoomId
);
id_type!(
    /// A message (`/messages`).
    MessageId
);
id_type!(
    /// A card submission (`/attachment/actions`).
    AttachmentActionId
);
id_type!(
    /// A webhook (`/webhooks`).
    WebhookId
);
id_type!(
    /// A device (`/devices`).
    DeviceId
);
id_type!(
    /// A workspace (`/workspaces`).
    WorkspaceId
);
id_type!(
    /// A location: either a `/locations` id or a `/workspaceLocations` id.
    LocationId
);
id_type!(
    /// A floor of a location.
    FloorId
);
id_type!(
    /// An organisation.
    OrgId
);
id_type!(
    /// A person's membership of a space (`/memberships`).
    MembershipId
);

/// Decodes a Webex REST id (base64 of `ciscospark://<region>/<KIND>/<uuid>`, URL-safe or
/// standard alphabet, padding optional) into `(KIND, uuid)`; `None` for anything else.
pub fn decode_rest_id(id: &str) -> Option<(String, String)> {
    let mut bytes = Vec::with_capacity(id.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in id.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
        }
    }
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.strip_prefix("ciscospark://")?.splitn(3, '/');
    let (_region, kind, uuid) = (parts.next()?, parts.next()?, parts.next()?);
    Some((kind.to_owned(), uuid.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_transparent_strings() {
        let id: DeviceId = serde_json::from_str("\"abc\"").expect("a JSON string is an id");
        assert_eq!(id, DeviceId::from("abc"));
        assert_eq!(id.as_str(), "abc");
        assert_eq!(id.to_string(), "abc");
        assert_eq!(serde_json::to_string(&id).expect("serialises"), "\"abc\"");
    }
}
