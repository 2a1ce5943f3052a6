//! Printing results: for people (terminal) and for programs (JSON lines, TREC runs, the
//! trec_eval table). The library rooms below produce results; only this room formats them.

pub mod articles;
pub mod eval;
pub mod export;
pub mod facets;
pub mod groups;
pub mod json;
pub mod opensearch;
pub mod parts;
pub mod quickwit;
pub mod run;
pub mod safe;
pub mod show;
pub mod terminal;
pub mod timeline;

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

/// The width to draw for: `COLUMNS` when set, else the terminal's width, else 80.
pub fn width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        return n;
    }
    terminal_size::terminal_size()
        .map(|(w, _)| usize::from(w.0))
        .unwrap_or(80)
}
