//! `talash search`: rank passages (or articles) by relevance to a query.

use std::io::Write;
use std::num::NonZeroUsize;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::common::FilterFlags;
use crate::output::terminal::{self, Style};
use crate::output::{articles, json};
use crate::search::Paging;
use crate::search::articles::Aggregate;
use crate::search::facets::FacetRequest;
use crate::search::page::{PageRequest, Sort};
use crate::search::{Engine, Filters, Ranking};

pub const HELP: &str = "Query syntax:
  words           ranked by BM25 over passage text and title
  \"a phrase\"      the words in this order
  a AND b, a OR b, NOT a, (grouping), +required, -excluded
  title:word, text:\"a phrase\", author:name
  Tali*           a prefix: the most frequent indexed words that start so
  Note:TTP, http://...  text, as is any word before a colon that names no field
Group names expand: `Daesh` also finds \"Da’ish\" and \"ISIS\"; `ISKP` finds \"ISIS-Khorasan\".

Exit status: 0 when something matched; 1 when nothing did (said on stderr, as grep and ripgrep
do, and also past the last page) or on an error; 2 on a usage error (a bad flag, query, filter
or date).

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
  talash search Landberg --width 60                       # wrap text at 60 columns (0: never)
  talash search Taliban --by-article --aggregate maxplus
  talash search 'Pakistani Taliban' --prf rm3               # with feedback terms
  talash search 'counterterrorism dialogue' --proximity     # the words together rank higher";

value_enum! {
    /// A part of a hit that plain output can print (`--fields`).
    pub enum HitField => terminal::HitField {
        /// The passage id (`article#n`), for `talash show`.
        Id,
        /// The BM25 score.
        Score,
        /// The article's title.
        Title,
        /// Outlet, date, author and groups.
        Meta,
        /// The best fragment, matches highlighted.
        Snippet,
        /// The whole passage.
        Text,
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
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
    #[arg(long, value_name = "YYYY", requires = "facets", value_parser = crate::cli::common::parse_year)]
    facet_year: Option<u16>,
    /// At most N passages from one article (the rest of the article is skipped, not lost to paging).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10000))]
    per_article: Option<u64>,
    /// The order of the hits: score (best first), date (oldest first) or -date (newest first).
    #[arg(long, default_value = "score", value_name = "ORDER", allow_hyphen_values = true,
          value_parser = parse_sort, conflicts_with_all = ["by_article", "per_article"])]
    sort: Sort,
    /// Pseudo-relevance feedback: rm3 (10 results, 10 terms, original weight 0.7) or
    /// rm3:DOCS:TERMS:WEIGHT; the query is run again with terms of its top results.
    #[arg(long, value_name = "rm3[:DOCS:TERMS:WEIGHT]")]
    prf: Option<crate::search::feedback::Rm3>,
    /// Rank passages where the query's words stand together higher: each two neighbouring
    /// words also score as a phrase and as a pair at most 7 words apart, either way (queries
    /// without operators; slower: no pruning).
    #[arg(long)]
    proximity: bool,
    /// After the hits, print how many passages match in how many articles.
    #[arg(long, visible_alias = "total")]
    count: bool,
    /// What plain output prints of each hit, comma-separated (--json prints every field).
    #[arg(long, value_enum, value_delimiter = ',', conflicts_with = "json",
          default_values_t = terminal::HitField::DEFAULT.map(HitField::from))]
    fields: Vec<HitField>,
}

/// `--sort`: score, date or -date.
fn parse_sort(s: &str) -> Result<Sort, String> {
    match s {
        "score" => Ok(Sort::Score),
        "date" | "+date" => Ok(Sort::Date),
        "-date" => Ok(Sort::NewestFirst),
        _ => Err(format!(
            "{s:?} is not an order; use score (best first), date (oldest first) or -date (newest first)"
        )),
    }
}

/// No hits is exit status 1 with the message on stderr, as grep and ripgrep do.
fn no_match(query: &str, what: &str, filtered: bool, past_end: Option<usize>) -> Result<ExitCode> {
    let mut err = std::io::stderr().lock();
    terminal::write_no_match(&mut err, query, what, filtered, past_end)?;
    Ok(ExitCode::FAILURE)
}

pub fn run(engine: &Engine, args: Args, style: Style, out: &mut dyn Write) -> Result<ExitCode> {
    let query = args.query.join(" ");
    let filters = engine.resolve_filters(&args.filters.into())?;
    let paging = Paging {
        limit: args.limit as usize,
        offset: args.offset as usize,
    };
    let ranking = Ranking {
        prf: args.prf,
        proximity: args.proximity,
    };
    if args.by_article {
        // None: JSON lines; Some: terminal output in this style.
        let style = (!args.json).then_some(style);
        let how = (args.aggregate, ranking, args.count);
        return by_article(engine, &query, &filters, how, paging, style, out);
    }
    let req = PageRequest {
        paging,
        per_article: args.per_article.and_then(|n| NonZeroUsize::new(n as usize)),
        facets: args.facets.then_some(FacetRequest {
            year: args.facet_year,
        }),
        sort: args.sort,
        count: args.count,
        ranking,
    };
    let page = crate::search::page::search(engine, &query, &filters, req)?;
    if args.json {
        json::write_hits(out, &page.hits)?;
        if let Some(f) = &page.facets {
            json::write_facets(out, f)?;
        }
        if let Some(t) = &page.totals {
            json::write_totals(out, t)?;
        }
    } else {
        let fields: Vec<terminal::HitField> = args.fields.into_iter().map(Into::into).collect();
        terminal::write_hits_with(out, &page.hits, style, &fields)?;
        if let Some(t) = &page.totals {
            if !page.hits.is_empty() {
                writeln!(out)?;
            }
            terminal::write_totals(out, t)?;
        }
        if let Some(f) = &page.facets {
            crate::output::facets::write_search_facets(out, f, style)?;
        }
    }
    if page.hits.is_empty() {
        return no_match(&query, "passages", !filters.is_empty(), page.past_end);
    }
    Ok(ExitCode::SUCCESS)
}

/// `--by-article`: one row per article, in `style`, or JSON lines when `style` is `None`;
/// then the totals, with `--count` (as for passages, so the flag is never ignored).
fn by_article(
    engine: &Engine,
    query: &str,
    filters: &Filters,
    (agg, ranking, count): (Aggregate, Ranking, bool),
    paging: Paging,
    style: Option<Style>,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let hits = engine.search_articles_with(query, filters, agg, paging, ranking)?;
    match style {
        None => articles::write_json(out, &hits)?,
        Some(style) => articles::write_terminal(out, &hits, style)?,
    }
    if count {
        let totals = crate::search::page::count(engine, query, filters)?;
        if style.is_none() {
            json::write_totals(out, &totals)?;
        } else {
            if !hits.is_empty() {
                writeln!(out)?;
            }
            terminal::write_totals(out, &totals)?;
        }
    }
    if hits.is_empty() {
        // The article ranking is held whole, so the total past the end costs nothing more
        // than a second ranking; only computed for an empty page after the first.
        let past_end = (paging.offset > 0)
            .then(|| {
                engine.search_articles_with(
                    query,
                    filters,
                    agg,
                    Paging::first(paging.offset),
                    ranking,
                )
            })
            .transpose()?
            .map(|all| all.len());
        return no_match(query, "articles", !filters.is_empty(), past_end);
    }
    Ok(ExitCode::SUCCESS)
}
