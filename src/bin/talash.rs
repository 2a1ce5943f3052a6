//! `talash`: search the passage index from the terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args as ClapArgs, CommandFactory, Parser, Subcommand};
use talash::batch::run::{BatchOptions, DocIdKind};
use talash::batch::{self, InputFormat, MAX_HITS, read_query_file};
use talash::cli::{DEFAULT_INDEX, cores, run};
use talash::error::usage;
use talash::eval::Metric;
use talash::output::run::{OutputFormat, RunPrinter};
use talash::output::terminal::HitField;
use talash::output::{ColorChoice, articles, json, terminal};
use talash::search::Paging;
use talash::search::articles::Aggregate;
use talash::search::facets::{FacetField, FacetRequest};
use talash::search::page::PageRequest;
use talash::search::show::Window;
use talash::search::timeline::By;
use talash::search::{Engine, FilterArgs};

/// Search news passages by relevance, filtered by militant group, date and outlet.
#[derive(Parser, Debug)]
#[command(version, after_help = EXAMPLES)]
struct Cli {
    /// Index folder (built by talash-index).
    #[arg(long, global = true, env = "TALASH_INDEX", default_value = DEFAULT_INDEX, value_name = "DIR")]
    index: PathBuf,
    /// When to colour output; NO_COLOR in the environment also turns it off.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "Examples:
  talash search Landberg
  talash search '\"joint statement\" TTP' --since 2024-01-01
  talash search Daesh --group ISIS --json
  talash search dialogue --outlet 'express tribune' --limit 3
  talash search counterterrorism --facets --facet-year 2023
  talash search TTP --per-article 1
  talash show et-2023-03-06-counter-terror-dialogue#3 --context 1
  talash timeline TTP --by month
  talash facets --field group
  talash groups
  talash completions bash > ~/.local/share/bash-completion/completions/talash
  talash man --dir ~/.local/share/man/man1";

#[derive(Subcommand, Debug)]
enum Command {
    /// Rank passages by relevance to a query.
    #[command(after_help = SEARCH_HELP)]
    Search(SearchArgs),
    /// List the groups of the index's gazetteer, with their aliases.
    #[command(after_help = GROUPS_HELP)]
    Groups,
    /// Run a file of queries; write a TREC run or JSON lines.
    #[command(after_help = BATCH_HELP)]
    Batch(BatchArgs),
    /// Score a TREC run against relevance judgments, as trec_eval does.
    #[command(after_help = EVAL_HELP)]
    Eval(EvalArgs),
    /// Every group, outlet or date in the index, with passage and article counts.
    #[command(after_help = FACETS_HELP)]
    Facets(FacetsArgs),
    /// Show a passage in its article, with the passages around it.
    #[command(after_help = SHOW_HELP)]
    Show(ShowArgs),
    /// Matching passages and articles per year, month or day, as a bar chart.
    #[command(after_help = TIMELINE_HELP)]
    Timeline(TimelineArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Write man pages (talash.1, talash-search.1, ...) into a folder, or print talash.1.
    #[command(after_help = MAN_HELP)]
    Man(ManArgs),
}

const GROUPS_HELP: &str =
    "Any name or alias listed works with --group, in any case, and in queries.

Examples:
  talash groups
  talash search threat --group TTP
  talash search Pakistan --group ISIS-K";

const FACETS_HELP: &str = "Counts are over the whole index: passages, and the distinct articles
they come from. Groups nest (ISIS/Khorasan under ISIS; a passage counts once for a parent);
dates nest year > month > day.

Examples:
  talash facets
  talash facets --field group
  talash facets --field date --json";

const SHOW_HELP: &str = "Passage ids are printed by `talash search` after each rank
(or `talash search QUERY --json | jq -r .passage_id`).

Examples:
  talash show et-2023-03-06-counter-terror-dialogue#3
  talash show agencies-2024-05-ttp-daish-threat#2 --context 2
  talash show et-2023-03-09-counterterror-talks#1 --article
  talash show et-2023-03-06-counter-terror-dialogue#3 --json";

const TIMELINE_HELP: &str = "Every period from the first match to the last is listed, zero where
nothing matched. Bars are scaled to the terminal width (COLUMNS, else the terminal, else 80).
Articles dated only to a year or month are not guessed into a finer period: under --by month or
--by day they are counted apart, by their own date, below the chart.

Examples:
  talash timeline TTP
  talash timeline counterterrorism --by month
  talash timeline dialogue --by day --since 2023-03 --until 2023-03
  talash timeline Pakistan --group ISIS --json";

const COMPLETIONS_HELP: &str = "Examples:
  talash completions bash > ~/.local/share/bash-completion/completions/talash
  talash completions zsh > ~/.zfunc/_talash
  talash completions fish > ~/.config/fish/completions/talash.fish";

const MAN_HELP: &str = "Examples:
  talash man --dir ~/.local/share/man/man1 && man talash-search
  talash man | man -l -";

#[derive(ClapArgs, Debug)]
struct FacetsArgs {
    /// Only this facet (default: group, outlet and date).
    #[arg(long, value_enum)]
    field: Option<FacetField>,
    /// One JSON object per facet field instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(ClapArgs, Debug)]
struct ShowArgs {
    /// The passage id, as printed by `talash search` (ARTICLE-ID#N).
    #[arg(value_name = "PASSAGE_ID")]
    id: String,
    /// Passages to show before and after it.
    #[arg(
        long,
        short = 'C',
        default_value_t = 1,
        value_name = "N",
        conflicts_with = "article"
    )]
    context: usize,
    /// Show the whole article.
    #[arg(long)]
    article: bool,
    /// One JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(ClapArgs, Debug)]
struct TimelineArgs {
    /// The query (several arguments are joined with spaces).
    #[arg(required = true, value_name = "QUERY")]
    query: Vec<String>,
    #[command(flatten)]
    filters: FilterFlags,
    /// The period of one bar.
    #[arg(long, value_enum, default_value_t = By::Year)]
    by: By,
    /// One JSON object instead of a chart.
    #[arg(long)]
    json: bool,
}

#[derive(ClapArgs, Debug)]
struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(ClapArgs, Debug)]
struct ManArgs {
    /// Write talash.1 and one page per subcommand here (default: print talash.1 to stdout).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

const SEARCH_HELP: &str = "Query syntax:
  words           ranked by BM25 over passage text and title
  \"a phrase\"      the words in this order
  a AND b, a OR b, NOT a, (grouping), +required, -excluded
  title:word, text:\"a phrase\"
Group names expand: `Daesh` also finds \"Da’ish\" and \"ISIS\"; `ISKP` finds \"ISIS-Khorasan\".

Examples:
  talash search Landberg
  talash search 'Pakistani Taliban' --since 2024
  talash search counterterrorism --group BLA --group ISIS-K
  talash search cooperation --outlet 'the express tribune' --until 2023-03
  talash search '\"joint statement\" -police' --json | jq .passage_id
  talash search counterterrorism --facets                 # counts over all matches
  talash search counterterrorism --facets --facet-year 2023
  talash search TTP --per-article 2 --limit 4 --offset 4  # two per article at most, page 2
  talash search Landberg --fields id,title
  talash search Taliban --by-article --aggregate maxplus";

#[derive(ClapArgs, Debug)]
struct SearchArgs {
    /// The query (several arguments are joined with spaces).
    #[arg(required = true, value_name = "QUERY")]
    query: Vec<String>,
    #[command(flatten)]
    filters: FilterFlags,
    /// Number of passages to show.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10000))]
    limit: u64,
    /// Skip this many passages first (for paging).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    offset: u64,
    /// One JSON object per line instead of text.
    #[arg(long)]
    json: bool,
    /// One row per article, scored from all its matching passages, with its best passage as
    /// the snippet; --limit and --offset then count articles.
    #[arg(long, conflicts_with_all = ["facets", "per_article", "fields"])]
    by_article: bool,
    /// How --by-article scores an article: max (its best passage), sum (all matching
    /// passages), maxplus (best plus 0.05 x the others), maxplus:W (best plus W x the others).
    #[arg(
        long,
        default_value = "max",
        value_name = "HOW",
        requires = "by_article"
    )]
    aggregate: Aggregate,
    /// After the hits, count all matching passages per group, outlet and year.
    #[arg(long)]
    facets: bool,
    /// With --facets, also count the months of this year.
    #[arg(long, value_name = "YYYY", requires = "facets", value_parser = clap::value_parser!(u16).range(1..=9999))]
    facet_year: Option<u16>,
    /// At most N passages from one article (the rest of the article is skipped, not lost to paging).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10000))]
    per_article: Option<u64>,
    /// What plain output prints of each hit, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = HitField::DEFAULT)]
    fields: Vec<HitField>,
}

