//! Incremental indexing: re-index only the articles that were added or changed since the
//! last run, and delete the passages of articles that are gone.
//!
//! The index's [`Manifest`] says which articles it holds and a hash of each; the corpus is
//! streamed and hashed (files whose size and mtime the stat cache ([`crate::index::statcache`]) vouches for are not even
//! read), compared with it, and only the difference is written, in one commit that also
//! records the new manifest and stat cache. Anything that changes how *every*
//! article is indexed (schema, gazetteer, boilerplate rules, passage size, Talash version)
//! makes [`Base::open`] refuse, and the caller rebuilds in full.
//!
//! Scores: tantivy's BM25 statistics (document count, document frequencies, average length)
//! count deleted documents until their segment is merged. So after deleting, the segments that
//! hold deleted passages are merged at once, and the index ranks as a fresh build would. One
//! approximation remains: tantivy's merger estimates a merged segment's token total from the
//! stored field norms, which are exact only for fields of up to about 40 tokens; see
//! docs/BENCHMARKS.md for how far scores can drift, and `talash-index --full` for exact ones.

use std::time::{Instant, SystemTime};

use anyhow::{Context, Result};
use tantivy::index::SegmentId;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::Schema;
use tantivy::{Index, IndexWriter, Term};

use crate::index::cachewriter::CacheWriter;
use crate::index::commit::commit;
use crate::index::ingest::{Sink, Streamed, Walked};
use crate::index::manifest::{Entry, Manifest};
use crate::index::meta::{
    ChangeCounts, FORMAT_VERSION, IndexMeta, IndexOptions, IndexSummary, RunKind, talash_format,
};
use crate::index::open::schema_json;
use crate::index::prepare::{Context as Ingest, Prepared};
use crate::index::sidefile::MANIFEST;
use crate::index::statcache::OldCache;
use crate::index::writer::lock_error;
use crate::schema::{Config, Fields};

/// An existing index that can be updated in place.
pub(crate) struct Base {
    index: Index,
    meta: IndexMeta,
    manifest: Manifest,
    /// The stat cache written with the manifest, if it can be used.
    cache: Option<OldCache>,
}

impl Base {
    /// Opens the index at `opts.dir` for an incremental update, or says why it must be rebuilt
    /// in full (the reason is shown to the user).
    pub fn open(config: &Config, opts: &IndexOptions, schema: &Schema) -> Result<Base, String> {
        if opts.full {
            return Err("--full was given".into());
        }
        let dir = &opts.dir;
        if !dir.join("meta.json").is_file() {
            return Err("there is no index yet".into());
        }
        let index =
            Index::open_in_dir(dir).map_err(|e| format!("the index cannot be opened ({e})"))?;
        let metas = index
            .load_metas()
            .map_err(|e| format!("the index cannot be read ({e})"))?;
        let payload = metas
            .payload
            .as_deref()
            .ok_or("the index holds no Talash metadata")?;
        if talash_format(payload) != Some(FORMAT_VERSION) {
            return Err("the index was built by a Talash with another index format".into());
        }
        let meta: IndexMeta = serde_json::from_str(payload)
            .map_err(|e| format!("the index metadata is damaged ({e})"))?;
        Self::same_configuration(config, &meta)?;
        if schema_json(&index.schema()) != schema_json(schema) {
            return Err("the index's tantivy schema differs from this Talash's".into());
        }
        // An update trusts the old segments: a damaged one (a file gone or cut short) means
        // a full rebuild, which is also what the damage message tells the user to run.
        let segments = index
            .searchable_segments()
            .map_err(|e| format!("the index cannot be read ({e})"))?;
        for segment in &segments {
            tantivy::SegmentReader::open(segment)
                .map_err(|e| format!("a segment of the index is damaged ({e})"))?;
        }
        let name = meta
            .manifest
            .as_deref()
            .ok_or("the index has no article manifest (built by an older Talash)")?;
        let path = MANIFEST
            .path_in(dir, name)
            .ok_or_else(|| format!("the index names an invalid manifest {name:?}"))?;
        let manifest = Manifest::read(&path).map_err(|e| format!("{e:#}"))?;
        let cache = OldCache::open(dir, name, opts.max_file_bytes);
        let alive: u64 = metas.segments.iter().map(|s| u64::from(s.num_docs())).sum();
        if manifest.articles() != meta.articles
            || manifest.passages() != meta.passages
            || alive != meta.passages as u64
        {
            return Err("the article manifest does not match the index".into());
        }
        Ok(Base {
            index,
            meta,
            manifest,
            cache,
        })
    }

