//! One indexing run: take the lock, repair what a killed run left, walk the corpus, then
//! update the index in place or build it in full.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::corpus::InputError;
use crate::corpus::walk::FileStat;
use crate::index::meta::{IndexOptions, IndexSummary};
use crate::index::progress::Progress;
use crate::schema::Config;

/// Builds, updates or rebuilds the index from the corpus, reporting each article of a full
/// build to `progress` (the indexer's bar). The previous index stays readable until the new
/// one is committed.
///
/// The corpus is streamed (see [`crate::index::ingest`]): each article is read, cut, tagged
/// and added in turn, so memory is bounded by the writer heap, not the corpus. A bad file
/// found late still fails the run before the commit, and the previous index stays as it was.
pub fn build(
    config: &Config,
    opts: &IndexOptions,
    progress: &dyn Progress,
) -> Result<IndexSummary> {
    let started = Instant::now();
    let wall_start = std::time::SystemTime::now();
    let _lock = crate::index::lock::IndexLock::acquire(&opts.dir)?;
    let recovered = crate::index::recover::before_writing(&opts.dir)?;
    // Which paths to read: those given, or those the index remembers (see index::folders).
    let folders = crate::index::folders::resolve(&opts.dir, &opts.corpus, opts.mode)?;
    let opts = &IndexOptions {
        corpus: folders.walk.clone(),
        remember: folders.remember.clone(),
        ..opts.clone()
    };
    let (schema, fields) = config.spec.build();
    // The previous index, its manifest and stat cache are read while the corpus is walked
    // (at 1M passages each takes a good part of an update).
    let (found, base) = std::thread::scope(|s| {
        let base = s.spawn(|| crate::index::update::Base::open(config, opts, &schema));
        let found = discover_with_stats(opts);
        let base = base.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (found, base)
    });
    let (files, stats, bad) = found?;
    let corpus = crate::index::ingest::Walked {
        files: &files,
        stats: &stats,
        bad,
    };
    let mut summary = match base {
        // Updates write only what changed, quickly: no bar for them.
        Ok(base) => {
            crate::index::update::update(config, opts, base, corpus, &fields, started, wall_start)?
        }
        Err(reason) => {
            let run = crate::index::full::FullRun {
                schema,
                fields,
                reason,
                started,
                wall_start,
            };
            crate::index::full::build(config, opts, run, corpus, progress)?
        }
    };
    summary.warnings.splice(0..0, recovered);
    for path in &folders.unremembered {
        summary.warnings.push(format!(
            "{} is indexed but cannot be remembered (its name is not UTF-8): give it again on \
             the next run",
            path.display()
        ));
    }
    summary.corpus = folders;
    Ok(summary)
}

/// The article files of the corpus with each file's stat, taken by a parallel walk (see
/// [`crate::corpus::walk`]), unless the run is sure to be a full build (`--full`, or no index
/// yet): then each file is stat'ed when it is read, and the walk only lists folders.
#[allow(clippy::type_complexity)]
fn discover_with_stats(
    opts: &IndexOptions,
) -> Result<(Vec<PathBuf>, Vec<Option<FileStat>>, Vec<InputError>)> {
    let stats = !opts.full && opts.dir.join("meta.json").is_file();
    // The walk is mostly waiting on the kernel: one thread per core.
    let found = crate::corpus::walk::discover(&opts.corpus, opts.threads.max(1), stats);
    let bad = refuse_bad_discovery(&opts.corpus, &found.files, found.errors, opts.keep_going)?;
    Ok((found.files, found.stats, bad))
}

/// The discovery errors to report, or the error that ends the run: the first one (without
/// `keep_going`), or finding no article file at all.
fn refuse_bad_discovery(
    paths: &[PathBuf],
    files: &[PathBuf],
    bad: Vec<InputError>,
    keep_going: bool,
) -> Result<Vec<InputError>> {
    if let Some(first) = bad.first()
        && !keep_going
    {
        return Err(first.clone().into());
    }
    if files.is_empty() && bad.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "no article files (*.md, *.jsonl) found in {}; see corpus/README.md for the formats",
            shown.join(", ")
        );
    }
    Ok(bad)
}
