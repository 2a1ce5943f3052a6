//! The indexer, and opening an index with the configuration it was built with.
//!
//! Talash's own metadata (format version, the schema, gazetteer and rules used, outlet names)
//! travels in tantivy's commit payload, so it is written atomically with the documents it
//! describes: a reader never sees documents from one configuration and metadata from another.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use tantivy::indexer::UserOperation;
use tantivy::schema::{Facet, Schema};
use tantivy::{Index, IndexWriter, TantivyDocument, doc};

use crate::corpus::{self, Article, InputError};
use crate::fresh::FreshDirectory;
use crate::groups::GroupPath;
use crate::ingest::{Context as Ingest, Prepared, Sink};
use crate::manifest::{Entry, Manifest};
use crate::schema::{Config, ConfigSources, Fields, JsonlUnit};
use crate::statcache::{CacheWriter, FileStat};

/// Bumped whenever an index built by an older Talash cannot be read correctly by this one.
pub const FORMAT_VERSION: u32 = 3;

/// Talash's record in the commit payload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexMeta {
    pub talash_format: u32,
    pub talash_version: String,
    pub config: ConfigSources,
    pub max_words: usize,
    /// The passage unit of JSONL collections it was built with (absent in indexes built
    /// before the setting, which cut them into paragraphs).
    #[serde(default = "paragraph_unit")]
    pub jsonl: JsonlUnit,
    /// Outlet facet key → the outlet's name as written in the articles.
    pub outlets: BTreeMap<String, String>,
    pub articles: usize,
    pub passages: usize,
    /// The article manifest's file name in the index folder (see [`crate::manifest`]); absent
    /// in indexes built before incremental indexing, which are then rebuilt in full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
}

fn paragraph_unit() -> JsonlUnit {
    JsonlUnit::Paragraph
}

impl IndexMeta {
    /// The metadata of an index built with `config` that holds the articles of `manifest`.
    pub(crate) fn new(
        config: &Config,
        outlets: BTreeMap<String, String>,
        manifest: &Manifest,
    ) -> IndexMeta {
        Self::with_counts(config, outlets, manifest.articles(), manifest.passages())
    }

    /// The metadata of an index built with `config` that holds `articles` articles cut into
    /// `passages` passages (for an index built without a manifest, as the fuzzing harness does).
    pub(crate) fn with_counts(
        config: &Config,
        outlets: BTreeMap<String, String>,
        articles: usize,
        passages: usize,
    ) -> IndexMeta {
        IndexMeta {
            talash_format: FORMAT_VERSION,
            talash_version: env!("CARGO_PKG_VERSION").to_string(),
            config: config.sources.clone(),
            max_words: config.spec.passages.max_words,
            jsonl: config.spec.passages.jsonl,
            outlets,
            articles,
            passages,
            manifest: None,
        }
    }
}

/// The facet key of an outlet: case and a leading "The" do not matter ("The Express Tribune" =
/// "express tribune").
pub fn outlet_key(name: &str) -> String {
    let lower = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let key = lower.strip_prefix("the ").unwrap_or(&lower);
    key.replace('/', "-")
}

pub fn outlet_facet(key: &str) -> Facet {
    Facet::from_path([key])
}

/// An index opened for searching, with its configuration.
pub struct OpenIndex {
    pub index: Index,
    pub config: Config,
    pub fields: Fields,
    pub meta: IndexMeta,
    pub dir: PathBuf,
}

fn rebuild_hint(dir: &Path) -> String {
    format!(
        "rebuild it with: talash-index --full --index {} [CORPUS...]",
        dir.display()
    )
}

/// Reads Talash's metadata from an index's last commit.
fn read_meta(index: &Index, dir: &Path) -> Result<IndexMeta> {
    let metas = index.load_metas().with_context(|| {
        format!(
            "cannot read the index at {}; {}",
            dir.display(),
            rebuild_hint(dir)
        )
    })?;
    if metas.payload.is_none() && metas.segments.is_empty() {
        bail!(
            "the index at {} was never completed (its first indexing run was interrupted); {}",
            dir.display(),
            rebuild_hint(dir)
        );
    }
    let payload = metas.payload.ok_or_else(|| {
        anyhow!(
            "{} is a tantivy index but was not built by Talash (no Talash metadata); {}",
            dir.display(),
            rebuild_hint(dir)
        )
    })?;
    let format = talash_format(&payload).ok_or_else(|| {
        anyhow!(
            "{} was not built by Talash (unrecognised metadata); {}",
            dir.display(),
            rebuild_hint(dir)
        )
    })?;
    if format != FORMAT_VERSION {
        bail!(
            "the index at {} has format {}, but this Talash ({}) reads format {}; {}",
            dir.display(),
            format,
            env!("CARGO_PKG_VERSION"),
            FORMAT_VERSION,
            rebuild_hint(dir)
        );
    }
    serde_json::from_str(&payload).map_err(|e| {
        anyhow!(
            "the index metadata at {} is damaged ({e}); {}",
            dir.display(),
            rebuild_hint(dir)
        )
    })
}

