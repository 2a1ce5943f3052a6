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
//! With an [`OldCache`] (the stat cache) from the previous run, files whose size and mtime
//! are unchanged are not read at all: their articles are taken from the cache (ids) and the
//! manifest (hashes). The preparing of articles is in [`crate::index::prepare`], the
//! bookkeeping of the ids seen in [`crate::index::seen`].

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use anyhow::Result;
use xxhash_rust::xxh3::xxh3_128;

use crate::corpus::walk::FileStat;
use crate::corpus::{self, InputError};
use crate::index::cachewriter::CacheWriter;
use crate::index::document::outlet_key;
use crate::index::prepare::{
    Context, FileRead, LOAD_AHEAD_CHUNKS, LOAD_CHUNK_FILES, LOADING_THREADS, Loaded, Prepared,
    load_chunk, load_file, read_file,
};
use crate::index::seen::{Place, Seen};
use crate::index::statcache::{Cached, EntryRef, FileEntry, HeldArticle, OldCache};
use crate::parallel::ordered_map;

/// The corpus as the walk found it: the article files in corpus order, each one's stat when
/// taken (`None` when the walk took none or could not), and the paths it could not read.
pub(crate) struct Walked<'f> {
    pub files: &'f [PathBuf],
    pub stats: &'f [Option<FileStat>],
    pub bad: Vec<InputError>,
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
            FileRead::Skipped(why, read_stat) => {
                // Said again on every run (a skipped page is not cached), as a warning.
                tally.clean = false;
                self.out.warnings.push(why);
                stat.or(read_stat)
            }
            FileRead::Jsonl if corpus::warc::is_warc_file(path) => {
                let stat = stat.or_else(|| FileStat::of(path));
                // A web archive: one article per HTML record, read as a stream, here.
                let ctx = self.ctx;
                let mut records =
                    corpus::warc::WarcArticles::open(path, ctx.defaults, ctx.max_file_bytes)?;
                for read in records.by_ref() {
                    let prepared = read.map(|a| Prepared::of(a, ctx));
                    self.take(file, prepared, &mut tally, sink)?;
                }
                self.out.warnings.push(records.report());
                stat
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

/// What the stat cache says of a file: `None` when it must be read, else its entry and the
/// range of its articles' positions (in the previous manifest) in the table [`vouched`]
/// returns.
type Vouched = Option<(EntryRef, u32, u32)>;

/// Which files need not be read: those the cache vouches for, with their stats taken by the
/// walk, before reading (a change while reading then shows next time), and whose articles
/// the previous manifest all holds. Returns each file's [`Vouched`], and the positions.
fn vouched(
    ctx: &Context,
    files: &[PathBuf],
    stats: &[Option<FileStat>],
    old_cache: Option<&OldCache>,
) -> (Vec<Vouched>, Vec<usize>) {
    // First the files whose stat matches, with their ids (numbered in `ids`, hashed in
    // `keys`); then the positions of all those ids in the previous manifest at once (all
    // must be there). Handles and u32 bounds keep the table of every file small: its memory
    // is fresh, and at 1M passages page faults are a good part of an update's system time.
    let mut ids: Vec<&str> = Vec::with_capacity(files.len());
    let mut keys: Vec<(u128, u32)> = Vec::with_capacity(files.len());
    let mut matching = |i: usize, cursor: &mut usize| -> Vouched {
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
    let mut cached: Vec<Vouched> = (0..files.len()).map(|i| matching(i, &mut cursor)).collect();
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
    (cached, positions)
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
    let (cached, positions) = vouched(ctx, files, stats, old_cache);
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
