//! `talash-index`: builds or updates the passage index from a corpus of articles.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{DEFAULT_INDEX, cores, docs};
use crate::index::folders::CorpusMode;
use crate::index::meta::IndexOptions;
use crate::schema::{Config, ConfigSources};

value_enum! {
    /// The passage unit of JSONL collections.
    pub enum JsonlUnit => crate::schema::JsonlUnit {
        /// The whole article is one passage, never cut.
        Article,
        /// Paragraphs, cut to `max_words`, as for Markdown articles.
        Paragraph,
    }
}

/// Build a Talash index over article passages.
///
/// Reads Markdown articles with TOML front matter (see corpus/README.md), plain text and bare
/// Markdown (the title from the first line), JSONL collections, saved web pages (*.html,
/// *.htm, *.html.gz) and web archives (*.warc, *.warc.gz): docs/CORPUS.md. Removes page
/// furniture, cuts paragraphs into passages, tags each with the groups it names, and writes a
/// tantivy index. Re-running updates the index: only articles added or changed since the last
/// run are indexed, and removed ones are deleted (a changed schema, gazetteer, boilerplate or
/// passage size rebuilds everything). The index remembers the folders and files it was built
/// from: a plain `talash-index` re-reads them all, and `--add DIR` adds one. An update reads only files whose size or modification
/// time changed since the last run (touch a file, or use --full, to have it read again).
/// Searches keep working meanwhile.
#[derive(clap::Parser, Debug)]
#[command(
    name = "talash-index",
    version,
    after_help = "Examples:\n  talash-index                      # index ./corpus into ./index (later: re-read the folders it remembers)\n  talash-index --add ~/my-articles  # add a folder to ./index; keep the other articles\n  talash-index my-articles/ --index /tmp/idx\n  talash-index corpus/ extra.md --max-words 80\n  talash-index --completions bash > ~/.local/share/bash-completion/completions/talash-index\n  talash-index --man ~/.local/share/man/man1"
)]
pub struct Args {
    /// Article files or folders (walked for *.md, *.txt, *.jsonl, *.html, *.htm, *.html.gz,
    /// *.warc, *.warc.gz). Default: the paths the index remembers (those it was built from),
    /// else ./corpus. Paths that leave out a remembered one are refused (exit 2) unless --add
    /// or --replace says what to do with it.
    #[arg(value_name = "CORPUS_PATH")]
    corpus: Vec<PathBuf>,
    /// Add the paths given to the index: read them and every remembered path, keep all their
    /// articles, and remember the new paths too.
    #[arg(long, requires = "corpus", conflicts_with = "replace")]
    add: bool,
    /// Index only the paths given: the remembered paths left out are forgotten and their
    /// articles removed (the summary says how many).
    #[arg(long, requires = "corpus")]
    replace: bool,
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
    /// What a passage is for a JSONL collection's article: the whole article (never cut) or
    /// its paragraphs cut to --max-words (overrides the schema's passages.jsonl).
    #[arg(long, value_enum, value_name = "UNIT")]
    jsonl_passages: Option<JsonlUnit>,
    /// Skip bad files, list them, index the rest, and exit with status 1.
    #[arg(long)]
    keep_going: bool,
    /// Indexing memory budget in MB: three quarters go to tantivy's writer heap (shared by all
    /// threads), less Talash's bookkeeping; peak memory stays near the budget.
    #[arg(long, default_value_t = 256, value_name = "MB", value_parser = clap::value_parser!(u64).range(16..=65536))]
    memory: u64,
    /// Indexing threads. Default: the number of cores.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: Option<u64>,
    /// Largest article file accepted, in MB; bigger files are refused (or skipped with
    /// --keep-going) as probably not one article.
    #[arg(long, default_value_t = 16, value_name = "MB", value_parser = clap::value_parser!(u64).range(1..=65536))]
    max_file_mb: u64,
    /// The date of articles that give none: text files, Markdown without front matter, and
    /// web pages whose metadata has no date (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    date: Option<crate::date::DateSpan>,
    /// The outlet of articles that give none (as --date).
    #[arg(long, value_name = "NAME")]
    outlet: Option<String>,
    /// Rebuild every article, reading every file, instead of updating the index with what
    /// changed.
    #[arg(long)]
    full: bool,
    /// Print nothing but errors (no progress bar, no summary).
    #[arg(long, short)]
    quiet: bool,
    /// Print a shell completion script for talash-index and exit (bash, zsh, fish, ...).
    #[arg(long, value_name = "SHELL", conflicts_with = "corpus")]
    completions: Option<clap_complete::Shell>,
    /// Write the talash-index.1 man page into DIR and exit.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["corpus", "completions"])]
    man: Option<PathBuf>,
}

/// Prints the completion script or writes the man page when asked to; else builds the index.
/// Exit status 1 when files were skipped (`--keep-going`), though the rest was indexed.
pub fn run(args: Args) -> Result<ExitCode> {
    if let Some(shell) = args.completions {
        docs::completions(Args::command(), shell, &mut std::io::stdout().lock())?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(dir) = &args.man {
        for page in docs::man_pages(Args::command(), dir)? {
            println!("{}", page.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let config = config(&args)?;
    let quiet = args.quiet;
    let opts = options(args);
    let progress = crate::cli::progress::for_stderr(quiet);
    let summary = crate::index::build(&config, &opts, &*progress)?;
    crate::output::index::write_report(&mut std::io::stderr().lock(), &summary, &opts, quiet)?;
    Ok(if summary.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The built-in configuration with the files and settings the flags override.
fn config(args: &Args) -> Result<Config> {
    let (sources, names) = ConfigSources::with_overrides(
        args.schema.as_deref(),
        args.groups.as_deref(),
        args.boilerplate.as_deref(),
    )?;
    let mut config = Config::load(sources, &names)?;
    if let Some(n) = args.max_words {
        config
            .set_max_words(n)
            .map_err(|e| crate::error::usage(e.to_string()))?;
    }
    if let Some(unit) = args.jsonl_passages {
        config.set_jsonl_unit(unit.into());
    }
    Ok(config)
}

fn parse_date(s: &str) -> Result<crate::date::DateSpan, String> {
    crate::date::DateSpan::parse(s.trim())
}

fn options(args: Args) -> IndexOptions {
    let mode = if args.add {
        CorpusMode::Add
    } else if args.replace {
        CorpusMode::Replace
    } else {
        CorpusMode::Update
    };
    // Each indexing thread needs at least 15 MB of heap in tantivy.
    let threads = args.threads.map(|t| t as usize).unwrap_or_else(cores);
    let memory_bytes = (args.memory as usize) << 20;
    let threads = threads.min((memory_bytes / (16 << 20)).max(1));
    IndexOptions {
        corpus: args.corpus,
        dir: args.index,
        keep_going: args.keep_going,
        memory_bytes,
        threads,
        max_file_bytes: args.max_file_mb * crate::corpus::MB,
        full: args.full,
        mode,
        remember: Vec::new(),
        defaults: crate::corpus::Defaults {
            date: args.date,
            outlet: args
                .outlet
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty()),
        },
    }
}