#[derive(ClapArgs, Debug)]
struct FilterFlags {
    /// Only passages about this group: canonical name or any alias, any case. Repeat for any of several.
    #[arg(long = "group", short = 'g', value_name = "GROUP")]
    groups: Vec<String>,
    /// Only passages from this outlet (any case; a leading "The" is ignored). Repeatable.
    #[arg(long = "outlet", value_name = "OUTLET")]
    outlets: Vec<String>,
    /// Only articles dated on or after this (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only articles dated on or before this (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
}

impl From<FilterFlags> for FilterArgs {
    fn from(f: FilterFlags) -> Self {
        FilterArgs {
            groups: f.groups,
            outlets: f.outlets,
            since: f.since,
            until: f.until,
        }
    }
}

fn main() -> ExitCode {
    run("talash", || {
        let cli = Cli::parse();
        if let Command::Eval(args) = &cli.command {
            return eval(args);
        }
        talash::index::damage::guard_index(&cli.index.clone(), || {
            let stdout = std::io::stdout();
            match &cli.command {
                Command::Completions(a) => {
                    talash::cli::docs::completions(Cli::command(), a.shell, &mut stdout.lock())?;
                    return Ok(ExitCode::SUCCESS);
                }
                Command::Man(a) => {
                    man(a, &mut stdout.lock())?;
                    return Ok(ExitCode::SUCCESS);
                }
                _ => {}
            }
            let engine = talash::search::Engine::open(&cli.index)?;
            // Article text must not drive the terminal (see output::safe).
            let mut out = talash::output::safe::SafeTerminal::new(stdout.lock());
            match cli.command {
                Command::Search(args) => search(&engine, args, cli.color, &mut out)?,
                Command::Groups => groups(&engine, &mut out)?,
                Command::Batch(args) => return batch(&engine, args, &mut out),
                Command::Eval(_) => {}
                Command::Facets(args) => facets(&engine, args, cli.color, &mut out)?,
                Command::Show(args) => show(&engine, args, cli.color, &mut out)?,
                Command::Timeline(args) => timeline(&engine, args, cli.color, &mut out)?,
                Command::Completions(_) | Command::Man(_) => {}
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        })
    })
}

fn search(
    engine: &Engine,
    args: SearchArgs,
    color: ColorChoice,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let query = args.query.join(" ");
    let filters = engine.resolve_filters(&args.filters.into())?;
    if args.by_article {
        let page = Paging {
            limit: args.limit as usize,
            offset: args.offset as usize,
        };
        // None: JSON lines; Some: terminal output in this style.
        let style = (!args.json).then(|| terminal::Style {
            color: color.enabled(),
        });
        return search_articles(engine, &query, &filters, args.aggregate, page, style, out);
    }
    let req = PageRequest {
        paging: Paging {
            limit: args.limit as usize,
            offset: args.offset as usize,
        },
        per_article: args
            .per_article
            .and_then(|n| std::num::NonZeroUsize::new(n as usize)),
        facets: args.facets.then_some(FacetRequest {
            year: args.facet_year,
        }),
    };
    let page = talash::search::page::search(engine, &query, &filters, req)?;
    let style = terminal::Style {
        color: color.enabled(),
    };
    if args.json {
        json::write_hits(out, &page.hits)?;
        if let Some(f) = &page.facets {
            json::write_facets(out, f)?;
        }
        return Ok(());
    }
    if page.hits.is_empty() {
        writeln!(
            out,
            "No passages match {query:?}{}.",
            if filters.is_empty() {
                ""
            } else {
                " with these filters"
            }
        )?;
    } else {
        terminal::write_hits_with(out, &page.hits, style, &args.fields)?;
    }
    if let Some(f) = &page.facets {
        talash::output::facets::write_search_facets(out, f, style)?;
    }
    Ok(())
}

fn search_articles(
    engine: &Engine,
    query: &str,
    filters: &talash::search::Filters,
    agg: Aggregate,
    page: Paging,
    style: Option<terminal::Style>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let hits = engine.search_articles(query, filters, agg, page)?;
    match style {
        None => articles::write_json(out, &hits)?,
        Some(_) if hits.is_empty() => writeln!(out, "No articles match {query:?}.")?,
        Some(style) => articles::write_terminal(out, &hits, style)?,
    }
    Ok(())
}

fn facets(
    engine: &Engine,
    args: FacetsArgs,
    color: ColorChoice,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let fields = args
        .field
        .map(|f| vec![f])
        .unwrap_or_else(|| FacetField::ALL.to_vec());
    let style = terminal::Style {
        color: color.enabled(),
    };
    for (i, field) in fields.into_iter().enumerate() {
        let f = talash::search::facets::index_facets(engine, field)?;
        if args.json {
            json::write_line(out, &f)?;
        } else {
            if i > 0 {
                writeln!(out)?;
            }
            talash::output::facets::write_index_facets(out, &f, style)?;
        }
    }
    Ok(())
}

fn show(
    engine: &Engine,
    args: ShowArgs,
    color: ColorChoice,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let window = if args.article {
        Window::Article
    } else {
        Window::Around(args.context)
    };
    let shown = talash::search::show::show(engine, &args.id, window)?;
    if args.json {
        json::write_line(out, &shown)
    } else {
        let style = terminal::Style {
            color: color.enabled(),
        };
        talash::output::show::write_shown(out, &shown, style)
    }
}

fn timeline(
    engine: &Engine,
    args: TimelineArgs,
    color: ColorChoice,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let query = args.query.join(" ");
    let filters = engine.resolve_filters(&args.filters.into())?;
    let q = talash::search::page::query(engine, &query, &filters)?;
    let t = talash::search::timeline::timeline(engine, &*q, args.by)?;
    if args.json {
        json::write_line(out, &t)
    } else {
        let style = terminal::Style {
            color: color.enabled(),
        };
        talash::output::timeline::write_timeline(out, &query, &t, talash::output::width(), style)
    }
}

fn man(args: &ManArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    match &args.dir {
        None => talash::cli::docs::man_page(Cli::command(), out),
        Some(dir) => {
            for page in talash::cli::docs::man_pages(Cli::command(), dir)? {
                writeln!(out, "{}", page.display())?;
            }
            Ok(())
        }
    }
}

fn groups(engine: &Engine, out: &mut dyn Write) -> anyhow::Result<()> {
    for g in engine.open.config.gazetteer.groups() {
        let depth = g.path.segments().len() - 1;
        writeln!(out, "{}{}  ({})", "  ".repeat(depth), g.path, g.name)?;
        let aliases: Vec<&str> = g.all_aliases().collect();
        writeln!(
            out,
            "{}    aliases: {}",
            "  ".repeat(depth),
            aliases.join(", ")
        )?;
    }
    Ok(())
}

const BATCH_HELP: &str = "Query files (format from the extension, or --input-format):
  *.txt     one query a line; the id is the line number
  *.tsv     qid<TAB>query
  *.jsonl   {\"id\": \"q1\", \"query\": \"...\", \"group\": \"TTP\", \"outlet\": ..., \"since\": ..., \"until\": ..., \"hits\": 50}
            (a query's own filters replace the command line's)
  *.trec    TREC topics: <top> <num> ID <title> QUERY </top>
Blank lines and # comments are skipped. A bad line is reported as FILE:LINE and the others
still run (exit status 1); --strict checks the whole file first and runs nothing if a line is bad.

Examples:
  talash batch topics.tsv --output run.txt --run-tag talash
  talash batch monitor.jsonl --format jsonl --since 2024 --hits 20
  talash eval qrels.txt run.txt";

#[derive(ClapArgs, Debug)]
struct BatchArgs {
    /// The query file.
    #[arg(value_name = "QUERIES_FILE")]
    queries: PathBuf,
    /// Write the run here instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output: a TREC run or JSON lines (the search --json fields plus qid).
    #[arg(long, value_enum, default_value_t = OutputFormat::Trec)]
    format: OutputFormat,
    /// The query file's format (default: from its extension).
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<InputFormat>,
    /// Results per query (a JSONL query's \"hits\" overrides it).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=MAX_HITS as u64))]
    hits: u64,
    /// What a TREC docid names: the passage, or the article scored from its passages.
    #[arg(long, value_enum, default_value_t = DocIdKind::Passage)]
    docid: DocIdKind,
    /// With --docid article, how an article is scored: max (its best passage, the default),
    /// sum (all matching passages), maxplus (best plus 0.05 x the others), maxplus:W.
    #[arg(long, value_name = "HOW")]
    aggregate: Option<Aggregate>,
    /// Search threads. Default: the number of cores.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    threads: Option<u64>,
    /// The run's name, the last column of a TREC run.
    #[arg(long, default_value = "talash", value_name = "TAG")]
    run_tag: String,
    /// Stop at the first bad line, before running anything.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    filters: FilterFlags,
}

fn batch(engine: &Engine, args: BatchArgs, stdout: &mut dyn Write) -> anyhow::Result<ExitCode> {
    if args.run_tag.is_empty() || args.run_tag.chars().any(char::is_whitespace) {
        return Err(usage(format!(
            "--run-tag {:?}: a run tag is one word without spaces",
            args.run_tag
        )));
    }
    let aggregate = match (args.docid, args.aggregate) {
        (DocIdKind::Passage, Some(_)) => {
            return Err(usage(
                "--aggregate scores articles: use it with --docid article".to_string(),
            ));
        }
        (_, agg) => agg.unwrap_or(Aggregate::Max),
    };
    let cli_filters: FilterArgs = args.filters.into();
    // A bad filter on the command line is every query's problem: a usage error up front.
    engine.resolve_filters(&cli_filters)?;
    let format = match args.input_format {
        Some(f) => f,
        None => InputFormat::from_path(&args.queries).map_err(usage)?,
    };
    let file = read_query_file(&args.queries, format, args.strict)?;
    let total = file.queries.len() + file.errors.len();
    let (prepared, mut errors) = batch::run::prepare(
        engine,
        &args.queries,
        file.queries,
        &cli_filters,
        args.hits as usize,
        args.strict,
    );
    errors.extend(file.errors);
    errors.sort_by_key(|e| e.line);
    for e in &errors {
        eprintln!("talash: error: {e}");
        if args.strict {
            eprintln!("talash: --strict: stopped at the first bad line; nothing was run");
            return Ok(ExitCode::FAILURE);
        }
    }
    let opts = BatchOptions {
        docid: args.docid,
        aggregate,
        hits: args.hits as usize,
        threads: args.threads.map(|t| t as usize).unwrap_or_else(cores),
    };
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(prepared.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut on_done = || bar.inc(1);
    let failures = match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            let mut printer = RunPrinter::new(&mut w, args.format, &args.run_tag);
            let f = batch::run::run(engine, &prepared, &opts, &mut printer, &mut on_done)?;
            w.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            f
        }
        None => {
            let mut printer = RunPrinter::new(stdout, args.format, &args.run_tag);
            let f = batch::run::run(engine, &prepared, &opts, &mut printer, &mut on_done)?;
            stdout.flush()?;
            f
        }
    };
    bar.finish_and_clear();
    for f in &failures {
        eprintln!(
            "talash: error: {}:{}: query {:?}: {}",
            args.queries.display(),
            f.line,
            f.qid,
            f.message
        );
    }
    let failed = errors.len() + failures.len();
    if failed > 0 {
        eprintln!("talash: {failed} of {total} queries failed (listed above); the others ran");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

const EVAL_HELP: &str = "QRELS lines: `qid iter docid relevance` (trec_eval's format); RUN lines:
`qid Q0 docid rank score tag`. A document is relevant when its relevance is above 0; nDCG uses
the relevance values as gains; unjudged documents are not relevant. Queries in the run but not
in the judgments are ignored, and judged queries missing from the run are left out of the
average, as trec_eval does without -c (with --complete they count as finding nothing).

Metrics: map, ndcg_cut_K, P_K, recall_K, recip_rank (K a cut-off, e.g. ndcg_cut_10).

Examples:
  talash eval qrels.txt run.txt
  talash eval qrels.txt run.txt --metrics map,P_5 --per-query";

#[derive(ClapArgs, Debug)]
struct EvalArgs {
    /// Relevance judgments (TREC qrels).
    #[arg(value_name = "QRELS")]
    qrels: PathBuf,
    /// A TREC run (e.g. from talash batch).
    #[arg(value_name = "RUN")]
    run: PathBuf,
    /// Comma-separated metrics.
    #[arg(
        long,
        default_value = "map,ndcg_cut_10,P_10,recall_100,recip_rank",
        value_delimiter = ','
    )]
    metrics: Vec<String>,
    /// Also print each query's values.
    #[arg(long, short = 'q')]
    per_query: bool,
    /// Count judged queries missing from the run as finding nothing (trec_eval's -c).
    #[arg(long, short = 'c')]
    complete: bool,
}

fn eval(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let metrics = args
        .metrics
        .iter()
        .map(|m| m.parse::<Metric>().map_err(usage))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let qrels = talash::eval::read_qrels(&args.qrels)?;
    let run = talash::eval::read_run(&args.run)?;
    let result = talash::eval::evaluate(&qrels, &run, &metrics, args.complete);
    if !result.unjudged_queries.is_empty() {
        eprintln!(
            "talash: note: {} run queries have no judgments and are ignored: {}",
            result.unjudged_queries.len(),
            talash::eval::shorten(&result.unjudged_queries)
        );
    }
    if !result.missing_queries.is_empty() && !args.complete {
        eprintln!(
            "talash: note: {} judged queries are not in the run and are left out of the averages (as trec_eval without -c): {}",
            result.missing_queries.len(),
            talash::eval::shorten(&result.missing_queries)
        );
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    talash::output::eval::write_evaluation(&mut out, &result, &metrics, args.per_query)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
