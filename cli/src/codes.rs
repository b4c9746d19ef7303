//! The office's procedure codes kept on disk, so that a support person's second read of a
//! 271 costs no paging through the code table under the throttle: one file per office (named
//! by its key's hash, never the key) in the platform's cache directory, used while younger
//! than its age limit, read again with `--refresh`.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use benefits_sdk::opendental::{BenefitsClient, ProcedureCode};
use serde::{Deserialize, Serialize};

use crate::Failure;

/// How long a kept code table is used before it is read again.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Serialize, Deserialize)]
struct Kept {
    /// When it was read, in seconds since the Unix epoch.
    saved: u64,
    codes: Vec<ProcedureCode>,
}

/// The directory the CLI keeps its cache in: `BENEFITS_CACHE_DIR`, else the platform's cache
/// directory (`dirs::cache_dir`: `$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches`
/// on macOS, `%LOCALAPPDATA%` on Windows), under `benefits`. `None` when there is none.
pub fn cache_dir() -> Option<PathBuf> {
    match std::env::var_os("BENEFITS_CACHE_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => dirs::cache_dir().map(|d| d.join("benefits")),
    }
}

/// Whether a copy kept at `saved` is still used at `now` (seconds since the epoch): younger
/// than [`MAX_AGE`], and not from the future (a clock set back, or a file copied in).
fn fresh(saved: u64, now: u64) -> bool {
    saved <= now && now - saved < MAX_AGE.as_secs()
}

/// Writes `bytes` to `file` whole or not at all: into a file beside it, readable by its owner
/// only, then renamed over it (a reader never sees half a table, nor two writers a mix).
fn write_whole(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = file.with_extension(format!("json.{}.part", std::process::id()));
    // A part file left by an earlier run is removed, so the one written is new (and 0600).
    let _ = std::fs::remove_file(&partial);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&partial)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&partial, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// The office's procedure codes: the kept copy while younger than [`MAX_AGE`] (unless
/// `refresh`), else read from the office and kept. A cache that cannot be read or written is
/// passed over (said on stderr), never a failure.
pub async fn procedure_codes(
    client: &BenefitsClient,
    refresh: bool,
) -> Result<Vec<ProcedureCode>, Failure> {
    let file = cache_dir().map(|d| {
        d.join(format!(
            "procedure-codes-{}.json",
            client.office_id().as_str()
        ))
    });
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    if let (Some(file), false) = (&file, refresh) {
        let kept = std::fs::read(file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Kept>(&bytes).ok());
        if let Some(kept) = kept.filter(|k| fresh(k.saved, now)) {
            return Ok(kept.codes);
        }
    }
    let codes = client.procedure_codes().await?.to_vec();
    if let Some(file) = file {
        let kept = Kept {
            saved: now,
            codes: codes.clone(),
        };
        let bytes = serde_json::to_vec(&kept).unwrap_or_default();
        if let Err(e) = write_whole(&file, &bytes) {
            eprintln!(
                "benefits: the procedure codes were not kept in {}: {e}",
                file.display()
            );
        }
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_used_while_younger_than_a_day_and_never_from_the_future() {
        let day = MAX_AGE.as_secs();
        assert!(fresh(1_000, 1_000));
        assert!(fresh(1_000, 1_000 + day - 1));
        assert!(!fresh(1_000, 1_000 + day));
        assert!(!fresh(1_001, 1_000));
        assert!(!fresh(u64::MAX, 0));
    }

    #[test]
    fn a_kept_file_is_written_whole_and_readable_by_its_owner_only() {
        let dir = std::env::temp_dir().join(format!("benefits-codes-test-{}", std::process::id()));
        let file = dir.join("procedure-codes-x.json");
        write_whole(&file, b"[1]").unwrap();
        write_whole(&file, b"[2]").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"[2]");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no partial file is left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
