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

/// `n` and the noun, in the singular for one: "1 article", "2 articles", "0 passages".
pub fn count(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    format!("{n} {}", plural(n, noun))
}

/// The noun for `n` of it: "article" for 1, "articles" otherwise.
pub fn plural(n: impl Into<u64>, noun: &str) -> String {
    if n.into() == 1 {
        noun.to_string()
    } else {
        format!("{noun}s")
    }
}

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
    fn counts_and_sizes_read_as_english() {
        assert_eq!(count(1u64, "article"), "1 article");
        assert_eq!(count(0u64, "article"), "0 articles");
        assert_eq!(count(52u64, "passage"), "52 passages");
        assert_eq!(human_bytes(812), "812 B");
        assert_eq!(human_bytes(54_800), "54.8 kB");
        assert_eq!(human_bytes(999_999), "1.0 MB");
        assert_eq!(human_bytes(3_200_000), "3.2 MB");
        assert_eq!(human_bytes(1_100_000_000), "1.1 GB");
    }
}
