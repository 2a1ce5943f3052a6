//! `talash complete groups|outlets [--index DIR]`: the values a shell completes after
//! `--group` and `--outlet`, one a line. The completion scripts of `talash completions` call it
//! while the user presses Tab, so it must never print an error into the prompt: whatever goes
//! wrong (a bad argument, no index, an old or damaged one) it prints what it can, or nothing,
//! and exits 0.
//!
//! It is not one of `talash`'s clap subcommands: clap_complete lists hidden subcommands among
//! the completions, and this one is for scripts only. `src/bin/talash.rs` hands a command line
//! whose first word is `complete` here before `talash`'s own parsing.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::DEFAULT_INDEX;
use crate::groups::{DEFAULT_GAZETTEER, Gazetteer};
use crate::search::Engine;

/// Which values to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Values {
    /// Every group path and alias `--group` accepts: the index's gazetteer, else the
    /// built-in one.
    Groups,
    /// The outlets of the index's articles (nothing without an index).
    Outlets,
}

/// `talash complete VALUES [--index DIR]`.
#[derive(clap::Parser, Debug)]
#[command(name = "talash complete")]
pub struct Args {
    #[arg(value_enum)]
    values: Values,
    /// Index folder, as `talash --index` (else `TALASH_INDEX`, else `./index`).
    #[arg(long, env = "TALASH_INDEX", default_value = DEFAULT_INDEX, value_name = "DIR")]
    index: PathBuf,
}

/// Whether `talash`'s command line is a call of `talash complete`.
pub fn is_called(args: &[OsString]) -> bool {
    args.get(1).is_some_and(|a| a == "complete")
}

/// Runs `talash complete ...` (`args` starts with the program and `complete`); always exit 0.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let Ok(args) = Args::try_parse_from(args.into_iter().skip(1)) else {
        return ExitCode::SUCCESS;
    };
    // Not even a panic may reach the prompt: silence the hook, print nothing.
    std::panic::set_hook(Box::new(|_| {}));
    let values = std::panic::catch_unwind(|| values(&args)).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    // A closed pipe (the shell gave up) is no error worth showing either.
    let _ = crate::output::values::write_values(&mut out, &values);
    ExitCode::SUCCESS
}

/// The values asked for, from the index at `args.index` when it opens.
fn values(args: &Args) -> Vec<String> {
    let engine = Engine::open(&args.index).ok();
    match args.values {
        Values::Outlets => match &engine {
            Some(e) => e.open.meta.outlets.values().cloned().collect(),
            None => Vec::new(),
        },
        Values::Groups => match &engine {
            Some(e) => group_values(&e.open.config.gazetteer),
            None => Gazetteer::from_toml(DEFAULT_GAZETTEER, "the built-in")
                .map(|g| group_values(&g))
                .unwrap_or_default(),
        },
    }
}

/// Each group's path (`ISIS/Khorasan`), then its aliases, each once whatever its case.
fn group_values(gazetteer: &Gazetteer) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut values = Vec::new();
    for g in gazetteer.groups() {
        let path = g.path.to_string();
        for v in std::iter::once(path.as_str()).chain(g.all_aliases()) {
            if seen.insert(v.to_lowercase()) {
                values.push(v.to_string());
            }
        }
    }
    values
}
