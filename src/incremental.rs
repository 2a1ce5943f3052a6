//! Incremental indexing: re-index only the articles that were added or changed since the
//! last run, and delete the passages of articles that are gone.
//!
//! The index's [`Manifest`] says which articles it holds and a hash of each; the corpus is read
//! and hashed in full (cheap next to indexing), compared with it, and only the difference is
//! written, in one commit that also records the new manifest. Anything that changes how *every*
//! article is indexed (schema, gazetteer, boilerplate rules, passage size, Talash version)
//! makes [`Base::open`] refuse, and the caller rebuilds in full.
//!
//! Scores: tantivy's BM25 statistics (document count, document frequencies, average length)
//! count deleted documents until their segment is merged. So after deleting, the segments that
//! hold deleted passages are merged at once, and the index ranks as a fresh build would. One
//! approximation remains: tantivy's merger estimates a merged segment's token total from the
//! stored field norms, which are exact only for fields of up to about 40 tokens; see
//! docs/BENCHMARKS.md for how far scores can drift, and `talash-index --full` for exact ones.

use std::collections::HashSet;
use std::time::Instant;

use anyhow::{Context, Result};
use tantivy::index::SegmentId;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::Schema;
use tantivy::{Index, IndexWriter, Term};

use crate::corpus::{Article, InputError};
use crate::index::{
    FORMAT_VERSION, IndexMeta, IndexOptions, IndexSummary, RunKind, add_article, commit,
    lock_error, outlets, schema_json, talash_format,
};
use crate::manifest::{ArticleHash, Entry, Manifest};
use crate::schema::{Config, Fields};

/// What an incremental run found and did, in articles (and passages written or deleted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeCounts {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub passages_added: usize,
    pub passages_deleted: usize,
}

/// An existing index that can be updated in place.
pub struct Base {
    index: Index,
    meta: IndexMeta,
    manifest: Manifest,
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
        let path = Manifest::path_in(dir, name)
            .ok_or_else(|| format!("the index names an invalid manifest {name:?}"))?;
        let manifest = Manifest::read(&path).map_err(|e| format!("{e:#}"))?;
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

/// The difference between the index's manifest and the corpus.
struct Plan<'a> {
    /// Articles to index, with their hashes, and whether each replaces an indexed version.
    to_index: Vec<(&'a Article, ArticleHash, bool)>,
    removed: Vec<String>,
    unchanged: usize,
}

impl<'a> Plan<'a> {
    fn new(old: &Manifest, articles: &'a [Article]) -> Plan<'a> {
        let mut to_index = Vec::new();
        let mut unchanged = 0;
        for a in articles {
            let hash = ArticleHash::of(a);
            match old.get(&a.id) {
                Some(e) if e.hash == hash => unchanged += 1,
                Some(_) => to_index.push((a, hash, true)),
                None => to_index.push((a, hash, false)),
            }
        }
        let present: HashSet<&str> = articles.iter().map(|a| a.id.as_str()).collect();
        let mut removed: Vec<String> = old
            .ids()
            .filter(|id| !present.contains(id))
            .map(str::to_string)
            .collect();
        removed.sort();
        Plan {
            to_index,
            removed,
            unchanged,
        }
    }

    fn is_empty(&self) -> bool {
        self.to_index.is_empty() && self.removed.is_empty()
    }

    fn counts(&self) -> ChangeCounts {
        let changed = self.to_index.iter().filter(|t| t.2).count();
        ChangeCounts {
            added: self.to_index.len() - changed,
            changed,
            removed: self.removed.len(),
            unchanged: self.unchanged,
            ..Default::default()
        }
    }
}

/// Brings the index at `opts.dir` up to date with `articles`, writing only the difference.
pub fn update(
    config: &Config,
    opts: &IndexOptions,
    base: Base,
    articles: &[Article],
    skipped: Vec<InputError>,
    fields: &Fields,
    started: Instant,
) -> Result<IndexSummary> {
    let Base {
        index,
        meta: old_meta,
        mut manifest,
    } = base;
    let plan = Plan::new(&manifest, articles);
    let outlets = outlets(articles);
    let mut counts = plan.counts();
    let mut summary = IndexSummary {
        skipped,
        warnings: articles.iter().flat_map(|a| a.warnings.clone()).collect(),
        ..Default::default()
    };
    if !plan.is_empty() || outlets != old_meta.outlets {
        config.spec.register_analyzers(index.tokenizers());
        // A few articles fit one thread and one new segment; many are worth all threads.
        let threads = if plan.to_index.len() < 1000 {
            1
        } else {
            opts.threads.max(1)
        };
        let mut writer: IndexWriter = index
            .writer_with_num_threads(threads, opts.memory_bytes)
            .map_err(|e| lock_error(e, &opts.dir))?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let replaced = plan.to_index.iter().filter(|t| t.2).map(|t| &t.0.id);
        for id in plan.removed.iter().chain(replaced) {
            writer.delete_term(Term::from_field_text(fields.article_id, id));
            if let Some(old) = manifest.remove(id) {
                counts.passages_deleted += old.passages as usize;
            }
        }
        for (article, hash, _) in &plan.to_index {
            let passages = add_article(&mut writer, config, fields, article, &mut summary)?;
            counts.passages_added += passages as usize;
            manifest.insert(
                &article.id,
                Entry {
                    hash: *hash,
                    passages,
                },
            );
        }
        let meta = IndexMeta::new(config, outlets, &manifest);
        let name = commit(&mut writer, meta, &manifest, &opts.dir)?;
        Manifest::remove_stale(&opts.dir, &name);
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
    summary.articles = manifest.articles();
    summary.passages = manifest.passages();
    summary.run = RunKind::Incremental(counts);
    summary.elapsed = started.elapsed();
    summary.index_bytes = crate::index::dir_size(&opts.dir);
    Ok(summary)
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
