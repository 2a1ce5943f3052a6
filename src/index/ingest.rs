//! Streaming the corpus into the index: files are read, hashed, cut into passages, tagged and
//! turned into tantivy documents by a pool of worker threads, and handed to the indexer one
//! article at a time **in corpus order**, so memory stays bounded by the writer heap and a
//! window of files, while the results (duplicate-id errors, outlet names, the manifest) are
//! exactly those of reading the corpus in order.
//!
//! Errors keep their meaning: without `--keep-going` a bad file fails the run, and as documents
//! are only committed at the end, nothing of a failed run is ever committed. A read error wins
//! over a duplicate id found earlier (as when the whole corpus was read before checking ids).
//!
//! With a [`StatCache`] from the previous run, files whose size and mtime are unchanged are not
//! read at all: their articles are taken from the cache (ids) and the manifest (hashes).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Result;
use tantivy::TantivyDocument;
use xxhash_rust::xxh3::xxh3_128;

use crate::corpus::walk::FileStat;
use crate::corpus::{self, Article, InputError};
use crate::index::articlehash::ArticleHash;
use crate::index::cachewriter::CacheWriter;
use crate::index::document::{article_doc, outlet_key, passage_doc};
use crate::index::manifest::Manifest;
use crate::index::statcache::{Cached, EntryRef, FileEntry, HeldArticle, OldCache};
use crate::parallel::ordered_map;
use crate::schema::{Config, Fields};

/// The corpus as the walk found it: the article files in corpus order, each one's stat when
/// taken (`None` when the walk took none or could not), and the paths it could not read.
pub(crate) struct Walked<'f> {
    pub files: &'f [PathBuf],
    pub stats: &'f [Option<FileStat>],
    pub bad: Vec<InputError>,
}

/// What the workers need to prepare an article.
pub(crate) struct Context<'a> {
    pub config: &'a Config,
    pub fields: &'a Fields,
    /// The previous run's manifest: articles whose hash it holds need no documents.
    pub old: Option<&'a Manifest>,
    pub max_file_bytes: u64,
    pub keep_going: bool,
    pub workers: usize,
    /// When the run started (files modified shortly before are not cached).
    pub started: SystemTime,
}

/// One article, read and ready to index.
pub(crate) struct Prepared {
    pub id: String,
    pub path: PathBuf,
    /// Its line in a JSONL collection (which names it in errors).
    pub line: Option<usize>,
    pub outlet: Option<String>,
    pub hash: ArticleHash,
    pub warnings: Vec<String>,
    /// Its passages' documents; `None` when the previous index holds this very content.
    pub docs: Option<Vec<TantivyDocument>>,
    /// Passages per group, of `docs`.
    pub groups: Vec<(String, usize)>,
}

impl Prepared {
    /// Hashes the article and, unless `old` already holds it, builds its documents.
    fn of(article: Article, ctx: &Context) -> Prepared {
        let hash = ArticleHash::of(&article);
        let indexed = ctx.old.and_then(|m| m.get(&article.id)).map(|e| e.hash);
        let (docs, groups) = match indexed == Some(hash) {
            true => (None, Vec::new()),
            false => {
                let (docs, groups) = article_docs(ctx.config, ctx.fields, &article);
                (Some(docs), groups)
            }
        };
        let line = corpus::jsonl::is_jsonl_file(&article.path).then_some(article.body_line);
        Prepared {
            line,
            outlet: article.outlet,
            hash,
            warnings: article.warnings,
            docs,
            groups,
            id: article.id,
            path: article.path,
        }
    }
}

/// An article's passages as documents, with the number of passages per group.
fn article_docs(
    config: &Config,
    fields: &Fields,
    article: &Article,
) -> (Vec<TantivyDocument>, Vec<(String, usize)>) {
    let passages = corpus::passages_for(article, &config.boilerplate, &config.spec.passages);
    // The title is the same for every passage: tag it once (tagging is per-word work).
    let title_groups = config.gazetteer.tag(&article.title, "");
    let mut per_group: BTreeMap<String, usize> = BTreeMap::new();
    let mut docs = Vec::with_capacity(passages.len());
    let shared = article_doc(fields, article);
    for p in passages {
        let mut groups = config.gazetteer.tag("", &p.text);
        groups.extend(title_groups.iter().cloned());
        groups.sort();
        groups.dedup();
        for g in &groups {
            *per_group.entry(g.to_string()).or_default() += 1;
        }
        docs.push(passage_doc(fields, &shared, p, &groups));
    }
    (docs, per_group.into_iter().collect())
}

