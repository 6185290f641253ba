//! Configuration from the environment. Defaults run the embedded mode; production mode refuses
//! to start without what it must not guess.
use std::fmt;

#[derive(Clone)]
pub struct Config {
    pub production: bool,
    pub database_url: String,
    pub public_url: String,
    pub json_logs: bool,
    pub seeds_dir: String,
    pub index_dir: String,
    /// Where attachment files are kept (`JIEBANG_FILES_DIR`); shared by every app server.
    pub files_dir: String,
    /// Largest attachment, in bytes (`JIEBANG_MAX_UPLOAD_MB`, 20 by default).
    pub max_upload_bytes: u64,
    /// The prefix of the calls' OCDS ids (`JIEBANG_OCID_PREFIX`, `ocds-jiebang` by default; a
    /// registered prefix is `ocds-` and six characters).
    pub ocid_prefix: String,
    /// `JIEBANG_ENV` was set (development mode by default only listens on loopback).
    pub env_explicit: bool,
    /// `JIEBANG_TRUSTED_PROXIES`: addresses or networks (comma-separated) of the reverse
    /// proxies whose forwarding headers name the client.
    pub trusted_proxies: Vec<app::services::IpRange>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("production", &self.production)
            .field("database_url", &redact(&self.database_url))
            .field("public_url", &self.public_url)
            .field("json_logs", &self.json_logs)
            .field("seeds_dir", &self.seeds_dir)
            .field("index_dir", &self.index_dir)
            .field("files_dir", &self.files_dir)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("ocid_prefix", &self.ocid_prefix)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}

