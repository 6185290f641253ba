//! Rate limits: budgets of attempts per account, address or person in a sliding window, kept
//! in the database (so every app server spends from the same budget), and who the client is
//! behind the configured reverse proxies.
//!
//! The sign-in policy (README, "Security and operations"): failures count three ways, and a
//! sign-in is refused while any of them is spent:
//! - per account and address: 10 failures in 15 minutes. This is what stops a guesser, and it
//!   does not touch the owner signing in from another address;
//! - per address: 30 failures in 15 minutes, whatever the accounts (password spraying);
//! - per account: 100 failures in 15 minutes from all addresses together (a guesser with many
//!   addresses). Only this one can lock an owner out, and only an attacker holding more than
//!   ten addresses can spend it.
//!
//! A successful sign-in takes its own attempt back and forgets the pair's failures.
use super::internal;
use crate::error::AppError;
use crate::ports::{AppState, RateHit};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use uuid::Uuid;

/// A number of attempts allowed in a window, under a scope of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub scope: &'static str,
    pub max: i64,
    pub window_secs: i64,
}

impl Budget {
    fn window(&self) -> Duration {
        Duration::seconds(self.window_secs)
    }
}

const QUARTER_HOUR: i64 = 15 * 60;

/// Failed sign-ins per account and address.
pub const SIGN_IN_PAIR: Budget = Budget {
    scope: "sign-in:pair",
    max: 10,
    window_secs: QUARTER_HOUR,
};
/// Failed sign-ins per address, whatever the account.
pub const SIGN_IN_ADDRESS: Budget = Budget {
    scope: "sign-in:address",
    max: 30,
    window_secs: QUARTER_HOUR,
};
/// Failed sign-ins per account, from every address together.
pub const SIGN_IN_ACCOUNT: Budget = Budget {
    scope: "sign-in:account",
    max: 100,
    window_secs: QUARTER_HOUR,
};
/// Registrations per address (each hashes a password and writes an organization).
pub const REGISTER_ADDRESS: Budget = Budget {
    scope: "register:address",
    max: 10,
    window_secs: QUARTER_HOUR,
};
/// Reset links asked for per address, and per account (each writes an e-mail).
pub const RESET_REQUEST_ADDRESS: Budget = Budget {
    scope: "reset-request:address",
    max: 10,
    window_secs: QUARTER_HOUR,
};
pub const RESET_REQUEST_ACCOUNT: Budget = Budget {
    scope: "reset-request:account",
    max: 5,
    window_secs: QUARTER_HOUR,
};
/// New passwords set through a link: per address (bad links count too) and per account.
pub const RESET_ADDRESS: Budget = Budget {
    scope: "reset:address",
    max: 10,
    window_secs: QUARTER_HOUR,
};
pub const RESET_ACCOUNT: Budget = Budget {
    scope: "reset:account",
    max: 10,
    window_secs: QUARTER_HOUR,
};
/// Password changes per account (each checks the current password) and per address.
pub const PASSWORD_CHANGE_ACCOUNT: Budget = Budget {
    scope: "password-change:account",
    max: 10,
    window_secs: QUARTER_HOUR,
};
pub const PASSWORD_CHANGE_ADDRESS: Budget = Budget {
    scope: "password-change:address",
    max: 30,
    window_secs: QUARTER_HOUR,
};
/// Failed forms whose values an anonymous address may have kept for it (see `forms`).
pub const FORM_ECHO_ADDRESS: Budget = Budget {
    scope: "form-echo:address",
    max: 10,
    window_secs: QUARTER_HOUR,
};
/// Uploads per person an hour: more than a bid's ten files and their retries.
pub const UPLOAD_PERSON: Budget = Budget {
    scope: "upload:person",
    max: 30,
    window_secs: 60 * 60,
};

/// One attempt to count against `budget`, for `subject` (an account, an address, a pair).
#[derive(Debug, Clone)]
pub struct Charge {
    budget: Budget,
    key: String,
}

impl Charge {
    /// Keys are the SHA-256 of the scope and the subject: bounded whatever the client sends,
    /// and no e-mail or address is written to the table.
    pub fn new(budget: Budget, subject: &str) -> Self {
        let mut h = Sha256::new();
        h.update(budget.scope.as_bytes());
        h.update([0]);
        h.update(subject.as_bytes());
        Self {
            budget,
            key: hex::encode(h.finalize()),
        }
    }
}

