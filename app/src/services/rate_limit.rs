//! Attempt counting for sign-in, registration and uploads.
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Most keys a limiter tracks. Past it, the keys that are not over budget are forgotten first,
/// so a flood of made-up e-mails costs bounded memory and never unblocks a guessed account.
pub const MAX_KEYS: usize = 100_000;

/// A key as it is kept: its SHA-256, whatever the length of what the client sent.
type Key = [u8; 32];

fn key_of(k: &str) -> Key {
    Sha256::digest(k.as_bytes()).into()
}

/// Counts attempts per key in a sliding window. In memory: a second app server keeps its own
/// counts, which only makes an attacker's budget a small multiple, not unlimited.
pub struct RateLimiter {
    window: Duration,
    max: usize,
    hits: Mutex<HashMap<Key, VecDeque<DateTime<Utc>>>>,
}

impl RateLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            window,
            max,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Attempts of `q` still inside the window at `now`.
    fn live(&self, q: &VecDeque<DateTime<Utc>>, now: DateTime<Utc>) -> usize {
        q.iter().filter(|t| **t > now - self.window).count()
    }

    /// Whether any key has used up its budget. Records nothing, not even the key.
    pub fn blocked(&self, keys: &[String], now: DateTime<Utc>) -> bool {
        let Ok(hits) = self.hits.lock() else {
            return true;
        };
        keys.iter().any(|k| {
            hits.get(&key_of(k))
                .is_some_and(|q| self.live(q, now) >= self.max)
        })
    }

    /// Records an attempt for every key; refuses (recording nothing) if any key is over budget.
    pub fn check(&self, keys: &[String], now: DateTime<Utc>) -> bool {
        let Ok(mut hits) = self.hits.lock() else {
            return false;
        };
        let keys: Vec<Key> = keys.iter().map(|k| key_of(k)).collect();
        if keys
            .iter()
            .any(|k| hits.get(k).is_some_and(|q| self.live(q, now) >= self.max))
        {
            return false;
        }
        if hits.len() >= MAX_KEYS {
            let cutoff = now - self.window;
            hits.retain(|_, q| q.back().is_some_and(|t| *t > cutoff));
            if hits.len() >= MAX_KEYS {
                // Keep the keys over budget: forgetting them would unblock a guesser.
                let max = self.max;
                hits.retain(|_, q| q.iter().filter(|t| **t > cutoff).count() >= max);
            }
        }
        for k in keys {
            let q = hits.entry(k).or_default();
            while q.front().is_some_and(|t| *t <= now - self.window) {
                q.pop_front();
            }
            q.push_back(now);
        }
        true
    }

    /// Forgets an account's failures after a successful login.
    pub fn clear(&self, key: &str) {
        if let Ok(mut hits) = self.hits.lock() {
            hits.remove(&key_of(key));
        }
    }

    /// How many keys are tracked (for the tests of its bounds).
    pub fn tracked(&self) -> usize {
        self.hits.lock().map(|h| h.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_store_nothing_and_the_table_stays_bounded_without_unblocking_anyone() {
        let l = RateLimiter::new(3, Duration::minutes(15));
        let t0 = Utc::now();
        // Asking stores nothing, however long the key.
        let huge = format!("acct:{}", "a".repeat(1 << 20));
        assert!(!l.blocked(std::slice::from_ref(&huge), t0));
        assert_eq!(l.tracked(), 0);
        // A guessed account is blocked, then a flood of made-up keys passes the bound.
        let victim = vec!["acct:victim@example.cn".to_string()];
        for _ in 0..3 {
            assert!(l.check(&victim, t0));
        }
        assert!(l.blocked(&victim, t0));
        for i in 0..(MAX_KEYS + 10) {
            l.check(&[format!("acct:{i}@flood")], t0);
        }
        assert!(l.tracked() <= MAX_KEYS, "{}", l.tracked());
        assert!(
            l.blocked(&victim, t0),
            "the flood did not unblock the guessed account"
        );
        // And it recovers when the window has passed.
        assert!(!l.blocked(&victim, t0 + Duration::minutes(16)));
    }
}