/// Checks that `dir` holds an index, without creating anything.
fn ensure_index_dir(dir: &Path) -> Result<()> {
    if !dir.exists() {
        bail!(
            "no index at {}: build one with `talash-index --index {} [CORPUS...]` (or set --index / TALASH_INDEX)",
            dir.display(),
            dir.display()
        );
    }
    if !dir.join("meta.json").is_file() {
        bail!(
            "{} is not a Talash index (it has no meta.json); {}",
            dir.display(),
            rebuild_hint(dir)
        );
    }
    Ok(())
}

pub(crate) fn schema_json(schema: &Schema) -> String {
    serde_json::to_string(schema).unwrap_or_default()
}

/// Opens an index read-only, with the configuration recorded in it.
pub fn open(dir: &Path) -> Result<OpenIndex> {
    let readable = crate::recover::readable_dir(dir);
    ensure_index_dir(&readable)?;
    let directory = crate::readonly::ReadOnlyDirectory::open(&readable)
        .with_context(|| format!("cannot open the index folder {}", dir.display()))?;
    let index = Index::open(directory)
        .map_err(crate::damage::shortened)
        .with_context(|| {
            format!(
                "cannot open the index at {}; {}",
                dir.display(),
                rebuild_hint(dir)
            )
        })?;
    let meta = read_meta(&index, dir)?;
    let mut config =
        Config::load_recorded(meta.config.clone(), "the index's").with_context(|| {
            format!(
                "the index at {} was built with a configuration this Talash cannot use; {}",
                dir.display(),
                rebuild_hint(dir)
            )
        })?;
    config.spec.passages.max_words = meta.max_words;
    config.spec.passages.jsonl = meta.jsonl;
    let (schema, fields) = config.spec.build();
    if schema_json(&schema) != schema_json(&index.schema()) {
        bail!(
            "the index at {} does not match the schema recorded in it (built by another version?); {}",
            dir.display(),
            rebuild_hint(dir)
        );
    }
    config.spec.register_analyzers(index.tokenizers());
    Ok(OpenIndex {
        index,
        config,
        fields,
        meta,
        dir: dir.to_path_buf(),
    })
}

/// How to run the indexer.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    pub corpus: Vec<PathBuf>,
    pub dir: PathBuf,
    /// Skip bad files (reporting them) instead of failing the whole run.
    pub keep_going: bool,
    /// Writer heap in bytes, shared by the indexing threads.
    pub memory_bytes: usize,
    pub threads: usize,
    /// Largest article file read, in bytes (`--max-file-mb`; default [`corpus::MAX_FILE_BYTES`]).
    pub max_file_bytes: u64,
    /// Rebuild every article even when the index could be updated incrementally.
    pub full: bool,
}

/// How an indexing run went about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunKind {
    /// Every article was indexed into a fresh index, for this reason.
    Full { reason: String },
    /// Only the difference from the previous run was written.
    Incremental(crate::incremental::ChangeCounts),
}

impl Default for RunKind {
    fn default() -> Self {
        RunKind::Full {
            reason: "a new index".into(),
        }
    }
}

/// What an indexing run did.
#[derive(Debug, Clone, Default)]
pub struct IndexSummary {
    pub articles: usize,
    pub passages: usize,
    pub per_group: BTreeMap<String, usize>,
    pub skipped: Vec<InputError>,
    pub warnings: Vec<String>,
    pub elapsed: Duration,
    pub index_bytes: u64,
    pub run: RunKind,
    /// Article files in the corpus, and how many of them were read (an update reads only
    /// files whose size or mtime changed; see [`crate::statcache`]).
    pub files: usize,
    pub files_read: usize,
}

/// Reads every article under the corpus paths. Unless `keep_going`, the first bad file is the
/// error; with it, bad files are returned for reporting and the rest are kept.
pub fn read_corpus(paths: &[PathBuf], keep_going: bool) -> Result<(Vec<Article>, Vec<InputError>)> {
    read_corpus_limited(paths, keep_going, corpus::MAX_FILE_BYTES)
}

