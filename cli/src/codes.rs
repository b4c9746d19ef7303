//! The office's procedure codes kept on disk, so that a support person's second read of a
//! 271 costs no paging through the code table under the throttle: one file per office (named
//! by its key's hash, never the key) in the platform's cache directory, used while younger
//! than its age limit, read again with `--refresh`.

use std::path::PathBuf;
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
/// directory (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS,
/// `%LOCALAPPDATA%` on Windows), under `benefits`. `None` when there is none.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("BENEFITS_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let base = if cfg!(windows) {
        var("LOCALAPPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| PathBuf::from(h).join("Library/Caches"))
    } else {
        var("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache")))
    };
    base.map(|b| b.join("benefits"))
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
        if let Some(kept) = kept.filter(|k| now.saturating_sub(k.saved) < MAX_AGE.as_secs()) {
            return Ok(kept.codes);
        }
    }
    let codes = client.procedure_codes().await?.to_vec();
    if let Some(file) = file {
        let kept = Kept {
            saved: now,
            codes: codes.clone(),
        };
        let written = file
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&file, serde_json::to_vec(&kept).unwrap_or_default()));
        if let Err(e) = written {
            eprintln!(
                "benefits: the procedure codes were not kept in {}: {e}",
                file.display()
            );
        }
    }
    Ok(codes)
}
