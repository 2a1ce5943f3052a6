//! Committing an indexing run: documents, metadata, manifest and stat cache in one tantivy
//! commit.

use std::path::Path;

use anyhow::Result;
use tantivy::IndexWriter;

use crate::index::cachewriter::CacheWriter;
use crate::index::manifest::Manifest;
use crate::index::meta::IndexMeta;
use crate::index::sidefile::{MANIFEST, STAT_CACHE};

/// Commits the writer's changes with Talash's metadata, the article manifest and the stat
/// cache, which are written into `dir` first, so the one tantivy commit switches all three.
/// Returns the manifest's and the cache's file names.
pub(crate) fn commit(
    writer: &mut IndexWriter,
    mut meta: IndexMeta,
    manifest: &Manifest,
    cache: CacheWriter,
    dir: &Path,
) -> Result<SideFiles> {
    let mut prepared = writer.prepare_commit()?;
    let opstamp = prepared.opstamp();
    // Both written (and synced) at once.
    let (manifest, files) = std::thread::scope(|s| {
        let name = s.spawn(|| manifest.write(dir, opstamp));
        // Named after the same opstamp, so the manifest's name in the payload names it too.
        let files = cache.finish(opstamp);
        let name = name.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (name, files)
    });
    let ((name, base), (files, files_base)) = (manifest?, files?);
    meta.manifest = Some(name.clone());
    prepared.set_payload(&serde_json::to_string(&meta)?);
    prepared.commit()?;
    Ok(SideFiles {
        manifests: [Some(name), base].into_iter().flatten().collect(),
        caches: [Some(files), files_base].into_iter().flatten().collect(),
    })
}

/// The side files of a commit: its manifest and stat cache, each with the whole file it
/// changes when written as a delta. All of them are kept; older ones are stale.
pub(crate) struct SideFiles {
    manifests: Vec<String>,
    caches: Vec<String>,
}

/// Removes side files of older commits (see [`crate::index::sidefile`]).
pub(crate) fn remove_stale(dir: &Path, keep: &SideFiles) {
    MANIFEST.remove_stale(dir, &keep.manifests);
    STAT_CACHE.remove_stale(dir, &keep.caches);
}
