//! `talash`: search the passage index from the terminal.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args as ClapArgs, CommandFactory, Parser, Subcommand};
use talash::cli::{DEFAULT_INDEX, run};
use talash::facets::{FacetField, FacetRequest};
use talash::output::terminal::HitField;
use talash::output::{ColorChoice, json, terminal};
use talash::page::PageRequest;
use talash::search::{Engine, FilterArgs};
use talash::show::Window;
use talash::timeline::By;

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
  talash search '\"joint statement\" -police' --json | jq .passage_id
  talash search counterterrorism --facets                 # counts over all matches
  talash search counterterrorism --facets --facet-year 2023
  talash search TTP --per-article 2 --limit 4 --offset 4  # two per article at most, page 2
  talash search Landberg --fields id,title";

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
        let stdout = std::io::stdout();
        match &cli.command {
            Command::Completions(a) => {
                talash::docs::completions(Cli::command(), a.shell, &mut stdout.lock())?;
                return Ok(ExitCode::SUCCESS);
            }
            Command::Man(a) => {
                man(a, &mut stdout.lock())?;
                return Ok(ExitCode::SUCCESS);
            }
            _ => {}
        }
        let engine = Engine::new(talash::index::open(&cli.index)?)?;
        let mut out = stdout.lock();
        match cli.command {
            Command::Search(args) => search(&engine, args, cli.color, &mut out)?,
            Command::Groups => groups(&engine, &mut out)?,
            Command::Facets(args) => facets(&engine, args, cli.color, &mut out)?,
            Command::Show(args) => show(&engine, args, cli.color, &mut out)?,
            Command::Timeline(args) => timeline(&engine, args, cli.color, &mut out)?,
            Command::Completions(_) | Command::Man(_) => {}
        }
        out.flush()?;
        Ok(ExitCode::SUCCESS)
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
    let req = PageRequest {
        limit: args.limit as usize,
        offset: args.offset as usize,
        per_article: args
            .per_article
            .and_then(|n| std::num::NonZeroUsize::new(n as usize)),
        facets: args.facets.then_some(FacetRequest {
            year: args.facet_year,
        }),
    };
    let page = talash::page::search(engine, &query, &filters, req)?;
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
        let f = talash::facets::index_facets(engine, field)?;
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
    let shown = talash::show::show(engine, &args.id, window)?;
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
    let q = talash::page::query(engine, &query, &filters)?;
    let t = talash::timeline::timeline(engine, &*q, args.by)?;
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
        None => talash::docs::man_page(Cli::command(), out),
        Some(dir) => {
            for page in talash::docs::man_pages(Cli::command(), dir)? {
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
