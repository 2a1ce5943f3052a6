//! `talash show`: a passage in its article, with the passages around it.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::error::usage;
use crate::output::json;
use crate::output::terminal::Style;
use crate::search::Engine;
use crate::search::show::Window;

pub const HELP: &str = "Passage ids are printed by `talash search` after each rank
(or `talash search QUERY --json | jq -r .passage_id`). Each group a passage is tagged with
gets a `why` line: the words, where they are, and the rule (`group_evidence` in --json).

Examples:
  talash show et-2023-03-06-counter-terror-dialogue#3
  talash show agencies-2024-05-ttp-daish-threat#2 --context 2
  talash show et-2023-03-09-counterterror-talks#1 --article
  talash show et-2023-03-09-counterterror-talks           # an article id: the whole article
  talash show et-2023-03-06-counter-terror-dialogue#3 --json
  talash show eurasia-2023-03-pakistan-us-cooperation#5 --context 0 --json | jq .passages[0].group_evidence";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The passage id, as printed by `talash search` (ARTICLE-ID#N), or an article id, as
    /// printed by `talash search --by-article`, for the whole article.
    #[arg(value_name = "ID")]
    id: String,
    /// Passages to show before and after it [default: 1]; only for a passage id.
    #[arg(long, short = 'C', value_name = "N", conflicts_with = "article")]
    context: Option<usize>,
    /// Show the whole article.
    #[arg(long)]
    article: bool,
    /// One JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(engine: &Engine, args: Args, style: Style, out: &mut dyn Write) -> Result<ExitCode> {
    let window = match (args.article, args.context) {
        (true, _) => Window::Article,
        // An article id shows the whole article: --context would be ignored, so say so.
        (false, Some(_)) if !args.id.contains('#') => {
            return Err(usage(format!(
                "--context counts passages around a passage id (ARTICLE-ID#N); {:?} is an \
                 article id, which shows the whole article: leave out --context, or give a \
                 passage id",
                args.id
            )));
        }
        (false, n) => Window::Around(n.unwrap_or(1)),
    };
    let shown = crate::search::show::show(engine, &args.id, window)?;
    if args.json {
        json::write_line(out, &shown)?;
    } else {
        crate::output::show::write_shown(out, &shown, style)?;
    }
    Ok(ExitCode::SUCCESS)
}
