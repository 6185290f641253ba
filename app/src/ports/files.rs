//! Where attachment bytes live: outside the database, addressed by their SHA-256, so the same
//! file uploaded twice is kept once and a stored file can be checked against its name.
use super::StoreResult;
use async_trait::async_trait;

/// The SHA-256 of `bytes` in lower-case hex: the name a file is stored and committed under.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

#[async_trait]
pub trait FileStore: Send + Sync {
    /// Keeps `bytes` (durably, before returning) and returns their SHA-256.
    async fn put(&self, bytes: &[u8]) -> StoreResult<String>;
    /// The bytes stored under `sha256`, as they are now (the caller checks them against the
    /// hash when it matters), or `None` when there is no such file.
    async fn get(&self, sha256: &str) -> StoreResult<Option<Vec<u8>>>;
}
