//! Argon2id password hashing (on the blocking pool) and random tokens.
use app::ports::{Secrets, StoreError};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use async_trait::async_trait;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

pub struct Argon2Secrets;

/// Argon2 runs at most this many at once (one per core): a burst of sign-ins queues instead of
/// taking every core from the pages.
fn permits() -> &'static tokio::sync::Semaphore {
    static P: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    P.get_or_init(|| {
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(n)
    })
}

/// A hash of a random password, made once: what an unknown or password-less account is checked
/// against, so that it costs the same argon2 work as a wrong password.
fn decoy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| {
        let mut pw = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut pw);
        Argon2::default()
            .hash_password(&pw, &SaltString::generate(&mut OsRng))
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

static RUNS: AtomicU64 = AtomicU64::new(0);

/// Argon2 computations run by this process so far (the tests compare cases by it).
pub fn argon2_runs() -> u64 {
    RUNS.load(Ordering::Relaxed)
}

async fn run_argon2<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    let _permit = permits()
        .acquire()
        .await
        .map_err(|e| StoreError::Other(format!("argon2 permits: {e}")))?;
    tokio::task::spawn_blocking(move || {
        RUNS.fetch_add(1, Ordering::Relaxed);
        f()
    })
    .await
    .map_err(|e| StoreError::Other(format!("join: {e}")))
}

#[async_trait]
impl Secrets for Argon2Secrets {
    async fn hash_password(&self, password: String) -> Result<String, StoreError> {
        run_argon2(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| StoreError::Other(format!("hash: {e}")))
        })
        .await?
    }

    /// False for a hash that is not one (an imported account without a password), after the
    /// same work as a real check.
    async fn verify_password(&self, password: String, hash: String) -> bool {
        run_argon2(move || {
            let real = PasswordHash::new(&hash).ok();
            let Ok(checked) = real
                .clone()
                .map_or_else(|| PasswordHash::new(decoy_hash()), Ok)
            else {
                return false;
            };
            let matches = Argon2::default()
                .verify_password(password.as_bytes(), &checked)
                .is_ok();
            matches && real.is_some()
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
