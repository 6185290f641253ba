//! Argon2id password hashing (on the blocking pool) and random tokens.
use app::ports::{Secrets, StoreError};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use async_trait::async_trait;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub struct Argon2Secrets;

#[async_trait]
impl Secrets for Argon2Secrets {
    async fn hash_password(&self, password: String) -> Result<String, StoreError> {
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| StoreError::Other(format!("hash: {e}")))
        })
        .await
        .map_err(|e| StoreError::Other(format!("join: {e}")))?
    }

    async fn verify_password(&self, password: String, hash: String) -> bool {
        tokio::task::spawn_blocking(move || match PasswordHash::new(&hash) {
            Ok(parsed) => Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        })
        .await
        .unwrap_or(false)
    }

    fn new_token(&self) -> String {
        let mut b = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut b);
        hex::encode(b)
    }

    fn token_hash(&self, token: &str) -> String {
        hex::encode(Sha256::digest(token.as_bytes()))
    }
}
