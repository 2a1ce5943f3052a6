//! The `talash` command line: its global flags and the list of subcommands. Each subcommand's
//! flags, help text and work live in its own module.

use clap::{Parser, Subcommand};

use crate::cli::common::GlobalFlags;
use crate::cli::{batch, completions, eval, export, facets, groups, man, search, show, timeline};

/// Search news passages by relevance, filtered by militant group, date and outlet.
#[derive(Parser, Debug)]
#[command(version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalFlags,
    #[command(subcommand)]
    pub command: Command,
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
pub enum Command {
    /// Rank passages by relevance to a query.
    #[command(after_help = search::HELP)]
    Search(search::Args),
    /// List the groups of the index's gazetteer, with their aliases.
    #[command(after_help = groups::HELP)]
    Groups(groups::Args),
    /// Run a file of queries; write a TREC run or JSON lines.
    #[command(after_help = batch::HELP)]
    Batch(batch::Args),
    /// Score a TREC run against relevance judgments, as trec_eval does.
    #[command(after_help = eval::HELP)]
    Eval(eval::Args),
    /// Every group, outlet or date in the index, with passage and article counts.
    #[command(after_help = facets::HELP)]
    Facets(facets::Args),
    /// Show a passage in its article, with the passages around it.
    #[command(after_help = show::HELP)]
    Show(show::Args),
    /// Matching passages and articles per year, month or day, as a bar chart.
    #[command(after_help = timeline::HELP)]
    Timeline(timeline::Args),
    /// Write the passages for OpenSearch or Quickwit, with an index definition.
    #[command(after_help = export::HELP)]
    Export(export::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = completions::HELP)]
    Completions(completions::Args),
    /// Write man pages (talash.1, talash-search.1, ...) into a folder, or print talash.1.
    #[command(after_help = man::HELP)]
    Man(man::Args),
}