/// [`read_corpus`] with a file size limit in bytes.
pub fn read_corpus_limited(
    paths: &[PathBuf],
    keep_going: bool,
    max_file_bytes: u64,
) -> Result<(Vec<Article>, Vec<InputError>)> {
    let (files, mut bad) = discover(paths, keep_going)?;
    let mut articles = Vec::new();
    let mut take = |read: Result<Article, InputError>| {
        match read {
            Ok(a) => articles.push(a),
            Err(e) if keep_going => bad.push(e),
            Err(e) => return Err(e),
        }
        Ok(())
    };
    for f in &files {
        if corpus::jsonl::is_jsonl_file(f) {
            // A collection file: one article a line, read as a stream.
            for read in corpus::jsonl::JsonlArticles::open(f)? {
                take(read)?;
            }
        } else {
            take(corpus::read_article_limited(f, max_file_bytes))?;
        }
    }
    let dups = corpus::duplicate_ids(&articles);
    if let Some(first) = dups.first() {
        if !keep_going {
            return Err(first.clone().into());
        }
        // Keep the first article of each id, as the errors say; a JSONL collection shares one
        // path, so dropping by path would drop the whole collection.
        let mut seen = std::collections::HashSet::new();
        articles.retain(|a| seen.insert(a.id.clone()));
        bad.extend(dups);
    }
    crate::recover::refuse_empty_run(&articles, &bad)?;
    Ok((articles, bad))
}

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

/// Removes side files of older commits.
pub(crate) fn remove_stale(dir: &Path, keep: &SideFiles) {
    Manifest::remove_stale(dir, &keep.manifests);
    CacheWriter::remove_stale(dir, &keep.caches);
}

/// The fields every passage of `article` shares (ids, title, outlet, date, author, kind),
/// built once per article: the outlet's key and the date's text and facet are not worth
/// recomputing for each passage. [`passage_doc`] adds a passage's own fields to a clone.
pub(crate) fn article_doc(fields: &Fields, article: &Article) -> TantivyDocument {
    let mut d = doc!(
        fields.article_id => article.id.clone(),
        fields.title => article.title.clone(),
    );
    if let Some(o) = &article.outlet {
        d.add_facet(fields.outlet, outlet_facet(&outlet_key(o)));
        d.add_text(fields.outlet_name, o);
    }
    if let Some(date) = &article.date {
        d.add_text(fields.date, date.to_string());
        d.add_u64(fields.date_start, date.first_day());
        d.add_u64(fields.date_end, date.last_day());
        d.add_facet(fields.date_facet, Facet::from_path(date.facet_segments()));
    }
    if let Some(a) = &article.author {
        d.add_text(fields.author, a);
    }
    if let Some(k) = &article.kind {
        d.add_text(fields.kind, k);
    }
    d
}

