//! Secrets at rest, sealed with an AEAD (XChaCha20-Poly1305) under `auth.token_encryption_key`:
//! mail bodies waiting in the job queue (they carry sign-in links), and later social tokens.
//! Each sealed value names the key that sealed it, so the key can rotate.

use anyhow::Context;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
    /// A short fingerprint of the key, stored with every sealed value.
    kid: String,
}

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Sealer {
        let kid = hex::encode(&Sha256::digest(key)[..4]);
        Sealer {
            cipher: XChaCha20Poly1305::new(key.into()),
            kid,
        }
    }

    /// `kid.base64(nonce ‖ ciphertext)`; a fresh random nonce every time.
    pub fn seal(&self, plaintext: &str) -> anyhow::Result<String> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, plaintext.as_bytes())
            .map_err(|_| anyhow::anyhow!("sealing failed"))?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!("{}.{}", self.kid, URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        let (kid, data) = sealed.split_once('.').context("not a sealed value")?;
        if kid != self.kid {
            anyhow::bail!("sealed with another key ({kid}); is auth.token_encryption_key the one it was sealed with?");
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(data)
            .context("sealed value is not base64")?;
        if bytes.len() < NONCE_LEN {
            anyhow::bail!("sealed value is too short");
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .map_err(|_| anyhow::anyhow!("sealed value was altered or sealed with another key"))?;
        String::from_utf8(plain).context("sealed value is not text")
    }
}

#[cfg(test)]
mod tests {
    use super::Sealer;

    #[test]
    fn seals_and_opens_and_detects_tampering() {
        let sealer = Sealer::new(&[7; 32]);
        let sealed = sealer.seal("https://vouch/login#token=secret").unwrap();
        assert!(!sealed.contains("secret"));
        assert_ne!(
            sealed,
            sealer.seal("https://vouch/login#token=secret").unwrap()
        );
        assert_eq!(
            sealer.open(&sealed).unwrap(),
            "https://vouch/login#token=secret"
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(sealer.open(&tampered).is_err());
        assert!(Sealer::new(&[8; 32]).open(&sealed).is_err());
    }
}
