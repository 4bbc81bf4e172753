//! Bytes as lowercase hex, SHA-256 and HMAC-SHA256 that way, and random secrets: session ids
//! and API tokens are stored as hashes, the history's chain links are hashes, webhook deliveries
//! are signed.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// HMAC-SHA256 of `message` keyed with `key`, as hex.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(message);
    hex(&mac.finalize().into_bytes())
}

/// `BYTES` random bytes from the operating system, as hex (twice as many characters).
pub fn random_hex<const BYTES: usize>() -> String {
    let mut bytes = [0_u8; BYTES];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn random_hex_has_the_asked_length_and_differs() {
        let (a, b) = (random_hex::<16>(), random_hex::<16>());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