/// One passage's document: its article's shared fields, then its own.
pub(crate) fn passage_doc(
    fields: &Fields,
    article: &TantivyDocument,
    passage: corpus::Passage,
    groups: &[GroupPath],
) -> TantivyDocument {
    let mut d = article.clone();
    d.add_text(fields.passage_id, passage.id.to_string());
    d.add_u64(fields.passage_no, u64::from(passage.id.n()));
    d.add_text(fields.text, passage.text);
    for g in groups {
        d.add_facet(fields.group, g.facet());
    }
    d
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

/// Opens the index at `dir` for writing when it is a Talash index with the same tantivy
/// schema. Returns `None` when the schema differs and when `dir` is absent or empty (the
/// caller then builds beside it and swaps it in).
fn open_for_writing(dir: &Path, schema: &Schema) -> Result<Option<Index>> {
    let is_empty = |d: &Path| {
        std::fs::read_dir(d)
            .map(|mut r| r.next().is_none())
            .unwrap_or(false)
    };
    if !dir.exists() || is_empty(dir) {
        // A new index is built beside and moved in once committed, so a run that fails
        // (the corpus is streamed, so that can happen after indexing began) leaves nothing.
        return Ok(None);
    }
    if !dir.join("meta.json").is_file() {
        bail!(
            "{} exists and is not a Talash index; refusing to write into it. Choose another --index or remove it",
            dir.display()
        );
    }
    let index = match Index::open_in_dir(dir) {
        Ok(index) => index,
        // Damaged beyond opening (its meta.json garbled): rebuild beside it and swap.
        Err(_) if crate::damage::looks_like_tantivy(dir) => return Ok(None),
        Err(e) => {
            return Err(crate::damage::shortened(e))
                .with_context(|| format!("cannot open the existing index at {}", dir.display()));
        }
    };
    let metas = index.load_metas()?;
    let format = metas.payload.as_deref().and_then(talash_format);
    if format.is_none() && !(metas.payload.is_none() && metas.segments.is_empty()) {
        bail!(
            "{} holds an index not built by Talash; refusing to overwrite it. Choose another --index or remove it",
            dir.display()
        );
    }
    // Ours and compatible: rewrite in place. Ours but of another format or schema, or created
    // and never committed by an interrupted first run: build beside it and swap.
    let same =
        format == Some(FORMAT_VERSION) && schema_json(&index.schema()) == schema_json(schema);
    Ok(same.then_some(index))
}

/// The Talash format recorded in a commit payload, if the payload is Talash's.
pub(crate) fn talash_format(payload: &str) -> Option<u32> {
    #[derive(Deserialize)]
    struct Version {
        talash_format: u32,
    }
    serde_json::from_str::<Version>(payload)
        .ok()
        .map(|v| v.talash_format)
}

/// Builds (or rebuilds) the index from the corpus. The previous index stays readable until the
/// new one is committed.
pub fn build(config: &Config, opts: &IndexOptions) -> Result<IndexSummary> {
    build_with_progress(config, opts, &crate::progress::Silent)
}

/// [`build`], reporting each article to `progress` (the indexer's bar).
///
/// The corpus is streamed (see [`crate::ingest`]): each article is read, cut, tagged and
/// added in turn, so memory is bounded by the writer heap, not the corpus. A bad file found
/// late still fails the run before the commit, and the previous index stays as it was.
pub fn build_with_progress(
    config: &Config,
    opts: &IndexOptions,
    progress: &dyn crate::progress::Progress,
) -> Result<IndexSummary> {
    let started = Instant::now();
    let wall_start = std::time::SystemTime::now();
    let _lock = crate::lock::IndexLock::acquire(&opts.dir)?;
    let recovered = crate::recover::before_writing(&opts.dir)?;
    let (schema, fields) = config.spec.build();
    // The previous index, its manifest and stat cache are read while the corpus is walked
    // (at 1M passages each takes a good part of an update).
    let (found, base) = std::thread::scope(|s| {
        let base = s.spawn(|| crate::incremental::Base::open(config, opts, &schema));
        let found = discover_with_stats(opts);
        let base = base.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (found, base)
    });
    let (files, stats, bad) = found?;
    let full_reason = match base {
        Ok(base) => {
            // Updates write only what changed, quickly: no bar for them.
            let mut summary = crate::incremental::update(
                config,
                opts,
                base,
                (&files, &stats),
                bad,
                &fields,
                started,
                wall_start,
            )?;
            summary.warnings.splice(0..0, recovered);
            return Ok(summary);
        }
        Err(reason) => reason,
    };
    // A full build cleans every article: a bad rule is refused before anything is written.
    config.boilerplate.ready()?;
    progress.start(files.len());
    let (index, swap_from) = match open_for_writing(&opts.dir, &schema)? {
        Some(index) => (index, None),
        None => {
            let fresh = sibling(&opts.dir, "new");
            if fresh.exists() {
                std::fs::remove_dir_all(&fresh)
                    .with_context(|| format!("cannot clear {}", fresh.display()))?;
            }
            std::fs::create_dir_all(&fresh)?;
            let directory = FreshDirectory::open(&fresh)
                .with_context(|| format!("cannot open {}", fresh.display()))?;
            let index = Index::create(directory.clone(), schema.clone(), index_settings())?;
            (index, Some((fresh, directory)))
        }
    };
    let written_to = swap_from
        .as_ref()
        .map_or(&opts.dir, |(fresh, _)| fresh)
        .clone();
    let built = build_into(
        config,
        opts,
        (&index, &written_to),
        &fields,
        (&files, &stats),
        bad,
        progress,
        wall_start,
    );
    let (mut summary, names) = match built {
        Ok(done) => done,
        Err(e) => {
            // Nothing was committed; a new index built beside is not worth keeping.
            if let Some((fresh, _)) = &swap_from {
                let _ = std::fs::remove_dir_all(fresh);
            }
            return Err(e);
        }
    };
    if let Some((fresh, directory)) = swap_from {
        // Its commit synced what it names; what came after, and the folder, are synced now,
        // before it is moved into place (see crate::fresh).
        directory
            .sync_all()
            .with_context(|| format!("cannot save the new index in {}", fresh.display()))?;
        swap_in(&fresh, &opts.dir)?;
    }
    remove_stale(&opts.dir, &names);
    summary.warnings.splice(0..0, recovered);
    summary.run = RunKind::Full {
        reason: full_reason,
    };
    summary.elapsed = started.elapsed();
    summary.index_bytes = dir_size(&opts.dir);
    Ok(summary)
}

/// The article files of the corpus, and the paths that could not be read (only with
/// `keep_going`; otherwise the first is the error).
fn discover(paths: &[PathBuf], keep_going: bool) -> Result<(Vec<PathBuf>, Vec<InputError>)> {
    let (files, bad) = corpus::discover_all(paths);
    refuse_bad_discovery(paths, &files, bad, keep_going).map(|bad| (files, bad))
}

/// [`discover`] with each file's stat, taken by a parallel walk (see [`crate::walk`]), unless
/// the run is sure to be a full build (`--full`, or no index yet): then each file is stat'ed
/// when it is read, and the walk only lists folders.
#[allow(clippy::type_complexity)]
fn discover_with_stats(
    opts: &IndexOptions,
) -> Result<(Vec<PathBuf>, Vec<Option<FileStat>>, Vec<InputError>)> {
    let stats = !opts.full && opts.dir.join("meta.json").is_file();
    // The walk is mostly waiting on the kernel: one thread per core.
    let found = crate::walk::discover(&opts.corpus, opts.threads.max(1), stats);
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

/// A full build's sink: every article into the writer, and into a new manifest.
struct FullSink<'a> {
    writer: &'a IndexWriter,
    manifest: Manifest,
    passages: usize,
    progress: &'a dyn crate::progress::Progress,
}

impl Sink for FullSink<'_> {
    fn article(&mut self, p: Prepared) -> Result<()> {
        let docs = p.docs.unwrap_or_default();
        let passages = u32::try_from(docs.len())
            .with_context(|| format!("article {} has too many passages", p.id))?;
        // One batch per article: one hand-off to tantivy's indexing threads, not one a passage.
        // Not more: tantivy's channel holds 10,000 batches, so the batch size bounds the
        // documents waiting in memory (with 256 a batch, a 1M build peaked at 475-534 MB).
        self.writer.run(docs.into_iter().map(UserOperation::Add))?;
        self.manifest.insert(
            &p.id,
            Entry {
                hash: p.hash,
                passages,
            },
        );
        self.passages += passages as usize;
        self.progress.article(passages as usize);
        Ok(())
    }

    fn cached(&mut self, id: &str) -> Result<()> {
        bail!("internal error: a full build was offered the cached article {id}")
    }
}

