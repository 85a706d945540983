//! Webex webhook signatures: `X-Spark-Signature` is the lowercase hex HMAC-SHA1 of the raw request
//! body, keyed by the webhook's secret. Pure functions over bytes; no parsing happens before this.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// The header Webex puts the signature in.
pub const SIGNATURE_HEADER: &str = "x-spark-signature";

/// Checks `header` (hex, any case, surrounding white space allowed) against `body`, in constant
/// time. A header that is not hex, or not 20 bytes, fails.
pub fn verify_signature(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Ok(expected) = hex::decode(header.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(body);
    // `verify_slice` compares in constant time and rejects a wrong length.
    mac.verify_slice(&expected).is_ok()
}

/// The signature Webex would send for `body`: lowercase hex HMAC-SHA1. The sandbox and the tests
/// sign with this; production only verifies.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn matches_a_known_hmac_sha1_vector() {
        // RFC 2202 test case 2.
        let sig = sign(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(sig, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
        assert!(verify_signature(
            b"Jefe",
            b"what do ya want for nothing?",
            &sig
        ));
    }

    #[test]
    fn accepts_uppercase_hex_and_white_space() {
        let sig = sign(b"s", b"{}").to_uppercase();
        assert!(verify_signature(b"s", b"{}", &format!(" {sig} ")));
    }

    #[test]
    fn rejects_garbage_truncated_and_empty_headers() {
        let sig = sign(b"s", b"{}");
        for header in ["", "zz", &sig[..38], &format!("{sig}00"), "not hex at all"] {
            assert!(!verify_signature(b"s", b"{}", header), "header: {header:?}");
        }
    }

    proptest! {
        #[test]
        fn a_flipped_byte_fails(body in proptest::collection::vec(any::<u8>(), 1..512),
                                i in any::<prop::sample::Index>(), bit in 0u8..8) {
            let sig = sign(b"secret", &body);
            prop_assert!(verify_signature(b"secret", &body, &sig));
            let mut tampered = body.clone();
            let j = i.index(body.len());
            tampered[j] ^= 1 << bit;
            prop_assert!(!verify_signature(b"secret", &tampered, &sig));
        }

        #[test]
        fn another_secret_fails(body in proptest::collection::vec(any::<u8>(), 0..256)) {
            let sig = sign(b"secret", &body);
            prop_assert!(!verify_signature(b"Secret", &body, &sig));
        }
    }
}
