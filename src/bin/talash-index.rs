//! `talash-index`: builds the passage index from a corpus of articles. The flags and the work
//! live in `talash::cli::index`; this only parses the command line and hands it over.

use std::process::ExitCode;

use clap::Parser;
use talash::cli::index::{Args, run as index};
use talash::cli::run;

/// Indexing allocates every passage's strings and document on a worker thread and frees them on
/// tantivy's indexing threads; glibc's allocator pays for those cross-thread frees. Built
/// without transparent huge pages: they doubled peak memory on small corpora (a 2 MB page is
/// zeroed and counted for each sparsely touched stretch of tantivy's hash tables) for no
/// speed that could be measured here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    run("talash-index", || index(Args::parse()))
}
