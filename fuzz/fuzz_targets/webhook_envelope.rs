//! The webhook intake's pure steps on arbitrary bytes: the signature check (the first line is the
//! `X-Spark-Signature` header, the rest the body) and the envelope decode. Never panics; a
//! decoded envelope's `data.id` is always id-shaped; our own signature of the body verifies and
//! fails once a byte changes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roombot::webhook::envelope::{Envelope, is_safe_id};
use roombot::webhook::signature::{sign, verify_signature};

const SECRET: &[u8] = b"fuzz-secret";

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let header = String::from_utf8_lossy(&data[..split]);
    let body = data.get(split + 1..).unwrap_or_default();
    let _ = verify_signature(SECRET, body, &header);
    if let Ok(envelope) = serde_json::from_slice::<Envelope>(body) {
        assert!(is_safe_id(&envelope.data.id), "{:?}", envelope.data.id);
        let _ = envelope.kind();
    }
    let good = sign(SECRET, body);
    assert!(verify_signature(SECRET, body, &good));
    if let Some(first) = body.first() {
        let mut tampered = body.to_vec();
        tampered[0] = first ^ 1;
        assert!(!verify_signature(SECRET, &tampered, &good));
    }
});
