//! `talash-smart`: converts a SMART-format test collection into a JSONL collection, a TSV query
//! file and TREC qrels. The flags and the work live in `talash::cli::smart`; this only parses
//! the command line and hands it over.

use std::process::ExitCode;

use clap::Parser;
use talash::cli::run;
use talash::cli::smart::{Args, run as convert};

fn main() -> ExitCode {
    run("talash-smart", || convert(Args::parse()))
}
