//! `talash timeline`: matching passages and articles per year, month or day, as a bar chart.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::common::FilterFlags;
use crate::output::json;
use crate::output::terminal::Style;
use crate::search::Engine;

pub const HELP: &str = "Every period from the first match to the last is listed, zero where
nothing matched. Bars are scaled to the width (--width, else COLUMNS, else the terminal, else 80).
Passages are counted when their own text matches (not because their article's title does).
Articles dated only to a year or month are not guessed into a finer period: under --by month or
--by day they are counted apart, by their own date, below the chart.

Exit status: 0 when something matched; 1 when nothing did (said on stderr, as grep and ripgrep
do) or on an error; 2 on a usage error (a bad flag, query, filter or date).

Examples:
  talash timeline TTP
  talash timeline counterterrorism --by month
  talash timeline dialogue --by day --since 2023-03 --until 2023-03
  talash timeline Pakistan --group ISIS --json";

value_enum! {
    /// The period size (`--by`).
    pub enum By => crate::search::timeline::By {
        Year,
        Month,
        Day,
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
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

pub fn run(
    engine: &Engine,
    args: Args,
    (style, width): (Style, usize),
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let query = args.query.join(" ");
    let filters = engine.resolve_filters(&args.filters.into())?;
    let q = crate::search::page::counting_query(engine, &query, &filters)?;
    let t = crate::search::timeline::timeline(engine, &*q, args.by.into())?;
    if args.json {
        json::write_line(out, &t)?;
    } else if t.total.passages > 0 {
        crate::output::timeline::write_timeline(out, &query, &t, width, style)?;
    }
    if t.total.passages == 0 {
        // As `search`: nothing matched is exit status 1, the message on stderr.
        let mut err = std::io::stderr().lock();
        let filtered = !filters.is_empty();
        crate::output::terminal::write_no_match(&mut err, &query, "passages", filtered, None)?;
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
