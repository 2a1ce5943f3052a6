//! The command-line layer: one module per subcommand (its flags, help text and `run`), the
//! flags several share, and what every binary needs (finding the index, exit codes). Only this
//! layer and `src/bin/` know clap and indicatif; the library stays free of them.

/// A clap mirror of a library enum. The library keeps its enums free of clap; the CLI lists
/// the same variants, with the same doc comments (they are the `--help` and man page text of
/// each value), and converts both ways. Both conversions match every variant, so a variant
/// added on either side without the other fails to compile instead of going missing from the
/// command line.
macro_rules! value_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident => $lib:ty {
            $($(#[$vmeta:meta])* $variant:ident,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl From<$name> for $lib {
            fn from(v: $name) -> $lib {
                type Lib = $lib;
                match v {
                    $($name::$variant => Lib::$variant,)+
                }
            }
        }

        impl From<$lib> for $name {
            fn from(v: $lib) -> $name {
                type Lib = $lib;
                match v {
                    $(Lib::$variant => $name::$variant,)+
                }
            }
        }
    };
}

pub mod app;
pub mod batch;
pub mod common;
pub mod complete;
pub mod completions;
pub mod docs;
pub mod eval;
pub mod export;
pub mod facets;
pub mod groups;
pub mod index;
pub mod man;
pub mod progress;
pub mod search;
pub mod show;
pub mod smart;
pub mod timeline;

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
