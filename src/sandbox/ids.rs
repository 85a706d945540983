//! Webex-style REST ids: base64 (URL-safe alphabet, no padding) of `ciscospark://us/<KIND>/<uuid>`.

use uuid::Uuid;

/// The demo organisation's id.
pub fn demo_org_id() -> String {
    encode("ORGANIZATION", "1eb65fdf-9643-417f-9974-ad72cae0e10f")
}

/// Encodes `ciscospark://us/<kind>/<uuid>` as a Webex REST id.
pub fn encode(kind: &str, uuid: &str) -> String {
    crate::webex::ids::encode_rest_id("us", kind, uuid)
}

/// A new random id of `kind` (e.g. `MESSAGE`, `DEVICE`, `WORKSPACE`).
pub fn new_id(kind: &str) -> String {
    encode(kind, &Uuid::new_v4().to_string())
}

/// Decodes a REST id back to `(kind, uuid)`, if it is one.
pub fn decode(id: &str) -> Option<(String, String)> {
    crate::webex::ids::decode_rest_id(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let id = encode("PEOPLE", "f5b36187-c8dd-4727-8b2f-f9c447f29046");
        assert_eq!(
            id,
            "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY"
        );
        assert_eq!(
            decode(&id),
            Some((
                "PEOPLE".into(),
                "f5b36187-c8dd-4727-8b2f-f9c447f29046".into()
            ))
        );
    }
}
