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
    decode_parts(id).map(|(_, kind, uuid)| (kind, uuid))
}

/// The region a REST id was made in (`us` for most: `ciscospark://us/…`).
pub fn rest_id_region(id: &str) -> Option<String> {
    decode_parts(id).map(|(region, _, _)| region)
}

/// Encodes `ciscospark://<region>/<kind>/<uuid>` as a Webex REST id, as Webex writes them
/// (base64 without padding; the text is ASCII, so both alphabets give the same characters).
pub fn encode_rest_id(region: &str, kind: &str, uuid: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let input = format!("ciscospark://{region}/{kind}/{uuid}");
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.as_bytes().chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// `(region, KIND, uuid)` of a REST id.
fn decode_parts(id: &str) -> Option<(String, String, String)> {
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
    let (region, kind, uuid) = (parts.next()?, parts.next()?, parts.next()?);
    Some((region.to_owned(), kind.to_owned(), uuid.to_owned()))
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

    #[test]
    fn rest_ids_encode_as_webex_writes_them_and_decode_back() {
        let uuid = "f5b36187-c8dd-4727-8b2f-f9c447f29046";
        let id = encode_rest_id("us", "PEOPLE", uuid);
        // A person id as Webex's own documentation shows it.
        assert_eq!(
            id,
            "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY"
        );
        assert_eq!(decode_rest_id(&id), Some(("PEOPLE".into(), uuid.into())));
        assert_eq!(rest_id_region(&id).as_deref(), Some("us"));
        for len in 0..4 {
            let uuid = "x".repeat(len);
            let id = encode_rest_id("eu", "ROOM", &uuid);
            assert_eq!(decode_rest_id(&id), Some(("ROOM".into(), uuid)));
        }
    }
}
