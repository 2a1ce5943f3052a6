//! Pieces shared by the two binaries: finding the index, running `main` with exit codes.

pub mod docs;
pub mod progress;

use std::io::Write;
use std::process::ExitCode;

use crate::error::{exit_status, is_broken_pipe};

/// Where the index lives unless `--index` or `TALASH_INDEX` says otherwise.
pub const DEFAULT_INDEX: &str = "index";

/// Runs a binary's body: prints errors as `talash: error: ...` with their causes, and maps
/// them to exit status 1, or 2 for usage errors. A closed stdout pipe is a normal end. A
/// panic is reported as an internal error with status 1, never Rust's 101.
pub fn run(name: &str, body: impl FnOnce() -> anyhow::Result<ExitCode>) -> ExitCode {
    match crate::index::damage::catch(body) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{name}: error: {e:#}");
            ExitCode::from(exit_status(&e))
        }
    }
}

/// The number of cores, the default for `--threads`.
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}