/// Hides the password in a URL such as postgres://user:secret@host/db.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s + 3 => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("JIEBANG_ENV must be 'development' or 'production', not {0:?}")]
    BadEnv(String),
    #[error("JIEBANG_OCID_PREFIX must be letters, digits and hyphens (at most 40), not {0:?}")]
    BadOcidPrefix(String),
    #[error("production mode requires {0} to be set")]
    Missing(&'static str),
    #[error("production mode requires JIEBANG_PUBLIC_URL to start with https://")]
    InsecurePublicUrl,
    #[error("JIEBANG_MAX_UPLOAD_MB must be a whole number of megabytes from 1 to 200, not {0:?}")]
    BadUploadLimit(String),
    #[error(
        "development mode (the default, with demo accounts whose passwords are public) listens only on a loopback address, not {0}; set JIEBANG_ENV=production, or JIEBANG_ENV=development to show the demo on this address on purpose"
    )]
    DevelopmentNotLoopback(std::net::SocketAddr),
    #[error("JIEBANG_TRUSTED_PROXIES must list addresses or networks (10.0.0.5, 10.0.0.0/8, fd00::/8) separated by commas, not {0:?}")]
    BadTrustedProxies(String),
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Whether the server may listen on `addr`: the default development mode, whose demo
    /// official's password is printed in the repository, only on loopback.
    pub fn check_listen(&self, addr: std::net::SocketAddr) -> Result<(), ConfigError> {
        if !self.production && !self.env_explicit && !addr.ip().is_loopback() {
            return Err(ConfigError::DevelopmentNotLoopback(addr));
        }
        Ok(())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let env_explicit = get("JIEBANG_ENV").is_some();
        let env = get("JIEBANG_ENV").unwrap_or_else(|| "development".into());
        let production = match env.as_str() {
            "development" | "dev" => false,
            "production" | "prod" => true,
            other => return Err(ConfigError::BadEnv(other.into())),
        };
        let database_url = match get("DATABASE_URL") {
            Some(u) => u,
            None if production => return Err(ConfigError::Missing("DATABASE_URL")),
            None => "sqlite://data/jiebang.db".into(),
        };
        let public_url = match get("JIEBANG_PUBLIC_URL") {
            Some(u) => {
                if production && !u.starts_with("https://") {
                    return Err(ConfigError::InsecurePublicUrl);
                }
                u
            }
            None if production => return Err(ConfigError::Missing("JIEBANG_PUBLIC_URL")),
            None => "http://127.0.0.1:3000".into(),
        };
        // Several app servers share one database but each embedded index is its own, so
        // production searches through the one shared Meilisearch.
        if production && get("MEILISEARCH_URL").is_none() {
            return Err(ConfigError::Missing("MEILISEARCH_URL"));
        }
        if production && get("MEILISEARCH_KEY").is_none() {
            return Err(ConfigError::Missing("MEILISEARCH_KEY"));
        }
        let max_upload_bytes = match get("JIEBANG_MAX_UPLOAD_MB") {
            None => app::domain::attachment::DEFAULT_MAX_BYTES,
            Some(v) => match v.trim().parse::<u64>() {
                Ok(mb @ 1..=200) => mb * 1024 * 1024,
                _ => return Err(ConfigError::BadUploadLimit(v)),
            },
        };
        let ocid_prefix = get("JIEBANG_OCID_PREFIX").unwrap_or_else(|| "ocds-jiebang".into());
        let prefix_ok = !ocid_prefix.is_empty()
            && ocid_prefix.len() <= 40
            && ocid_prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !prefix_ok {
            return Err(ConfigError::BadOcidPrefix(ocid_prefix));
        }
        let trusted_proxies = match get("JIEBANG_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(v) => v
                .split(',')
                .map(app::services::IpRange::parse)
                .collect::<Option<Vec<_>>>()
                .ok_or(ConfigError::BadTrustedProxies(v.clone()))?,
        };
        Ok(Config {
            trusted_proxies,
            env_explicit,
            ocid_prefix,
            production,
            max_upload_bytes,
            files_dir: get("JIEBANG_FILES_DIR").unwrap_or_else(|| "data/files".into()),
            database_url,
            public_url,
            json_logs: get("LOG_FORMAT").as_deref() == Some("json"),
            seeds_dir: get("JIEBANG_SEEDS_DIR").unwrap_or_else(|| "seeds".into()),
            index_dir: get("JIEBANG_INDEX_DIR").unwrap_or_else(|| "data/index".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_default_development_mode_listens_only_on_loopback() {
        let local: std::net::SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let local6: std::net::SocketAddr = "[::1]:3000".parse().unwrap();
        let open: std::net::SocketAddr = "0.0.0.0:3000".parse().unwrap();
        let dev = cfg(&[]).unwrap();
        assert!(dev.check_listen(local).is_ok() && dev.check_listen(local6).is_ok());
        assert!(matches!(
            dev.check_listen(open),
            Err(ConfigError::DevelopmentNotLoopback(_))
        ));
        // Said on purpose, either mode may listen anywhere.
        assert!(cfg(&[("JIEBANG_ENV", "development")])
            .unwrap()
            .check_listen(open)
            .is_ok());
    }

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn the_upload_limit_is_configurable_within_bounds() {
        assert_eq!(cfg(&[]).unwrap().max_upload_bytes, 20 * 1024 * 1024);
        assert_eq!(
            cfg(&[("JIEBANG_MAX_UPLOAD_MB", "5")])
                .unwrap()
                .max_upload_bytes,
            5 * 1024 * 1024
        );
        for bad in ["0", "-1", "abc", "1000"] {
            assert_eq!(
                cfg(&[("JIEBANG_MAX_UPLOAD_MB", bad)]).unwrap_err(),
                ConfigError::BadUploadLimit(bad.into())
            );
        }
    }

    #[test]
    fn development_runs_with_nothing_set() {
        let c = cfg(&[]).unwrap();
        assert!(!c.production);
        assert!(c.database_url.starts_with("sqlite://data/"));
    }

    #[test]
    fn production_refuses_to_start_without_its_settings() {
        assert_eq!(
            cfg(&[("JIEBANG_ENV", "production")]).unwrap_err(),
            ConfigError::Missing("DATABASE_URL")
        );
        assert_eq!(
            cfg(&[
                ("JIEBANG_ENV", "production"),
                ("DATABASE_URL", "postgres://u:p@h/d")
            ])
            .unwrap_err(),
            ConfigError::Missing("JIEBANG_PUBLIC_URL")
        );
        assert_eq!(
            cfg(&[
                ("JIEBANG_ENV", "production"),
                ("DATABASE_URL", "postgres://u:p@h/d"),
                ("JIEBANG_PUBLIC_URL", "http://x")
            ])
            .unwrap_err(),
            ConfigError::InsecurePublicUrl
        );
        assert_eq!(
            cfg(&[
                ("JIEBANG_ENV", "production"),
                ("DATABASE_URL", "postgres://u:p@h/d"),
                ("JIEBANG_PUBLIC_URL", "https://jiebang.example"),
            ])
            .unwrap_err(),
            ConfigError::Missing("MEILISEARCH_URL")
        );
        assert_eq!(
            cfg(&[
                ("JIEBANG_ENV", "production"),
                ("DATABASE_URL", "postgres://u:p@h/d"),
                ("JIEBANG_PUBLIC_URL", "https://jiebang.example"),
                ("MEILISEARCH_URL", "http://127.0.0.1:7700")
            ])
            .unwrap_err(),
            ConfigError::Missing("MEILISEARCH_KEY")
        );
        assert!(cfg(&[
            ("JIEBANG_ENV", "production"),
            ("DATABASE_URL", "postgres://u:p@h/d"),
            ("JIEBANG_PUBLIC_URL", "https://jiebang.example"),
            ("MEILISEARCH_URL", "http://127.0.0.1:7700"),
            ("MEILISEARCH_KEY", "k")
        ])
        .is_ok());
        assert!(matches!(
            cfg(&[("JIEBANG_ENV", "staging")]),
            Err(ConfigError::BadEnv(_))
        ));
    }

    #[test]
    fn debug_output_hides_the_database_password() {
        let c = cfg(&[("DATABASE_URL", "postgres://jb:s3cret@db/jiebang")]).unwrap();
        let s = format!("{c:?}");
        assert!(!s.contains("s3cret"), "{s}");
        assert!(s.contains("jb:***@db"), "{s}");
    }
}