/// Attempts recorded by [`spend`], which a success can take back.
#[derive(Debug, Default)]
pub struct Spent(Vec<Uuid>);

/// Whether any charge's budget is used up at `now`. Writes nothing.
pub async fn over_budget(
    state: &AppState,
    charges: &[Charge],
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(charges
        .iter()
        .zip(counts(state, charges, now).await?)
        .any(|(c, n)| n >= c.budget.max))
}

/// Each charge's attempts inside its window at `now`.
async fn counts(
    state: &AppState,
    charges: &[Charge],
    now: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    let asked: Vec<(String, DateTime<Utc>)> = charges
        .iter()
        .map(|c| (c.key.clone(), now - c.budget.window()))
        .collect();
    state.store.count_rate_hits(&asked).await.map_err(internal)
}

/// Counts one attempt against every charge, or refuses (`None`) when any budget is used up.
/// A refused attempt leaves nothing behind. Servers racing each other may both see room and
/// then both overshoot; each then takes its attempt back and refuses, so a budget is never
/// exceeded, only, in a race, under-used.
pub async fn spend(
    state: &AppState,
    charges: &[Charge],
    now: DateTime<Utc>,
) -> Result<Option<Spent>, AppError> {
    if over_budget(state, charges, now).await? {
        return Ok(None);
    }
    let hits: Vec<RateHit> = charges
        .iter()
        .map(|c| RateHit {
            id: Uuid::new_v4(),
            key: c.key.clone(),
            at: now,
            expires_at: now + c.budget.window(),
        })
        .collect();
    state.store.add_rate_hits(&hits).await.map_err(internal)?;
    let spent = Spent(hits.iter().map(|h| h.id).collect());
    if charges
        .iter()
        .zip(counts(state, charges, now).await?)
        .any(|(c, n)| n > c.budget.max)
    {
        refund(state, spent).await?;
        return Ok(None);
    }
    Ok(Some(spent))
}

/// Takes back attempts that turned out to be legitimate.
pub async fn refund(state: &AppState, spent: Spent) -> Result<(), AppError> {
    if spent.0.is_empty() {
        return Ok(());
    }
    state
        .store
        .remove_rate_hits(&spent.0)
        .await
        .map_err(internal)
}

/// Forgets every attempt counted against `charge` (a pair's failures after it signs in).
pub async fn forgive(state: &AppState, charge: &Charge) -> Result<(), AppError> {
    state
        .store
        .clear_rate_key(&charge.key)
        .await
        .map_err(internal)
}

/// Drops attempts whose window has passed (the server's ticker).
pub async fn purge_rate_hits(state: &AppState) -> Result<u64, AppError> {
    state
        .store
        .purge_rate_hits(state.clock.now())
        .await
        .map_err(internal)
}