/// Indexes every article of `files` into `index` and commits; returns the summary and the
/// names of the side files written with the commit.
#[allow(clippy::too_many_arguments)]
fn build_into(
    config: &Config,
    opts: &IndexOptions,
    (index, dir): (&Index, &Path),
    fields: &Fields,
    (files, stats): (&[PathBuf], &[Option<FileStat>]),
    bad: Vec<InputError>,
    progress: &dyn crate::progress::Progress,
    wall_start: std::time::SystemTime,
) -> Result<(IndexSummary, SideFiles)> {
    config.spec.register_analyzers(index.tokenizers());
    let threads = opts.threads.max(1);
    let heap = writer_heap(opts, files.len(), threads);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, heap)
        .map_err(|e| lock_error(e, &opts.dir))?;
    writer.delete_all_documents()?;
    let ctx = Ingest {
        config,
        fields,
        old: None,
        max_file_bytes: opts.max_file_bytes,
        keep_going: opts.keep_going,
        workers: workers(opts),
        started: wall_start,
    };
    let mut sink = FullSink {
        writer: &writer,
        manifest: Manifest::default(),
        passages: 0,
        progress,
    };
    let mut cache = CacheWriter::create(dir, opts.max_file_bytes);
    let streamed = crate::ingest::stream(&ctx, (files, stats), bad, None, &mut cache, &mut sink)?;
    let (manifest, passages) = (sink.manifest, sink.passages);
    progress.finish();
    let meta = IndexMeta::new(config, streamed.outlets, &manifest);
    let names = commit(&mut writer, meta, &manifest, cache, dir)?;
    writer.wait_merging_threads()?;
    let summary = IndexSummary {
        articles: manifest.articles(),
        passages,
        per_group: streamed.per_group,
        skipped: streamed.bad,
        warnings: streamed.warnings,
        files: streamed.files,
        files_read: streamed.files_read,
        ..Default::default()
    };
    Ok((summary, names))
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
fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compress_dedicated_thread: false,
        ..Default::default()
    }
}

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

/// Replaces `dir` by `fresh` (atomically where the OS allows; see [`crate::recover`]).
fn swap_in(fresh: &Path, dir: &Path) -> Result<()> {
    crate::recover::swap_in(fresh, dir)
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
