//! Opening tantivy's writer: its heap, its threads and settings, and the error when another
//! run holds it.

use std::path::Path;

use anyhow::anyhow;

use crate::index::meta::IndexOptions;

/// Talash's own bookkeeping per corpus file while indexing (the sorted file list, the ids
/// seen, the manifest): an unchanged update at 1M passages, which holds just those, peaks at
/// ~80 MB RSS for 180k files, ~60 MB of it bookkeeping.
const BOOKKEEPING_PER_FILE: usize = 320;

/// tantivy's writer heap: three quarters of the `--memory` budget less Talash's bookkeeping
/// for `files` files, so that the whole run, not only tantivy's arenas, stays near the
/// budget; never under the 16 MB per thread tantivy needs. The quarter held back is for the
/// documents in flight between the threads, the analyzers' stem memos and what the allocator
/// holds beyond the live bytes: with the whole budget given to tantivy, a 1M-passage build
/// under a 256 MB budget peaked at 352 MB (glibc's allocator), at the limit of budget + 100 MB.
pub(crate) fn writer_heap(opts: &IndexOptions, files: usize, threads: usize) -> usize {
    let floor = 16 * 1024 * 1024 * threads.max(1);
    let heap = (opts.memory_bytes / 4 * 3)
        .saturating_sub(files.saturating_mul(BOOKKEEPING_PER_FILE))
        .max(floor);
    heap.min(opts.memory_bytes)
}

/// Threads that read and prepare articles: one for every three indexing threads, at least
/// one. Preparing is about a quarter of indexing's CPU, and the threads share the cores with
/// tantivy's: at 100k passages on 2 cores, one worker indexed in 2.07 s against 2.31 s with
/// two (medians of 5 alternating runs; 3.8 against 4.4 s of CPU).
pub(crate) fn workers(opts: &IndexOptions) -> usize {
    opts.threads.div_ceil(3).max(1)
}

/// tantivy's settings for a new index (kept in its `meta.json`, so its updates use them too).
///
/// Stored documents are compressed on the indexing thread that wrote them, not on a thread of
/// their own: handing over each 16 KB block woke that thread, which took a core from the
/// indexing threads and gave it back, two context switches a block (at 100k passages, 3,900
/// of the build's 11,000 switches). On 2 cores: 3.8% less wall time and 4.1% less CPU at 100k
/// (16 alternating builds), 1.9% less wall time at 10k (20 builds; paired medians). On more
/// cores each indexing thread still compresses its own blocks, in parallel. Indexes built
/// before keep tantivy's default in their `meta.json`, also through a `--full` rebuild in
/// place.
pub(crate) fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compress_dedicated_thread: false,
        ..Default::default()
    }
}

pub(crate) fn lock_error(e: tantivy::TantivyError, dir: &Path) -> anyhow::Error {
    match e {
        tantivy::TantivyError::LockFailure(..) => anyhow!(
            "the index at {} is locked by another talash-index run; wait for it to finish",
            dir.display()
        ),
        other => anyhow::Error::new(other)
            .context(format!("cannot write the index at {}", dir.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus;
    use std::path::PathBuf;

    #[test]
    fn the_writer_heap_leaves_room_for_bookkeeping_within_the_budget() {
        let mb = 1024 * 1024;
        let opts = |memory| IndexOptions {
            corpus: vec![],
            dir: PathBuf::from("i"),
            keep_going: false,
            memory_bytes: memory * mb,
            threads: 2,
            max_file_bytes: corpus::MAX_FILE_BYTES,
            full: false,
            mode: Default::default(),
            remember: Vec::new(),
            defaults: Default::default(),
        };
        assert_eq!(writer_heap(&opts(256), 0, 2), 192 * mb);
        let at_1m = writer_heap(&opts(256), 180_256, 2);
        assert!(at_1m < 192 * mb - 50 * mb && at_1m > 100 * mb, "{at_1m}");
        assert_eq!(
            writer_heap(&opts(64), 1_000_000, 2),
            32 * mb,
            "tantivy's floor"
        );
        assert_eq!(
            writer_heap(&opts(16), 0, 2),
            16 * mb,
            "never above the budget"
        );
    }
}
