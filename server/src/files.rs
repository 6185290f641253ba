//! The file store on disk: each file under `<root>/<first two hex digits>/<sha256>`, written to
//! a temporary name, synced, then renamed, so a crash leaves either the whole file or none.
//! Several app servers share files by pointing `JIEBANG_FILES_DIR` at one shared directory.
use app::ports::{sha256_hex, FileStore, StoreError, StoreResult};
use async_trait::async_trait;
use std::path::{Path, PathBuf};

pub struct DiskFiles {
    root: PathBuf,
}

impl DiskFiles {
    pub fn new(root: impl Into<PathBuf>) -> std::io::Result<DiskFiles> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(DiskFiles { root })
    }

    /// Where the file with this hash lives (`None` for anything but 64 hex digits, so a
    /// hostile "hash" cannot name a path of its own).
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        if sha256.len() != 64
            || !sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return None;
        }
        Some(self.root.join(&sha256[..2]).join(sha256))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Other(format!("file store: {e}"))
}

#[async_trait]
impl FileStore for DiskFiles {
    async fn put(&self, bytes: &[u8]) -> StoreResult<String> {
        let sha = sha256_hex(bytes);
        let path = self.path_of(&sha).ok_or(StoreError::Other("hash".into()))?;
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            use std::io::Write;
            if path.exists() {
                return Ok(());
            }
            let dir = path.parent().expect("a parent");
            std::fs::create_dir_all(dir)?;
            let tmp = dir.join(format!(".{}.tmp", uuid::Uuid::new_v4().simple()));
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&tmp, &path)?;
            // The rename itself is durable once the directory is synced.
            std::fs::File::open(dir)?.sync_all()?;
            Ok(())
        })
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?
        .map_err(io)?;
        Ok(sha)
    }

    async fn get(&self, sha256: &str) -> StoreResult<Option<Vec<u8>>> {
        let Some(path) = self.path_of(sha256) else {
            return Ok(None);
        };
        match tokio::fs::read(&path).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_are_kept_once_by_hash_and_read_back() {
        let dir = std::env::temp_dir().join(format!("jb-files-{}", uuid::Uuid::new_v4()));
        let files = DiskFiles::new(&dir).unwrap();
        let a = files.put(b"hello").await.unwrap();
        assert_eq!(a, sha256_hex(b"hello"));
        assert_eq!(files.put(b"hello").await.unwrap(), a);
        assert_eq!(files.get(&a).await.unwrap().as_deref(), Some(&b"hello"[..]));
        assert_eq!(files.get(&"0".repeat(64)).await.unwrap(), None);
        assert_eq!(files.get("../../etc/passwd").await.unwrap(), None);
        assert!(files.path_of(&a.to_uppercase()).is_none());
        let names: Vec<_> = std::fs::read_dir(dir.join(&a[..2]))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
