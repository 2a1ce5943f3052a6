//! A full build: every article into a new index (or into the old one emptied, when its schema
//! is the same), committed once, then swapped into place.

use std::path::Path;
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result, bail};
use tantivy::indexer::UserOperation;
use tantivy::schema::Schema;
use tantivy::{Index, IndexWriter};

use crate::index::cachewriter::CacheWriter;
use crate::index::commit::{SideFiles, commit, remove_stale};
use crate::index::fresh::FreshDirectory;
use crate::index::ingest::{Sink, Walked};
use crate::index::layout::{dir_size, sibling};
use crate::index::manifest::{Entry, Manifest};
use crate::index::meta::{
    FORMAT_VERSION, IndexMeta, IndexOptions, IndexSummary, RunKind, talash_format,
};
use crate::index::open::schema_json;
use crate::index::prepare::{Context as Ingest, Prepared};
use crate::index::progress::Progress;
use crate::index::writer::{index_settings, lock_error, workers, writer_heap};
use crate::schema::{Config, Fields};

/// What the run decided before choosing a full build.
pub(crate) struct FullRun {
    pub schema: Schema,
    pub fields: Fields,
    /// Why the index could not be updated in place (said in the summary).
    pub reason: String,
    pub started: Instant,
    pub wall_start: SystemTime,
}

/// Builds the whole index from the walked corpus; the previous index stays readable until the
/// new one is committed and swapped in.
pub(crate) fn build(
    config: &Config,
    opts: &IndexOptions,
    run: FullRun,
    corpus: Walked,
    progress: &dyn Progress,
) -> Result<IndexSummary> {
    let FullRun {
        schema,
        fields,
        reason,
        started,
        wall_start,
    } = run;
    // A full build cleans every article: a bad rule is refused before anything is written.
    config.boilerplate.ready()?;
    progress.start(corpus.files.len());
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
        corpus,
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
        // before it is moved into place (see crate::index::fresh).
        directory
            .sync_all()
            .with_context(|| format!("cannot save the new index in {}", fresh.display()))?;
        crate::index::recover::swap_in(&fresh, &opts.dir)?;
    }
    remove_stale(&opts.dir, &names);
    summary.run = RunKind::Full { reason };
    summary.elapsed = started.elapsed();
    summary.index_bytes = dir_size(&opts.dir);
    Ok(summary)
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
        Err(_) if crate::index::damage::looks_like_tantivy(dir) => return Ok(None),
        Err(e) => {
            return Err(crate::index::damage::shortened(e))
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

/// A full build's sink: every article into the writer, and into a new manifest.
struct FullSink<'a> {
    writer: &'a IndexWriter,
    manifest: Manifest,
    passages: usize,
    progress: &'a dyn Progress,
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
    corpus: Walked,
    progress: &dyn Progress,
    wall_start: SystemTime,
) -> Result<(IndexSummary, SideFiles)> {
    config.spec.register_analyzers(index.tokenizers());
    let threads = opts.threads.max(1);
    let heap = writer_heap(opts, corpus.files.len(), threads);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, heap)
        .map_err(|e| lock_error(e, &opts.dir))?;
    writer.delete_all_documents()?;
    let ctx = Ingest {
        config,
        fields,
        old: None,
        max_file_bytes: opts.max_file_bytes,
        defaults: &opts.defaults,
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
    let mut cache = CacheWriter::create(dir, opts.cache_settings());
    let streamed = crate::index::ingest::stream(&ctx, corpus, None, &mut cache, &mut sink)?;
    let (manifest, passages) = (sink.manifest, sink.passages);
    progress.finish();
    let mut meta = IndexMeta::new(config, streamed.outlets, &manifest);
    meta.corpus = opts.remember.clone();
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