    fn same_configuration(config: &Config, meta: &IndexMeta) -> Result<(), String> {
        let now = &config.sources;
        let then = &meta.config;
        let changed = if then.schema != now.schema {
            "the schema"
        } else if then.groups != now.groups {
            "the gazetteer (groups)"
        } else if then.boilerplate != now.boilerplate {
            "the boilerplate rules"
        } else if meta.max_words != config.spec.passages.max_words {
            "the passage size (--max-words)"
        } else if meta.jsonl != config.spec.passages.jsonl {
            "the passage unit of JSONL collections (--jsonl-passages)"
        } else if meta.talash_version != env!("CARGO_PKG_VERSION") {
            "the Talash version"
        } else {
            return Ok(());
        };
        Err(format!("{changed} changed since the index was built"))
    }
}

/// An update's sink: unchanged articles are kept, changed ones replaced, new ones added; the
/// writer is opened only once something changes.
struct UpdateSink<'a> {
    index: &'a Index,
    opts: &'a IndexOptions,
    fields: &'a Fields,
    old: &'a Manifest,
    writer: Option<IndexWriter>,
    threads: usize,
    /// Articles added or changed, to enter into the manifest.
    written: Vec<(String, Entry)>,
    counts: ChangeCounts,
}

impl UpdateSink<'_> {
    fn writer(&mut self) -> Result<&IndexWriter> {
        if self.writer.is_none() {
            let writer: IndexWriter = self
                .index
                .writer_with_num_threads(self.threads, self.opts.memory_bytes)
                .map_err(|e| lock_error(e, &self.opts.dir))?;
            writer.set_merge_policy(Box::new(NoMergePolicy));
            self.writer = Some(writer);
        }
        self.writer
            .as_ref()
            .context("internal error: no index writer")
    }

    fn delete(&mut self, id: &str) -> Result<()> {
        let term = Term::from_field_text(self.fields.article_id, id);
        self.writer()?.delete_term(term);
        if let Some(old) = self.old.get(id) {
            self.counts.passages_deleted += old.passages as usize;
        }
        Ok(())
    }
}

impl Sink for UpdateSink<'_> {
    fn plan(&mut self, files_to_read: usize) {
        // A few articles fit one thread and one new segment; many are worth all threads.
        self.threads = if files_to_read < 1000 {
            1
        } else {
            self.opts.threads.max(1)
        };
    }

    fn article(&mut self, p: Prepared) -> Result<()> {
        let old = self.old.get(&p.id).copied();
        if old.is_some_and(|e| e.hash == p.hash) {
            self.counts.unchanged += 1;
            return Ok(());
        }
        match old {
            Some(_) => {
                self.counts.changed += 1;
                self.delete(&p.id)?;
            }
            None => self.counts.added += 1,
        }
        let docs = p
            .docs
            .with_context(|| format!("internal error: no documents for article {}", p.id))?;
        let passages = u32::try_from(docs.len())
            .with_context(|| format!("article {} has too many passages", p.id))?;
        let writer = self.writer()?;
        for d in docs {
            writer.add_document(d)?;
        }
        self.counts.passages_added += passages as usize;
        let entry = Entry {
            hash: p.hash,
            passages,
        };
        self.written.push((p.id, entry));
        Ok(())
    }

    fn cached(&mut self, _id: &str) -> Result<()> {
        // `stream` checked that the manifest holds every id of a cached file.
        self.counts.unchanged += 1;
        Ok(())
    }
}

