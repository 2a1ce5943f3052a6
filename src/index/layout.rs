//! Where an index's files live: the folders Talash keeps beside an index, and its size.

use std::path::{Path, PathBuf};

/// `.NAME.talash-WHAT` beside the index folder `NAME` (`--index .` is resolved first, so the
/// sibling is never inside the index).
pub(crate) fn sibling(dir: &Path, what: &str) -> PathBuf {
    let resolved;
    let dir = if dir.file_name().is_none() {
        resolved = std::path::absolute(dir)
            .and_then(|d| d.canonicalize())
            .unwrap_or_else(|_| dir.to_path_buf());
        resolved.as_path()
    } else {
        dir
    };
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "index".into());
    dir.with_file_name(format!(".{name}.talash-{what}"))
}

pub(crate) fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
