//! `talash-index`: builds the passage index from a corpus of articles.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use talash::cli::{DEFAULT_INDEX, cores, run};
use talash::index::{self, IndexOptions, IndexSummary, RunKind};
use talash::schema::{Config, ConfigSources};

/// Build a Talash index over article passages.
///
/// Reads Markdown articles with TOML front matter (see corpus/README.md), removes page
/// furniture, cuts paragraphs into passages, tags each with the groups it names, and writes a
/// tantivy index. Re-running updates the index: only articles added or changed since the last
/// run are indexed, and removed ones are deleted (a changed schema, gazetteer, boilerplate or
/// passage size rebuilds everything). Searches keep working meanwhile.
#[derive(Parser, Debug)]
#[command(
    version,
    after_help = "Examples:\n  talash-index                      # index ./corpus into ./index\n  talash-index my-articles/ --index /tmp/idx\n  talash-index corpus/ extra.md --max-words 80"
)]
struct Args {
    /// Article files or folders (walked for *.md). Default: ./corpus
    #[arg(value_name = "CORPUS_PATH")]
    corpus: Vec<PathBuf>,
    /// Index folder.
    #[arg(long, env = "TALASH_INDEX", default_value = DEFAULT_INDEX, value_name = "DIR")]
    index: PathBuf,
    /// Schema file to use instead of the built-in index-schema/schema.toml.
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// Group gazetteer to use instead of the built-in index-schema/groups.toml.
    #[arg(long, value_name = "FILE")]
    groups: Option<PathBuf>,
    /// Boilerplate rules to use instead of the built-in index-schema/boilerplate.toml.
    #[arg(long, value_name = "FILE")]
    boilerplate: Option<PathBuf>,
    /// Longest passage in words (overrides the schema's passages.max_words).
    #[arg(long, value_name = "N")]
    max_words: Option<usize>,
    /// Skip bad files, list them, index the rest, and exit with status 1.
    #[arg(long)]
    keep_going: bool,
    /// Indexing memory budget in MB (tantivy's writer heap, shared by all threads).
    #[arg(long, default_value_t = 256, value_name = "MB", value_parser = clap::value_parser!(u64).range(16..=65536))]
    memory: u64,
    /// Indexing threads. Default: the number of cores.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: Option<u64>,
    /// Rebuild every article instead of updating the index with what changed.
    #[arg(long)]
    full: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    run("talash-index", || {
        let args = Args::parse();
        let sources = ConfigSources::with_overrides(
            args.schema.as_deref(),
            args.groups.as_deref(),
            args.boilerplate.as_deref(),
        )?;
        let mut config = Config::load(sources, "")?;
        if let Some(n) = args.max_words {
            config
                .set_max_words(n)
                .map_err(|e| talash::error::usage(e.to_string()))?;
        }
        let corpus = if args.corpus.is_empty() {
            vec![PathBuf::from("corpus")]
        } else {
            args.corpus
        };
        // Each indexing thread needs at least 15 MB of heap in tantivy.
        let threads = args.threads.map(|t| t as usize).unwrap_or_else(cores);
        let memory_bytes = (args.memory as usize) << 20;
        let threads = threads.min((memory_bytes / (16 << 20)).max(1));
        let opts = IndexOptions {
            corpus,
            dir: args.index,
            keep_going: args.keep_going,
            memory_bytes,
            threads,
            full: args.full,
        };
        let summary = index::build(&config, &opts)?;
        report(&summary, &opts, args.quiet);
        Ok(if summary.skipped.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        })
    })
}

fn report(s: &IndexSummary, opts: &IndexOptions, quiet: bool) {
    for w in &s.warnings {
        eprintln!("talash-index: warning: {w}");
    }
    for e in &s.skipped {
        eprintln!("talash-index: skipped: {e}");
    }
    if quiet {
        return;
    }
    let how = match &s.run {
        RunKind::Full { reason } => format!("Indexed (full rebuild: {reason})"),
        RunKind::Incremental(c) => format!(
            "Updated: {} added, {} changed, {} removed, {} unchanged articles ({} passages written, {} deleted); the index holds",
            c.added, c.changed, c.removed, c.unchanged, c.passages_added, c.passages_deleted
        ),
    };
    eprintln!(
        "{how} {} articles, {} passages in {:.2} s into {} ({:.1} kB)",
        s.articles,
        s.passages,
        s.elapsed.as_secs_f64(),
        opts.dir.display(),
        s.index_bytes as f64 / 1000.0
    );
    if !s.per_group.is_empty() {
        let groups: Vec<String> = s
            .per_group
            .iter()
            .map(|(g, n)| format!("{g} {n}"))
            .collect();
        eprintln!("Passages per group: {}", groups.join(", "));
    }
    if !s.skipped.is_empty() {
        eprintln!(
            "{} file(s) skipped because of errors (listed above)",
            s.skipped.len()
        );
    }
}
