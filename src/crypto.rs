//! Personal fields sealed at rest (DESIGN.md §5; issue 23): ChaCha20-Poly1305 under the
//! data key (`GUANAI_DATA_KEY`), a fresh random nonce per value, and the owning row's id and
//! the field's name as associated data, so a sealed value copied to another row or field
//! does not open. A sealed value names the key that sealed it (`<key id>.<base64url of nonce
//! and ciphertext>`), so rows sealed under an earlier key open while a rotation re-seals
//! them. Opening fails closed: a wrong key, a changed byte or a value moved elsewhere is an
//! error, never garbage.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// Bytes of a data key.
pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;

/// Why a key or a sealed value was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("a data key is 32 bytes written in base64url (43 characters) or hex (64)")]
    BadKey,
    #[error("sealed under data key {0}, which this service does not hold")]
    UnknownKey(String),
    #[error("the sealed value is damaged, or belongs to another row or field")]
    Damaged,
}

/// One data key and its id (the first 8 bytes of its SHA-256, in hex: names the key
/// without telling it).
#[derive(Clone)]
pub struct DataKey {
    id: String,
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKey").field("id", &self.id).finish()
    }
}

impl DataKey {
    /// A key written as `GUANAI_DATA_KEY` holds it: 32 bytes in base64url (with or without
    /// padding) or in hex.
    pub fn parse(text: &str) -> Result<DataKey, CryptoError> {
        let text = text.trim();
        let bytes = if text.len() == 2 * KEY_BYTES && text.chars().all(|c| c.is_ascii_hexdigit()) {
            (0..KEY_BYTES)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| CryptoError::BadKey)?
        } else {
            URL_SAFE_NO_PAD
                .decode(text.trim_end_matches('='))
                .map_err(|_| CryptoError::BadKey)?
        };
        let bytes: [u8; KEY_BYTES] = bytes.try_into().map_err(|_| CryptoError::BadKey)?;
        Ok(DataKey::from_bytes(&bytes))
    }

    fn from_bytes(bytes: &[u8; KEY_BYTES]) -> DataKey {
        let digest = Sha256::digest(bytes);
        let id = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        DataKey {
            id,
            cipher: ChaCha20Poly1305::new(Key::from_slice(bytes)),
        }
    }

    /// A new random key, written as [`DataKey::parse`] reads it.
    pub fn generate() -> String {
        let mut bytes = [0u8; KEY_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The keys a service holds: the current one seals; it and any earlier ones open.
#[derive(Debug, Clone)]
pub struct DataKeys {
    current: DataKey,
    earlier: Vec<DataKey>,
}

/// What a sealed value is bound to: its row and its field.
fn bound_to(row_id: &str, field: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(row_id.len() + field.len() + 1);
    aad.extend_from_slice(row_id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(field.as_bytes());
    aad
}

impl DataKeys {
    pub fn new(current: DataKey, earlier: Vec<DataKey>) -> DataKeys {
        DataKeys { current, earlier }
    }

    /// The id of the key that seals.
    pub fn current_id(&self) -> &str {
        self.current.id()
    }

    /// `plain` sealed for `field` of the row `row_id`.
    pub fn seal(&self, row_id: &str, field: &str, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let aad = bound_to(row_id, field);
        let sealed = self
            .current
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: &aad,
                },
            )
            // Only a message beyond 2^38 bytes fails; no field comes near.
            .unwrap_or_default();
        let mut bytes = Vec::with_capacity(NONCE_BYTES + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        format!("{}.{}", self.current.id, URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The text [`DataKeys::seal`] sealed for this row and field.
    pub fn open(&self, row_id: &str, field: &str, sealed: &str) -> Result<String, CryptoError> {
        let (key_id, body) = sealed.split_once('.').ok_or(CryptoError::Damaged)?;
        let key = std::iter::once(&self.current)
            .chain(&self.earlier)
            .find(|k| k.id == key_id)
            .ok_or_else(|| CryptoError::UnknownKey(key_id.to_owned()))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| CryptoError::Damaged)?;
        if bytes.len() < NONCE_BYTES {
            return Err(CryptoError::Damaged);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let aad = bound_to(row_id, field);
        let plain = key
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| CryptoError::Damaged)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Damaged)
    }

    /// True when `sealed` was sealed under another key than the current one (a rotation
    /// re-seals it).
    pub fn is_stale(&self, sealed: &str) -> bool {
        sealed
            .split_once('.')
            .is_none_or(|(key_id, _)| key_id != self.current.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> DataKeys {
        DataKeys::new(DataKey::parse(&DataKey::generate()).unwrap(), Vec::new())
    }

    #[test]
    fn a_sealed_value_opens_for_its_row_and_field_only() {
        let keys = keys();
        let sealed = keys.seal("case-1", "guardian_phone", "13800138000");
        assert!(!sealed.contains("13800138000"));
        assert!(sealed.starts_with(&format!("{}.", keys.current_id())));
        assert_eq!(
            keys.open("case-1", "guardian_phone", &sealed).unwrap(),
            "13800138000"
        );
        assert_eq!(
            keys.open("case-2", "guardian_phone", &sealed),
            Err(CryptoError::Damaged)
        );
        assert_eq!(
            keys.open("case-1", "guardian_name", &sealed),
            Err(CryptoError::Damaged)
        );
        // Two seals of one text differ (a fresh nonce each).
        assert_ne!(sealed, keys.seal("case-1", "guardian_phone", "13800138000"));
    }

    #[test]
    fn a_wrong_key_or_a_changed_byte_fails_closed() {
        let sealed = keys().seal("case-1", "note", "孩子不愿上学");
        let other = keys();
        assert!(matches!(
            other.open("case-1", "note", &sealed),
            Err(CryptoError::UnknownKey(_))
        ));
        // The right id on another key: the tag does not match.
        let (_, body) = sealed.split_once('.').unwrap();
        let forged = format!("{}.{body}", other.current_id());
        assert_eq!(
            other.open("case-1", "note", &forged),
            Err(CryptoError::Damaged)
        );
        let keys = keys();
        let sealed = keys.seal("case-1", "note", "孩子不愿上学");
        let mut bytes = sealed.into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(bytes).unwrap();
        assert_eq!(
            keys.open("case-1", "note", &changed),
            Err(CryptoError::Damaged)
        );
        assert_eq!(
            keys.open("case-1", "note", "no-dot"),
            Err(CryptoError::Damaged)
        );
    }

    #[test]
    fn an_earlier_key_still_opens_and_its_values_are_stale() {
        let old = DataKey::parse(&DataKey::generate()).unwrap();
        let sealed = DataKeys::new(old.clone(), Vec::new()).seal("c", "alias", "小明");
        let rotated = DataKeys::new(DataKey::parse(&DataKey::generate()).unwrap(), vec![old]);
        assert_eq!(rotated.open("c", "alias", &sealed).unwrap(), "小明");
        assert!(rotated.is_stale(&sealed));
        assert!(!rotated.is_stale(&rotated.seal("c", "alias", "小明")));
    }

    #[test]
    fn a_key_is_32_bytes_in_base64url_or_hex() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let from_hex = DataKey::parse(hex).unwrap();
        let bytes: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let from_b64 = DataKey::parse(&URL_SAFE_NO_PAD.encode(&bytes)).unwrap();
        assert_eq!(from_hex.id(), from_b64.id());
        assert_eq!(from_hex.id().len(), 16);
        assert_eq!(
            DataKey::parse("too-short").unwrap_err(),
            CryptoError::BadKey
        );
        assert_eq!(DataKey::parse(&"a".repeat(64)).unwrap().id().len(), 16);
        assert!(DataKey::parse(&URL_SAFE_NO_PAD.encode([0u8; 31])).is_err());
    }
}
