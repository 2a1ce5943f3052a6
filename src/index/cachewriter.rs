//! Writing the stat cache (see [`crate::index::statcache`] for what it holds and why): a
//! full build streams it out as the corpus goes by; an update keeps the old cache's entries
//! as spans of its text and writes them, with the few that changed, only if it commits,
//! as a delta while that pays.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;

use crate::index::sidefile::{self, DELTA_END, Pending, STAT_CACHE};
use crate::index::statcache::{
    Cached, DELTA_HEADER, FileEntry, HEADER, OldCache, Slot, Texts, clean, entry_text, header,
};

/// The new cache: written as the corpus streams by into a partial file in the index folder
/// (a full build), or, for an update, kept as pieces (mostly spans of the old cache, copied as
/// they were) and written only if the update commits; [`CacheWriter::finish`] names it for
/// its commit.
pub struct CacheWriter {
    out: Out,
    dir: PathBuf,
}

enum Out {
    /// Written as it goes; `None` once it cannot be.
    Stream(Option<Pending>),
    /// Spans of the old cache's texts and of `new`, in order; written by `finish`.
    Pieces(Box<Pieces>),
}

struct Pieces {
    header: Option<String>,
    old: Option<Arc<Texts>>,
    pieces: Vec<Piece>,
    new: String,
    /// Which of the old whole cache's entries are kept as they were.
    kept: Vec<bool>,
    /// Entries that are not the old whole cache's (from its delta, or new).
    fresh: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Whole(std::ops::Range<usize>),
    Delta(std::ops::Range<usize>),
    New(std::ops::Range<usize>),
}

impl CacheWriter {
    /// Starts the cache in `dir`. If it cannot be written (or the working folder's name is
    /// odd), the run goes on and writes an empty cache at the end.
    pub fn create(dir: &Path, max_file_bytes: u64) -> CacheWriter {
        let out = header(max_file_bytes).and_then(|h| {
            let mut f = STAT_CACHE.start(dir).ok()?;
            writeln!(f, "{h}").ok()?;
            Some(f)
        });
        CacheWriter {
            out: Out::Stream(out),
            dir: dir.to_path_buf(),
        }
    }

    /// Starts the cache of an update, which writes nothing unless it commits, from the old
    /// cache `old` (whose entries it copies).
    pub fn deferred(dir: &Path, max_file_bytes: u64, old: Option<&OldCache>) -> CacheWriter {
        let old = old.map(OldCache::texts);
        let pieces = Pieces {
            header: header(max_file_bytes),
            kept: vec![false; old.as_ref().map_or(0, |o| o.whole_len())],
            old,
            pieces: Vec::new(),
            new: String::new(),
            fresh: 0,
        };
        CacheWriter {
            out: Out::Pieces(Box::new(pieces)),
            dir: dir.to_path_buf(),
        }
    }

    /// Records a file the old cache vouched for, unchanged (calls in corpus order).
    pub fn keep(&mut self, cached: &Cached) {
        match &mut self.out {
            Out::Stream(out) => {
                if let Some(o) = out.as_mut()
                    && o.write_all(cached.bytes()).is_err()
                {
                    *out = None;
                }
            }
            Out::Pieces(p) => {
                if !p.old.as_ref().is_some_and(|o| cached.is_from(o)) {
                    // Not the old cache it started from: left out (the file is read next time).
                    return;
                }
                match cached.span() {
                    (Slot::Whole(n), span) => {
                        if let Some(k) = p.kept.get_mut(n as usize) {
                            *k = true;
                        }
                        push_piece(&mut p.pieces, Piece::Whole(span));
                    }
                    (Slot::Delta(_), span) => {
                        p.fresh += 1;
                        push_piece(&mut p.pieces, Piece::Delta(span));
                    }
                }
            }
        }
    }

