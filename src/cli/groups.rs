//! `talash groups`: the index's gazetteer, each group with its aliases.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::search::Engine;

pub const HELP: &str = "Any name or alias listed works with --group, in any case, and in queries.

Examples:
  talash groups
  talash search threat --group TTP
  talash search Pakistan --group ISIS-K";

/// No flags: the listing is the whole gazetteer the index was built with.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(engine: &Engine, _args: Args, out: &mut dyn Write) -> Result<ExitCode> {
    crate::output::groups::write_groups(out, &engine.open.config.gazetteer)?;
    Ok(ExitCode::SUCCESS)
}
