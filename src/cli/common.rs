//! Flags several subcommands share: the global `--index` and `--color`, and the filters of
//! `search`, `timeline` and `batch`; and running a subcommand's work on the index.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use crate::cli::DEFAULT_INDEX;
use crate::index::damage::guard_index;
use crate::output::safe::SafeTerminal;
use crate::output::terminal::Style;
use crate::search::{Engine, FilterArgs};

value_enum! {
    /// When to colour output, as `--color` says.
    pub enum ColorChoice => crate::output::ColorChoice {
        /// Colour when stdout is a terminal and `NO_COLOR` is unset.
        Auto,
        Always,
        Never,
    }
}

/// The flags every `talash` subcommand takes, before or after its name.
#[derive(Args, Debug)]
pub struct GlobalFlags {
    /// Index folder (built by talash-index).
    #[arg(long, global = true, env = "TALASH_INDEX", default_value = DEFAULT_INDEX, value_name = "DIR")]
    pub index: PathBuf,
    /// When to colour output; NO_COLOR in the environment also turns it off.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Wrap passage text at N columns, continuation lines indented (0: never wrap); timeline
    /// bars fit N. Default: COLUMNS, else the terminal's width; piped without COLUMNS, no
    /// wrapping (one line per passage, for grep and cut).
    #[arg(long, global = true, value_name = "N")]
    pub width: Option<usize>,
}

impl GlobalFlags {
    /// The terminal style `--color` (and `NO_COLOR`, and whether stdout is a terminal) and
    /// `--width` (and `COLUMNS`, and the terminal's size) ask for.
    pub fn style(&self) -> Style {
        Style {
            color: crate::output::ColorChoice::from(self.color).enabled(),
            width: match self.width {
                Some(0) => None,
                Some(n) => Some(n),
                None => columns(),
            },
        }
    }

    /// The width a chart is drawn to: `--width`, else `COLUMNS` or the terminal's, else 80.
    pub fn chart_width(&self) -> usize {
        self.width.filter(|&n| n > 0).or_else(columns).unwrap_or(80)
    }
}

/// The width output is drawn for when no flag says: `COLUMNS` when set (as `ls` and `less`
/// read it), else the width of the terminal stdout is, else `None` (a pipe or a file).
pub fn columns() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        // Stdout's own terminal only: `terminal_size()` falls back to stderr's, which would
        // wrap `talash search x | grep y` to the width of the terminal it is typed in.
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
        })
}

/// The filters of `search`, `timeline` and `batch`, as typed; the engine resolves them.
#[derive(Args, Debug)]
pub struct FilterFlags {
    /// Only passages about this group: canonical name or any alias, any case. Repeat for any of several.
    #[arg(long = "group", short = 'g', value_name = "GROUP")]
    pub groups: Vec<String>,
    /// Only passages from this outlet: its name in any case (a leading "The" is ignored), or any
    /// part of the name that no other outlet shares (`tribune`). Repeatable.
    #[arg(long = "outlet", value_name = "OUTLET")]
    pub outlets: Vec<String>,
    /// Only articles by this author: every word of the name must be in the article's author
    /// (any case, `--author yousaf`). Repeat for any of several.
    #[arg(long = "author", value_name = "NAME")]
    pub authors: Vec<String>,
    /// Only articles dated on or after this (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles dated on or before this (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

impl From<FilterFlags> for FilterArgs {
    fn from(f: FilterFlags) -> Self {
        FilterArgs {
            groups: f.groups,
            outlets: f.outlets,
            since: f.since,
            until: f.until,
            authors: f.authors,
        }
    }
}

/// Runs a subcommand's work on the index at `dir`, writing to stdout. The work runs under
/// [`guard_index`], so a panic or a failure caused by a damaged index is explained as such.
/// Stdout is wrapped in a [`SafeTerminal`]: article text must not drive the terminal.
pub fn on_index(
    dir: &Path,
    work: impl FnOnce(&Engine, &mut dyn Write) -> Result<ExitCode>,
) -> Result<ExitCode> {
    guard_index(dir, || {
        let engine = Engine::open(dir)?;
        let stdout = std::io::stdout();
        let mut out = SafeTerminal::new(stdout.lock());
        let code = work(&engine, &mut out)?;
        out.flush()?;
        Ok(code)
    })
}

/// A four-digit year (`--facet-year`), refused otherwise as `--since 24` is: "23" is not 2023.
pub fn parse_year(s: &str) -> Result<u16, String> {
    match s.parse::<u16>() {
        Ok(y) if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) && y >= 1 => Ok(y),
        _ => Err(format!(
            "invalid year {s:?}: the year must be 4 digits (e.g. 2023)"
        )),
    }
}
