//! What an indexing run reports while it works. The library only calls the trait; the bar that
//! draws it lives in the CLI (`cli::progress`), so the library never prints.

/// What the indexer reports while it works.
pub trait Progress {
    /// The corpus is read: this many articles to index.
    fn start(&self, articles: usize);
    /// One more article indexed, cut into this many passages.
    fn article(&self, passages: usize);
    /// All articles are in; the index is being committed.
    fn finish(&self);
}

/// Reports nothing (`--quiet`, a pipe, library use).
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: usize) {}
    fn article(&self, _: usize) {}
    fn finish(&self) {}
}
