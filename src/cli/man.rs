//! `talash man`: man pages, generated from the command line itself.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::docs;

pub const HELP: &str = "Examples:
  talash man --dir ~/.local/share/man/man1 && man talash-search
  talash man | man -l -";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write talash.1 and one page per subcommand here (default: print talash.1 to stdout).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Prints `cmd`'s page, or writes them all into `--dir` and lists the files written. `cmd` is
/// the whole `talash` command, passed in: it is built above this module.
pub fn run(args: Args, cmd: clap::Command) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match &args.dir {
        None => docs::man_page(cmd, &mut out)?,
        Some(dir) => {
            for page in docs::man_pages(cmd, dir)? {
                writeln!(out, "{}", page.display())?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
