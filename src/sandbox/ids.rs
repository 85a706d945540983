//! Webex-style REST ids: base64 (URL-safe alphabet, no padding) of `ciscospark://us/<KIND>/<uuid>`.

use uuid::Uuid;

/// The demo organisation's id.
pub fn demo_org_id() -> String {
    encode("ORGANIZATION", "1eb65fdf-9643-417f-9974-ad72cae0e10f")
}

/// Encodes `ciscospark://us/<kind>/<uuid>` as a Webex REST id.
pub fn encode(kind: &str, uuid: &str) -> String {
    base64_url(format!("ciscospark://us/{kind}/{uuid}").as_bytes())
}

/// A new random id of `kind` (e.g. `MESSAGE`, `DEVICE`, `WORKSPACE`).
pub fn new_id(kind: &str) -> String {
    encode(kind, &Uuid::new_v4().to_string())
}

/// Decodes a REST id back to `(kind, uuid)`, if it is one.
pub fn decode(id: &str) -> Option<(String, String)> {
    crate::webex::ids::decode_rest_id(id)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64_url(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
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