/// Where an article id was first seen: its file (an index into the corpus files), and its
/// line in a JSONL collection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place(usize, Option<usize>);

impl Place {
    fn show(self, files: &[PathBuf]) -> String {
        let path = files.get(self.0).map(|p| p.display().to_string());
        match self.1 {
            Some(n) => format!("{}:{n}", path.unwrap_or_default()),
            None => path.unwrap_or_default(),
        }
    }
}

/// Where the accepted articles go (a fresh index, or an update of one).
pub(crate) trait Sink {
    /// How many files will be read (the others are vouched for by the stat cache).
    fn plan(&mut self, _files_to_read: usize) {}
    /// An article read from the corpus, accepted (its id is not a duplicate).
    fn article(&mut self, article: Prepared) -> Result<()>;
    /// An article of a file the stat cache vouches for: unchanged since the last run.
    fn cached(&mut self, id: &str) -> Result<()>;
}

/// What streaming the corpus found, besides what went to the sink.
#[derive(Debug, Default)]
pub(crate) struct Streamed<'a> {
    pub bad: Vec<InputError>,
    pub warnings: Vec<String>,
    /// Outlet facet key → the name first written for it, in corpus order.
    pub outlets: BTreeMap<String, String>,
    pub per_group: BTreeMap<String, usize>,
    pub articles: usize,
    pub files: usize,
    pub files_read: usize,
    /// Every article id taken, with where.
    pub seen: Seen<'a>,
}

/// Every article id taken so far, with where. Ids the previous manifest holds are marked at
/// their position in it (no allocation per article: an update at 1M passages meets 180k of
/// them, and the ids it did not meet are the articles removed); others are kept in a map.
#[derive(Debug, Default)]
pub(crate) struct Seen<'a> {
    old: Option<&'a Manifest>,
    marks: Vec<Option<Place>>,
    others: HashMap<String, Place>,
}

impl<'a> Seen<'a> {
    fn new(old: Option<&'a Manifest>) -> Seen<'a> {
        Seen {
            old,
            marks: vec![None; old.map_or(0, Manifest::read_len)],
            others: HashMap::new(),
        }
    }

    fn get(&self, id: &str) -> Option<Place> {
        match self.old.and_then(|m| m.position(id)) {
            Some(at) => self.marks.get(at).copied().flatten(),
            None => self.others.get(id).copied(),
        }
    }

    fn insert(&mut self, id: &str, place: Place) {
        match self.old.and_then(|m| m.position(id)) {
            Some(at) => self.mark(at, place),
            None => {
                self.others.insert(id.to_string(), place);
            }
        }
    }

    fn marked(&self, at: usize) -> bool {
        self.marks.get(at).is_some_and(Option::is_some)
    }

    fn mark(&mut self, at: usize, place: Place) {
        if let Some(m) = self.marks.get_mut(at) {
            *m = Some(place);
        }
    }

    /// The previous manifest's ids that were not taken: articles gone from the corpus.
    pub fn unseen(&self) -> impl Iterator<Item = &'a str> {
        let old = self.old;
        self.marks
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_none())
            .filter_map(move |(at, _)| old?.id_at(at))
    }
}

/// The per-run state of accepting articles in corpus order.
struct Acceptor<'c, 'a> {
    ctx: &'c Context<'a>,
    files: &'c [PathBuf],
    cache: &'c mut CacheWriter,
    out: Streamed<'a>,
    dups: Vec<InputError>,
    first_dup: Option<InputError>,
    /// Outlet names of cached files already entered into `out.outlets`.
    outlet_names: HashSet<String>,
}

/// What one file gave, for the cache: its articles and outlets, and whether it was clean.
#[derive(Default)]
struct FileTally {
    held: Vec<HeldArticle>,
    outlets: Vec<String>,
    clean: bool,
}

