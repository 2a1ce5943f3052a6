//! `talash`: search the passage index from the terminal.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args as ClapArgs, Parser, Subcommand};
use talash::cli::{DEFAULT_INDEX, run};
use talash::output::{ColorChoice, json, terminal};
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
  talash groups";

#[derive(Subcommand, Debug)]
enum Command {
    /// Rank passages by relevance to a query.
    #[command(after_help = SEARCH_HELP)]
    Search(SearchArgs),
    /// List the groups of the index's gazetteer, with their aliases.
    Groups,
}

const SEARCH_HELP: &str = "Query syntax:
  words           ranked by BM25 over passage text and title (title weighs double)
  \"a phrase\"      the words in this order
  a AND b, a OR b, NOT a, (grouping), +required, -excluded
  title:word, text:\"a phrase\"
Group names expand: `Daesh` also finds \"Da’ish\" and \"ISIS\"; `ISKP` finds \"ISIS-Khorasan\".

Examples:
  talash search Landberg
  talash search 'Pakistani Taliban' --since 2024
  talash search counterterrorism --group BLA --group ISIS-K
  talash search cooperation --outlet 'the express tribune' --until 2023-03
  talash search '\"joint statement\" -police' --json | jq .passage_id";

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
        talash::damage::guard_index(&cli.index.clone(), || {
            let engine = talash::recover::open_engine(&cli.index)?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            match cli.command {
                Command::Search(args) => search(&engine, args, cli.color, &mut out)?,
                Command::Groups => groups(&engine, &mut out)?,
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
    let hits = engine.search(&query, &filters, args.limit as usize, args.offset as usize)?;
    if args.json {
        json::write_hits(out, &hits)?;
    } else if hits.is_empty() {
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
        terminal::write_hits(
            out,
            &hits,
            terminal::Style {
                color: color.enabled(),
            },
        )?;
    }
    Ok(())
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
