//! Printing results: for people (terminal) and for programs (JSON lines, TREC runs, the
//! trec_eval table). The library rooms below produce results; only this room formats them.

pub mod articles;
pub mod eval;
pub mod export;
pub mod facets;
pub mod groups;
pub mod index;
pub mod json;
pub mod jsonl;
pub mod opensearch;
pub mod parts;
pub mod quickwit;
pub mod run;
pub mod safe;
pub mod show;
pub mod terminal;
pub mod timeline;
pub mod values;
pub mod wrap;

use std::io::IsTerminal;

/// When to use colour, as `--color` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour output written to stdout.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

pub use crate::plural::{count, plural};

/// A size in bytes as people read it: "812 B", "54.8 kB", "3.2 MB", "1.1 GB" (powers of 1000).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1000.0;
    let mut unit = 0;
    while v >= 999.95 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(human_bytes(812), "812 B");
        assert_eq!(human_bytes(54_800), "54.8 kB");
        assert_eq!(human_bytes(999_999), "1.0 MB");
        assert_eq!(human_bytes(3_200_000), "3.2 MB");
        assert_eq!(human_bytes(1_100_000_000), "1.1 GB");
    }
}