    /// Records a file (calls in corpus order). Files whose path, ids or outlets hold a tab or
    /// line break are left out: they are simply read on every run.
    pub fn add(&mut self, path: &Path, entry: &FileEntry) {
        let Some(p) = path.to_str().filter(|p| clean(p)) else {
            return;
        };
        if !entry.outlets.iter().all(|o| clean(o)) || !entry.articles.iter().all(|a| clean(&a.0)) {
            return;
        }
        let text = entry_text(p, entry);
        match &mut self.out {
            Out::Stream(out) => {
                if let Some(o) = out.as_mut()
                    && o.write_all(text.as_bytes()).is_err()
                {
                    *out = None;
                }
            }
            Out::Pieces(p) => {
                let start = p.new.len();
                p.new.push_str(&text);
                p.fresh += 1;
                push_piece(&mut p.pieces, Piece::New(start..p.new.len()));
            }
        }
    }

    /// Writes the cache out durably under the name for the commit of `opstamp`; returns its
    /// name, and that of the whole cache it changes when written as a delta.
    ///
    /// An update that changes a few files of 180k writes a delta: the entries that are not
    /// the whole cache's, then an `R` line for each of the whole cache's entries dropped,
    /// instead of 20 MB, while [`sidefile::delta_pays`]; then the whole cache again.
    pub fn finish(self, opstamp: u64) -> Result<(String, Option<String>)> {
        match self.out {
            Out::Stream(Some(out)) => Ok((out.finish(opstamp)?, None)),
            Out::Pieces(p) if p.header.is_some() => {
                let name = STAT_CACHE.file_name(opstamp);
                STAT_CACHE.write(&self.dir, opstamp, |f| p.write(f, &name))
            }
            _ => {
                // Could not be written as it went: an empty, valid-but-unusable cache.
                let empty = |f: &mut Pending| writeln!(f, "{HEADER}\t-");
                let (name, ()) = STAT_CACHE.write(&self.dir, opstamp, empty)?;
                Ok((name, None))
            }
        }
    }
}

impl Pieces {
    /// Writes the cache (to be named `name`) as a delta on the old whole cache when that is
    /// worth it, else whole; returns the whole cache's name for a delta.
    fn write(&self, f: &mut impl Write, name: &str) -> std::io::Result<Option<String>> {
        let header = self.header.as_deref().unwrap_or(HEADER);
        let settings = header
            .strip_prefix(HEADER)
            .and_then(|r| r.strip_prefix('\t'))
            .unwrap_or("");
        let dropped = self.kept.iter().filter(|k| !**k).count();
        let delta_on = self.old.as_ref().filter(|o| {
            o.settings() == settings
                && sidefile::delta_pays(&o.whole_name, name, self.fresh + dropped, o.whole_len())
        });
        let bytes = |piece: &Piece| -> &[u8] {
            let old = self.old.as_deref();
            match piece {
                Piece::Whole(r) => old.map_or(&[][..], |o| &o.whole.as_bytes()[r.clone()]),
                Piece::Delta(r) => old.map_or(&[][..], |o| &o.delta.as_bytes()[r.clone()]),
                Piece::New(r) => &self.new.as_bytes()[r.clone()],
            }
        };
        let Some(old) = delta_on else {
            writeln!(f, "{header}")?;
            for piece in &self.pieces {
                f.write_all(bytes(piece))?;
            }
            return Ok(None);
        };
        writeln!(f, "{DELTA_HEADER}\t{settings}\t{}", old.whole_name)?;
        for piece in self.pieces.iter().filter(|p| !matches!(p, Piece::Whole(_))) {
            f.write_all(bytes(piece))?;
        }
        let dropped = self.kept.iter().enumerate().filter(|(_, k)| !**k);
        for path in dropped.filter_map(|(n, _)| old.whole_path(n)) {
            writeln!(f, "R\t{path}")?;
        }
        f.write_all(DELTA_END.as_bytes())?;
        Ok(Some(old.whole_name.clone()))
    }
}

/// Appends `piece`, joined to the last one when it continues it (an update that changes one
/// file keeps the old cache in two pieces).
fn push_piece(pieces: &mut Vec<Piece>, piece: Piece) {
    match (pieces.last_mut(), &piece) {
        (Some(Piece::Whole(last)), Piece::Whole(r))
        | (Some(Piece::Delta(last)), Piece::Delta(r))
        | (Some(Piece::New(last)), Piece::New(r))
            if last.end == r.start =>
        {
            last.end = r.end;
        }
        _ => pieces.push(piece),
    }
}
