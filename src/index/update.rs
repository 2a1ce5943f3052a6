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
use tantivy::indexer::{NoMergePolicy, UserOperation};
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
        let cache = OldCache::open(dir, name, opts.cache_settings());
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
        // One batch, so tantivy puts all the article's passages in one segment: article
        // ranking (search::articles) aggregates per segment and relies on it.
        self.writer()?
            .run(docs.into_iter().map(UserOperation::Add))?;
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
        defaults: &opts.defaults,
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
    let mut cache = CacheWriter::deferred(&opts.dir, opts.cache_settings(), old_cache.as_ref());
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
    // A new set of remembered paths is committed even when no article changed.
    if sink.writer.is_some() || outlets != old_meta.outlets || opts.remember != old_meta.corpus {
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
        let mut meta = IndexMeta::new(config, outlets, &manifest);
        meta.corpus = opts.remember.clone();
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
        removed_ids: removed.into_iter().take(REMOVED_SHOWN).collect(),
        ..Default::default()
    })
}

/// How many of the removed articles' ids an update's summary names.
const REMOVED_SHOWN: usize = 5;

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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    use tantivy::collector::Count;
    use tantivy::query::{QueryParser, TermQuery};
    use tantivy::schema::IndexRecordOption;

    use super::*;
    use crate::index::full::FullRun;
    use crate::index::progress::Silent;

    /// A corpus folder and an index folder side by side in a temp dir.
    struct Setup {
        _tmp: tempfile::TempDir,
        corpus: PathBuf,
        opts: IndexOptions,
        config: Config,
    }

    impl Setup {
        /// Articles `a` (one passage, on Quetta) and `b` (two passages), dated an hour back so
        /// the stat cache trusts them, indexed by a full build.
        fn indexed() -> Setup {
            let tmp = tempfile::tempdir().unwrap();
            let corpus = tmp.path().join("c");
            std::fs::create_dir_all(&corpus).unwrap();
            let opts = IndexOptions {
                corpus: vec![corpus.clone()],
                dir: tmp.path().join("idx"),
                keep_going: false,
                memory_bytes: 16 << 20,
                threads: 1,
                max_file_bytes: crate::corpus::MAX_FILE_BYTES,
                full: false,
                mode: Default::default(),
                remember: Vec::new(),
                defaults: Default::default(),
            };
            let s = Setup {
                _tmp: tmp,
                corpus,
                opts,
                config: Config::shipped().unwrap(),
            };
            s.write("a", "Officials met in Quetta.\n");
            s.write("b", "Talks resumed in Kabul.\n\nThe envoy left for Doha.\n");
            s.age_all();
            s.full_build();
            s
        }

        fn write(&self, id: &str, body: &str) {
            let text = format!("+++\nid = \"{id}\"\ntitle = \"Report {id}\"\n+++\n{body}");
            std::fs::write(self.corpus.join(format!("{id}.md")), text).unwrap();
        }

        /// Dates every corpus file an hour back: older than any run's start, so cacheable.
        fn age_all(&self) {
            let then = SystemTime::now() - Duration::from_secs(3600);
            for e in std::fs::read_dir(&self.corpus).unwrap().flatten() {
                let f = std::fs::File::options().write(true).open(e.path()).unwrap();
                f.set_modified(then).unwrap();
            }
        }

        fn full_build(&self) {
            let (schema, fields) = self.config.spec.build();
            let found = crate::corpus::walk::discover(&self.opts.corpus, 1, false);
            let run = FullRun {
                schema,
                fields,
                reason: "a new index".into(),
                started: Instant::now(),
                wall_start: SystemTime::now(),
            };
            let corpus = walked(&found);
            crate::index::full::build(&self.config, &self.opts, run, corpus, &Silent).unwrap();
        }

        /// One update run, which must be possible (a refusal fails the test, never falls back
        /// to a full build as `talash-index` would).
        fn update(&self) -> (IndexSummary, ChangeCounts) {
            let (schema, fields) = self.config.spec.build();
            let base = match Base::open(&self.config, &self.opts, &schema) {
                Ok(base) => base,
                Err(why) => panic!("the index cannot be updated: {why}"),
            };
            let found = crate::corpus::walk::discover(&self.opts.corpus, 1, true);
            let (started, wall) = (Instant::now(), SystemTime::now());
            let summary = update(
                &self.config,
                &self.opts,
                base,
                walked(&found),
                &fields,
                started,
                wall,
            )
            .unwrap();
            match summary.run {
                RunKind::Incremental(counts) => (summary, counts),
                RunKind::Full { .. } => panic!("an update reported a full build"),
            }
        }

        /// Why `Base::open` refuses an update, or `None` when it accepts one.
        fn refusal(&self, config: &Config, opts: &IndexOptions) -> Option<String> {
            let (schema, _) = config.spec.build();
            Base::open(config, opts, &schema).err()
        }

        fn idx(&self) -> &Path {
            &self.opts.dir
        }
    }

    fn walked(found: &crate::corpus::walk::Found) -> Walked<'_> {
        Walked {
            files: &found.files,
            stats: &found.stats,
            bad: found.errors.clone(),
        }
    }

    /// Every file of the index folder with its contents: what a run that writes nothing leaves.
    fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    /// Live passages matching `query` in the text field, read from the index on disk.
    fn hits(dir: &Path, query: &str) -> usize {
        let open = crate::index::open::open(dir).unwrap();
        let parser = QueryParser::for_index(&open.index, vec![open.fields.text]);
        let q = parser.parse_query(query).unwrap();
        let searcher = open.index.reader().unwrap().searcher();
        searcher.search(&q, &Count).unwrap()
    }

    /// Live passages of article `id`.
    fn passages_of(dir: &Path, id: &str) -> usize {
        let open = crate::index::open::open(dir).unwrap();
        let term = Term::from_field_text(open.fields.article_id, id);
        let q = TermQuery::new(term, IndexRecordOption::Basic);
        let searcher = open.index.reader().unwrap().searcher();
        searcher.search(&q, &Count).unwrap()
    }

    /// Segments still holding deleted passages (which would skew BM25 statistics).
    fn segments_with_deletes(dir: &Path) -> usize {
        let index = Index::open_in_dir(dir).unwrap();
        let metas = index.searchable_segment_metas().unwrap();
        metas.iter().filter(|s| s.has_deletes()).count()
    }

    #[test]
    fn an_unchanged_corpus_reads_no_file_and_writes_nothing() {
        let s = Setup::indexed();
        let before = snapshot(s.idx());
        let (summary, counts) = s.update();
        assert_eq!(summary.files, 2);
        assert_eq!(summary.files_read, 0, "the stat cache vouches for both");
        let want = ChangeCounts {
            unchanged: 2,
            ..ChangeCounts::default()
        };
        assert_eq!(counts, want);
        assert_eq!((summary.articles, summary.passages), (2, 3));
        assert!(snapshot(s.idx()) == before, "an unchanged run wrote files");
    }

    #[test]
    fn a_file_rewritten_alike_is_read_but_changes_nothing() {
        let s = Setup::indexed();
        let before = snapshot(s.idx());
        // Same text, a new mtime: the stat cache no longer vouches, the hash still matches.
        s.write("a", "Officials met in Quetta.\n");
        let (summary, counts) = s.update();
        assert_eq!(summary.files_read, 1);
        assert_eq!(counts.unchanged, 2);
        assert_eq!(counts.changed + counts.passages_added, 0);
        assert!(
            snapshot(s.idx()) == before,
            "an unchanged article was rewritten"
        );
    }

    #[test]
    fn a_changed_article_is_reindexed_with_its_old_text_gone() {
        let s = Setup::indexed();
        assert_eq!(hits(s.idx(), "quetta"), 1);
        s.write("a", "Officials met in Gwadar.\n\nGwadar port was closed.\n");
        let (summary, counts) = s.update();
        assert_eq!(summary.files_read, 1, "only a.md is read");
        let want = ChangeCounts {
            changed: 1,
            unchanged: 1,
            passages_added: 2,
            passages_deleted: 1,
            ..ChangeCounts::default()
        };
        assert_eq!(counts, want);
        assert_eq!((summary.articles, summary.passages), (2, 4));
        assert_eq!(hits(s.idx(), "quetta"), 0, "the old passage is gone");
        assert_eq!(hits(s.idx(), "gwadar"), 2);
        assert_eq!(passages_of(s.idx(), "a"), 2);
        assert_eq!(passages_of(s.idx(), "b"), 2, "b is kept as it was");
        assert_eq!(segments_with_deletes(s.idx()), 0, "deletes are merged away");
    }

    #[test]
    fn a_removed_file_loses_its_passages_and_an_added_one_gains_them() {
        let s = Setup::indexed();
        std::fs::remove_file(s.corpus.join("b.md")).unwrap();
        s.write("c", "Rain fell on Lahore.\n");
        let (summary, counts) = s.update();
        let want = ChangeCounts {
            added: 1,
            removed: 1,
            unchanged: 1,
            passages_added: 1,
            passages_deleted: 2,
            ..ChangeCounts::default()
        };
        assert_eq!(counts, want);
        assert_eq!((summary.articles, summary.passages), (2, 2));
        assert_eq!(passages_of(s.idx(), "b"), 0);
        assert_eq!(hits(s.idx(), "kabul OR doha"), 0);
        assert_eq!(hits(s.idx(), "lahore"), 1);
        assert_eq!(segments_with_deletes(s.idx()), 0);
        // The manifest went with the commit: the next run finds nothing to do.
        let (summary, counts) = s.update();
        assert_eq!((summary.articles, counts.unchanged), (2, 2));
        assert_eq!(counts.added + counts.removed + counts.changed, 0);
    }

    #[test]
    fn a_different_configuration_or_full_refuses_an_update() {
        let s = Setup::indexed();
        assert_eq!(s.refusal(&s.config, &s.opts), None);
        let full = IndexOptions {
            full: true,
            ..s.opts.clone()
        };
        assert_eq!(
            s.refusal(&s.config, &full).as_deref(),
            Some("--full was given")
        );
        let mut smaller = s.config.clone();
        smaller.set_max_words(40).unwrap();
        let why = s.refusal(&smaller, &s.opts).unwrap_or_default();
        assert!(why.contains("the passage size (--max-words)"), "{why}");
        let elsewhere = IndexOptions {
            dir: s.opts.dir.with_file_name("none"),
            ..s.opts.clone()
        };
        let why = s.refusal(&s.config, &elsewhere);
        assert_eq!(why.as_deref(), Some("there is no index yet"));
    }
}