/// Brings the index at `opts.dir` up to date with the corpus `files`, writing only the
/// difference.
#[allow(clippy::too_many_arguments)]
pub(crate) fn update(
    config: &Config,
    opts: &IndexOptions,
    base: Base,
    corpus: Walked,
    fields: &Fields,
    started: Instant,
    wall_start: SystemTime,
) -> Result<IndexSummary> {
    let Base {
        index,
        meta: old_meta,
        manifest: old,
        cache: old_cache,
    } = base;
    config.spec.register_analyzers(index.tokenizers());
    let ctx = Ingest {
        config,
        fields,
        old: Some(&old),
        max_file_bytes: opts.max_file_bytes,
        keep_going: opts.keep_going,
        workers: crate::index::writer::workers(opts),
        started: wall_start,
    };
    let mut sink = UpdateSink {
        index: &index,
        opts,
        fields,
        old: &old,
        writer: None,
        threads: 1,
        written: Vec::new(),
        counts: ChangeCounts::default(),
    };
    let mut cache = CacheWriter::deferred(&opts.dir, opts.max_file_bytes, old_cache.as_ref());
    let streamed =
        crate::index::ingest::stream(&ctx, corpus, old_cache.as_ref(), &mut cache, &mut sink)?;
    let mut removed: Vec<String> = streamed.seen.unseen().map(str::to_string).collect();
    removed.sort();
    // What the summary needs, apart from the ids seen (which borrow the old manifest).
    let Streamed {
        bad,
        warnings,
        outlets,
        per_group,
        files: files_found,
        files_read,
        ..
    } = streamed;
    for id in &removed {
        sink.delete(id)?;
    }
    sink.counts.removed = removed.len();
    if sink.writer.is_some() || outlets != old_meta.outlets {
        sink.writer()?;
    }
    let UpdateSink {
        writer,
        written,
        counts,
        ..
    } = sink;
    let mut manifest = old;
    for id in &removed {
        manifest.remove(id);
    }
    for (id, entry) in written {
        manifest.insert(&id, entry);
    }
    if let Some(mut writer) = writer {
        let meta = IndexMeta::new(config, outlets, &manifest);
        let names = commit(&mut writer, meta, &manifest, cache, &opts.dir)?;
        crate::index::commit::remove_stale(&opts.dir, &names);
        compact(&index, &mut writer)?;
        // Merged-away segments stay on disk until collected.
        writer
            .garbage_collect_files()
            .wait()
            .context("cannot remove merged-away segment files")?;
        writer
            .wait_merging_threads()
            .context("cannot finish merging segments")?;
    }
    Ok(IndexSummary {
        articles: manifest.articles(),
        passages: manifest.passages(),
        per_group,
        skipped: bad,
        warnings,
        elapsed: started.elapsed(),
        index_bytes: crate::index::layout::dir_size(&opts.dir),
        run: RunKind::Incremental(counts),
        files: files_found,
        files_read,
    })
}

/// Segments with fewer documents than this count as small (tantivy's LogMergePolicy treats
/// segments under 10,000 documents as one level).
const SMALL_SEGMENT_DOCS: u32 = 10_000;
/// Small segments tolerated before they are merged into one (LogMergePolicy's default).
const MAX_SMALL_SEGMENTS: usize = 8;

/// Merges what an update leaves behind: every segment holding deleted passages (so they stop
/// counting in BM25 statistics), together with the small segments updates create; and, without
/// deletes, the small segments once there are several, so many updates do not slow searches.
fn compact(index: &Index, writer: &mut IndexWriter) -> Result<()> {
    let segments = index
        .searchable_segment_metas()
        .context("cannot list the index's segments")?;
    let with_deletes: Vec<SegmentId> = segments
        .iter()
        .filter(|s| s.has_deletes())
        .map(|s| s.id())
        .collect();
    let small: Vec<SegmentId> = segments
        .iter()
        .filter(|s| !s.has_deletes() && s.max_doc() < SMALL_SEGMENT_DOCS)
        .map(|s| s.id())
        .collect();
    let to_merge = if !with_deletes.is_empty() {
        [with_deletes, small].concat()
    } else if small.len() >= MAX_SMALL_SEGMENTS {
        small
    } else {
        return Ok(());
    };
    writer
        .merge(&to_merge)
        .wait()
        .context("cannot merge the updated segments")?;
    Ok(())
}
