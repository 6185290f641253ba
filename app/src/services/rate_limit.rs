//! Attempt counting for sign-in and registration.
use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Counts attempts per key in a sliding window. In memory: a second app server keeps its own
/// counts, which only makes an attacker's budget a small multiple, not unlimited.
pub struct RateLimiter {
    window: Duration,
    max: usize,
    hits: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl RateLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            window,
            max,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Whether any key has used up its budget (records nothing).
    pub fn blocked(&self, keys: &[String], now: DateTime<Utc>) -> bool {
        let Ok(mut hits) = self.hits.lock() else {
            return true;
        };
        keys.iter().any(|k| {
            let q = hits.entry(k.clone()).or_default();
            while q.front().is_some_and(|t| *t <= now - self.window) {
                q.pop_front();
            }
            q.len() >= self.max
        })
    }

    /// Records an attempt for every key; refuses (recording nothing) if any key is over budget.
    pub fn check(&self, keys: &[String], now: DateTime<Utc>) -> bool {
        let Ok(mut hits) = self.hits.lock() else {
            return false;
        };
        if hits.len() > 100_000 {
            let cutoff = now - self.window;
            hits.retain(|_, q| q.back().is_some_and(|t| *t > cutoff));
        }
        for k in keys {
            let q = hits.entry(k.clone()).or_default();
            while q.front().is_some_and(|t| *t <= now - self.window) {
                q.pop_front();
            }
            if q.len() >= self.max {
                return false;
            }
        }
        for k in keys {
            hits.entry(k.clone()).or_default().push_back(now);
        }
        true
    }

    /// Forgets an account's failures after a successful login.
    pub fn clear(&self, key: &str) {
        if let Ok(mut hits) = self.hits.lock() {
            hits.remove(key);
        }
    }
}