impl Acceptor<'_, '_> {
    /// Takes one article read from `tally`'s file (or the error reading it).
    fn take(
        &mut self,
        file: usize,
        read: Result<Prepared, InputError>,
        tally: &mut FileTally,
        sink: &mut dyn Sink,
    ) -> Result<()> {
        let p = match read {
            Ok(p) => p,
            Err(e) if self.ctx.keep_going => {
                tally.clean = false;
                self.out.bad.push(e);
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(prev) = self.out.seen.get(&p.id) {
            tally.clean = false;
            let e = InputError {
                path: p.path.clone(),
                // A Markdown duplicate points at its `id =` line (read again, only for this).
                line: p.line.or_else(|| crate::corpus::id_line(&p.path)),
                message: format!(
                    "article id {:?} is already used by {}; ids must be unique",
                    p.id,
                    prev.show(self.files)
                ),
            };
            match self.ctx.keep_going {
                true => self.dups.push(e),
                false => {
                    self.first_dup.get_or_insert(e);
                }
            }
            return Ok(());
        }
        self.out.seen.insert(&p.id, Place(file, p.line));
        if !p.warnings.is_empty() {
            tally.clean = false;
        }
        self.out.warnings.extend(p.warnings.iter().cloned());
        if let Some(o) = &p.outlet {
            self.out
                .outlets
                .entry(outlet_key(o))
                .or_insert_with(|| o.clone());
            if !tally.outlets.contains(o) {
                tally.outlets.push(o.clone());
            }
        }
        for (g, n) in &p.groups {
            *self.out.per_group.entry(g.clone()).or_default() += n;
        }
        tally.held.push(HeldArticle(p.id.clone(), p.line));
        self.out.articles += 1;
        if self.first_dup.is_none() {
            // After a duplicate without --keep-going the run fails: indexing more is waste.
            sink.article(p)?;
        }
        Ok(())
    }

    /// Takes the articles of a file the cache vouches for, unless one of its ids was already
    /// seen (another file took it meanwhile): then the file is read, to report it properly.
    /// `positions` are its articles' positions in the previous manifest.
    fn take_cached(
        &mut self,
        file: usize,
        (entry, positions): (Cached, &[usize]),
        sink: &mut dyn Sink,
    ) -> Result<()> {
        let files = self.files;
        let path = &files[file];
        if positions.iter().any(|&at| self.out.seen.marked(at)) {
            let stat = Some(entry.stat());
            return self.take_file(file, stat, read_file(path, self.ctx), sink);
        }
        for ((id, line), &at) in entry.articles().zip(positions) {
            self.out.seen.mark(at, Place(file, line));
            self.out.articles += 1;
            sink.cached(id)?;
        }
        for o in entry.outlets() {
            // Most files name an outlet already met: skip making its key again.
            if !self.outlet_names.contains(o) {
                self.outlet_names.insert(o.to_string());
                self.out
                    .outlets
                    .entry(outlet_key(o))
                    .or_insert_with(|| o.to_string());
            }
        }
        self.cache.keep(&entry);
        Ok(())
    }

    /// Takes the articles read from one file, and caches the file when it was clean.
    fn take_file(
        &mut self,
        file: usize,
        stat: Option<FileStat>,
        read: FileRead,
        sink: &mut dyn Sink,
    ) -> Result<()> {
        let files = self.files;
        let path = &files[file];
        self.out.files_read += 1;
        let mut tally = FileTally {
            clean: true,
            ..Default::default()
        };
        // A file the walk did not stat (a full build) has the stat taken when it was read.
        let stat = match read {
            FileRead::Markdown(r, read_stat) => {
                self.take(file, r.map(|a| *a), &mut tally, sink)?;
                stat.or(read_stat)
            }
            FileRead::Jsonl => {
                let stat = stat.or_else(|| FileStat::of(path));
                // A collection file: one article a line, read as a stream, here.
                for read in corpus::jsonl::JsonlArticles::open(path)? {
                    let prepared = read.map(|a| Prepared::of(a, self.ctx));
                    self.take(file, prepared, &mut tally, sink)?;
                }
                stat
            }
        };
        if let Some(stat) = stat.filter(|s| tally.clean && s.cacheable(self.ctx.started)) {
            let entry = FileEntry {
                stat,
                articles: tally.held,
                outlets: tally.outlets,
            };
            self.cache.add(path, &entry);
        }
        Ok(())
    }
}

/// One file's articles, as a worker leaves them.
enum FileRead {
    /// With the file's stat when it was opened.
    Markdown(Result<Box<Prepared>, InputError>, Option<FileStat>),
    /// Collections are streamed by the accepting thread (they may be large).
    Jsonl,
}

fn read_file(path: &Path, ctx: &Context) -> FileRead {
    load_file(path, ctx).prepare(path, ctx)
}

/// One file as read from disk, before it is parsed and prepared (or already prepared, when
/// the loading threads also prepare).
enum Loaded {
    Text(Result<(String, Option<FileStat>), InputError>),
    Read(FileRead),
}

fn load_file(path: &Path, ctx: &Context) -> Loaded {
    if corpus::jsonl::is_jsonl_file(path) {
        return Loaded::Read(FileRead::Jsonl);
    }
    Loaded::Text(corpus::read_text_with_stat(path, ctx.max_file_bytes))
}

impl Loaded {
    /// The bytes of text held, unprepared (a prepared file is alone in its chunk).
    fn bytes(&self) -> usize {
        match self {
            Loaded::Text(Ok((text, _))) => text.len(),
            Loaded::Text(Err(_)) | Loaded::Read(_) => 0,
        }
    }

    fn prepare(self, path: &Path, ctx: &Context) -> FileRead {
        match self {
            Loaded::Read(read) => read,
            Loaded::Text(Err(e)) => FileRead::Markdown(Err(e), None),
            Loaded::Text(Ok((text, stat))) => FileRead::Markdown(
                corpus::Article::parse(&text, path).map(|a| Box::new(Prepared::of(a, ctx))),
                stat,
            ),
        }
    }
}

/// Threads that read files ahead of the preparing thread when there is only one: reading
/// mostly waits on the disk, and news corpora are many small files. With a cold cache (this
/// benchmark machine drops the pages of files left unread for a few seconds) a third of a
/// 100k-passage corpus came from disk, read one file at a time on the preparing thread. Two
/// threads did as well as four, and one as well as two.
const LOADING_THREADS: usize = 2;

/// Files a loading thread reads at a time, so that handing them over costs little (each
/// hand-off may wake a thread: 100k, 10 alternating builds, 32 files a chunk took 6% less CPU
/// than 8; 64 and 128 were no better), and chunks read ahead of the preparing thread at most.
const LOAD_CHUNK_FILES: usize = 32;
const LOAD_AHEAD_CHUNKS: usize = 8;

/// A loading thread stops reading a chunk once it holds this much (the preparing thread reads
/// the rest itself), so what is read ahead stays under 8 × (256 KB + one file), whatever the
/// sizes of the files (a first build does not know them before reading).
const LOAD_CHUNK_BYTES: usize = 256 * 1024;

/// What a loading thread reads of `chunk`: its first files, up to [`LOAD_CHUNK_BYTES`].
fn load_chunk(chunk: &[usize], mut load: impl FnMut(usize) -> Loaded) -> Vec<Loaded> {
    let mut loaded = Vec::with_capacity(chunk.len());
    let mut bytes = 0;
    for &i in chunk {
        if bytes >= LOAD_CHUNK_BYTES {
            break;
        }
        let file = load(i);
        bytes += file.bytes();
        loaded.push(file);
    }
    loaded
}

/// Streams the article `files` (sorted, as discovered, with their stats) into `sink`. `bad`
/// holds the discovery errors (with `keep_going`). `old_cache` is the previous run's stat
/// cache, if any; the new one goes to `cache`.
pub(crate) fn stream<'a>(
    ctx: &Context<'a>,
    corpus: Walked,
    old_cache: Option<&OldCache>,
    cache: &mut CacheWriter,
    sink: &mut dyn Sink,
) -> Result<Streamed<'a>> {
    let Walked { files, stats, bad } = corpus;
    // Which files must be read: those the cache does not vouch for, with their stats taken
    // by the walk, before reading (a change while reading then shows next time).
    // First the files whose stat matches, with their ids (numbered in `ids`, hashed in
    // `keys`); then the positions of all those ids in the previous manifest at once (all
    // must be there). Handles and u32 bounds keep the table of every file small: its memory
    // is fresh, and at 1M passages page faults are a good part of an update's system time.
    let mut ids: Vec<&str> = Vec::with_capacity(files.len());
    let mut keys: Vec<(u128, u32)> = Vec::with_capacity(files.len());
    let mut matching = |i: usize, cursor: &mut usize| -> Option<(EntryRef, u32, u32)> {
        let entry = old_cache?.find(cursor, &files[i])?;
        if ctx.old.is_none() || Some(entry.stat()) != stats.get(i).copied().flatten() {
            return None;
        }
        let start = u32::try_from(ids.len()).ok()?;
        for (id, _) in entry.articles() {
            let n = u32::try_from(ids.len()).ok()?;
            ids.push(id);
            keys.push((xxh3_128(id.as_bytes()), n));
        }
        Some((entry.handle(), start, u32::try_from(ids.len()).ok()?))
    };
    let mut cursor = 0;
    let mut cached: Vec<Option<(EntryRef, u32, u32)>> =
        (0..files.len()).map(|i| matching(i, &mut cursor)).collect();
    let mut positions = vec![usize::MAX; ids.len()];
    if let Some(old) = ctx.old {
        for (n, at) in old.positions(&mut keys, |n| ids[n as usize]) {
            positions[n as usize] = at.unwrap_or(usize::MAX);
        }
    }
    drop(keys);
    for c in cached.iter_mut() {
        let missing = c.is_some_and(|(_, from, to)| {
            positions[from as usize..to as usize].contains(&usize::MAX)
        });
        if missing {
            *c = None;
        }
    }
    let to_read: Vec<usize> = (0..files.len()).filter(|&i| cached[i].is_none()).collect();
    if !to_read.is_empty() {
        // Compiled (and checked) now: a run that reads no article never compiles them. The
        // cached articles re-read below without it (`flush_cached`, `take_cached`) only happen
        // in an update, whose rules are the recorded ones, checked by the build that recorded
        // them (a changed rule file means a full build, which reads every file).
        ctx.config.boilerplate.ready()?;
    }
    sink.plan(to_read.len());
    let mut acc = Acceptor {
        ctx,
        files,
        cache,
        out: Streamed {
            bad,
            files: files.len(),
            seen: Seen::new(ctx.old),
            ..Default::default()
        },
        dups: Vec::new(),
        first_dup: None,
        outlet_names: HashSet::new(),
    };
    let stat_of = |i: usize| stats.get(i).copied().flatten();
    let mut next_cached = 0;
    let mut flush_cached = |acc: &mut Acceptor, upto: usize, sink: &mut dyn Sink| -> Result<()> {
        while next_cached < upto {
            let i = next_cached;
            next_cached += 1;
            let found = cached[i].and_then(|(e, from, to)| {
                let at = positions.get(from as usize..to as usize)?;
                Some((old_cache?.get(e)?, at))
            });
            if let Some(found) = found {
                acc.take_cached(i, found, sink)?;
            } else if cached[i].is_some() {
                // Cannot happen (the handle came from this cache); read the file then.
                acc.take_file(i, stat_of(i), read_file(&files[i], ctx), sink)?;
            }
        }
        Ok(())
    };
    // One preparing thread (the accepting one) has files read ahead for it by loading
    // threads, in chunks; several preparing threads read and prepare their own files, one at
    // a time, 16 each ahead of the accepting thread (what they hold is prepared documents).
    let (threads, prepare_ahead, chunk_files, ahead) = match ctx.workers {
        1 => (LOADING_THREADS, false, LOAD_CHUNK_FILES, LOAD_AHEAD_CHUNKS),
        n => (n, true, 1, 16 * n),
    };
    let chunks: Vec<&[usize]> = to_read.chunks(chunk_files).collect();
    ordered_map(
        &chunks,
        threads,
        ahead,
        |chunk| {
            load_chunk(chunk, |i| match load_file(&files[i], ctx) {
                loaded if prepare_ahead => Loaded::Read(loaded.prepare(&files[i], ctx)),
                loaded => loaded,
            })
        },
        |k, loaded| {
            let mut loaded = loaded.into_iter();
            for &i in chunks[k] {
                flush_cached(&mut acc, i, sink)?;
                // The files a loading thread left unread (it held enough) are read here.
                let file = loaded.next().unwrap_or_else(|| load_file(&files[i], ctx));
                let read = file.prepare(&files[i], ctx);
                acc.take_file(i, stat_of(i), read, sink)?;
            }
            Ok(())
        },
    )?;
    flush_cached(&mut acc, files.len(), sink)?;
    if let Some(e) = acc.first_dup {
        return Err(e.into());
    }
    let mut out = acc.out;
    out.bad.extend(acc.dups);
    if out.articles == 0 && !out.bad.is_empty() {
        crate::index::recover::refuse_empty_run(&[], &out.bad)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loading_thread_stops_once_it_holds_enough() {
        let size = |i: usize| if i == 3 { LOAD_CHUNK_BYTES } else { 100 };
        let text = |i: usize| Loaded::Text(Ok(("x".repeat(size(i)), None)));
        let chunk: Vec<usize> = (0..LOAD_CHUNK_FILES).collect();
        assert_eq!(
            load_chunk(&chunk, text).len(),
            4,
            "stops after the large file"
        );
        let small: Vec<usize> = (4..LOAD_CHUNK_FILES).collect();
        assert_eq!(load_chunk(&small, text).len(), small.len());
        assert!(load_chunk(&[], text).is_empty());
    }
}