/// A network: an address and a prefix length (`10.0.0.0/8`, `2001:db8::/32`, or one address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    net: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// Parses `addr` or `addr/prefix`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (s, None),
        };
        let net: IpAddr = addr.parse().ok()?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Self { net, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:1.2.3.4`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The client as the limits count it: an IPv4 address, or the /64 network of an IPv6 one (a
/// single subscriber usually holds a whole /64, so counting single IPv6 addresses would give
/// one client 2^64 budgets).
pub fn client_key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let net = u128::from(v6) & (u128::MAX << 64);
            format!("{}/64", std::net::Ipv6Addr::from(net))
        }
    }
}

/// Who sent a request that reached us from `peer` with these forwarding headers. Headers are
/// believed only when `peer` is one of our `trusted` proxies; then the client is the nearest
/// address in the chain that is not a trusted proxy (what a proxy appends cannot be forged by
/// the client, what it passes on can). RFC 7239 `Forwarded` is read when present, else
/// `X-Forwarded-For`.
pub fn client_ip<'a>(
    peer: IpAddr,
    forwarded: impl Iterator<Item = &'a str>,
    x_forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &[IpRange],
) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|r| r.contains(ip));
    if !is_trusted(peer) {
        return canonical(peer);
    }
    let mut chain: Vec<Option<IpAddr>> = forwarded
        .flat_map(|v| v.split(','))
        .filter_map(|elem| {
            elem.split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                .map(|(_, v)| forwarded_node(v))
        })
        .collect();
    if chain.is_empty() {
        chain = x_forwarded_for
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().parse::<IpAddr>().ok())
            .collect();
    }
    let mut client = canonical(peer);
    for hop in chain.into_iter().rev() {
        // An unreadable or hidden hop ends what we can know: the last proxy that told us.
        let Some(ip) = hop else { break };
        client = canonical(ip);
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

/// A `Forwarded` node: `1.2.3.4`, `"1.2.3.4:80"`, `"[2001:db8::1]:80"`; `unknown` and
/// obfuscated names give `None`.
fn forwarded_node(v: &str) -> Option<IpAddr> {
    let v = v.trim().trim_matches('"');
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    v.parse()
        .ok()
        .or_else(|| v.rsplit_once(':').and_then(|(a, _)| a.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_parse_and_match() {
        let r = IpRange::parse("10.0.0.0/8").unwrap();
        assert!(r.contains(ip("10.1.2.3")));
        assert!(r.contains(ip("::ffff:10.9.9.9")));
        assert!(!r.contains(ip("11.0.0.1")));
        assert!(IpRange::parse("127.0.0.1")
            .unwrap()
            .contains(ip("127.0.0.1")));
        assert!(!IpRange::parse("127.0.0.1")
            .unwrap()
            .contains(ip("127.0.0.2")));
        assert!(IpRange::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        let v6 = IpRange::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        for bad in ["", "10.0.0.0/33", "::/129", "10.0.0/8", "x", "10.0.0.0/-1"] {
            assert_eq!(IpRange::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ipv6_clients_are_grouped_by_64_and_mapped_ipv4_is_ipv4() {
        assert_eq!(
            client_key(ip("2001:db8:1:2:aaaa::1")),
            client_key(ip("2001:db8:1:2:ffff:1:2:3"))
        );
        assert_ne!(
            client_key(ip("2001:db8:1:2::1")),
            client_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(client_key(ip("::ffff:1.2.3.4")), "1.2.3.4");
        assert_eq!(client_key(ip("1.2.3.4")), "1.2.3.4");
    }

    #[test]
    fn forwarding_headers_are_believed_only_from_trusted_proxies() {
        let trusted = [IpRange::parse("10.0.0.0/8").unwrap()];
        let none = std::iter::empty::<&str>;
        // From a stranger the headers are ignored: anyone can write them.
        assert_eq!(
            client_ip(ip("8.8.8.8"), none(), ["1.1.1.1"].into_iter(), &trusted),
            ip("8.8.8.8")
        );
        // Through our proxy: the address it saw, not what the client claimed before it.
        assert_eq!(
            client_ip(
                ip("10.0.0.5"),
                none(),
                ["6.6.6.6, 203.0.113.9"].into_iter(),
                &trusted
            ),
            ip("203.0.113.9")
        );
        // Two of our proxies in a row.
        assert_eq!(
            client_ip(
                ip("10.0.0.5"),
                none(),
                ["203.0.113.9", "10.0.0.7"].into_iter(),
                &trusted
            ),
            ip("203.0.113.9")
        );
        // RFC 7239, with ports, quotes and IPv6.
        assert_eq!(
            client_ip(
                ip("10.0.0.5"),
                [r#"for="[2001:db8::7]:4711";proto=https, for=10.0.0.9"#].into_iter(),
                ["9.9.9.9"].into_iter(),
                &trusted
            ),
            ip("2001:db8::7")
        );
        assert_eq!(
            client_ip(
                ip("10.0.0.5"),
                ["for=\"198.51.100.4:80\""].into_iter(),
                none(),
                &trusted
            ),
            ip("198.51.100.4")
        );
        // Garbage or a hidden hop: the last proxy that spoke is all we know.
        assert_eq!(
            client_ip(ip("10.0.0.5"), none(), ["nonsense"].into_iter(), &trusted),
            ip("10.0.0.5")
        );
        assert_eq!(
            client_ip(
                ip("10.0.0.5"),
                ["for=unknown"].into_iter(),
                none(),
                &trusted
            ),
            ip("10.0.0.5")
        );
        // No proxies configured: the socket's address, whatever the headers say.
        assert_eq!(
            client_ip(ip("10.0.0.5"), none(), ["1.1.1.1"].into_iter(), &[]),
            ip("10.0.0.5")
        );
    }
}
