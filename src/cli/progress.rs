//! Progress on stderr: a bar when stderr is a terminal, nothing when it is piped. The
//! indexer's bar counts articles and passages; `talash batch`'s counts queries.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::index::progress::{Progress, Silent};

/// An `indicatif` bar: articles done of all, passages so far, rate and ETA.
pub struct Bar {
    bar: ProgressBar,
    /// Passages so far: kept here, not parsed back from the bar's message.
    passages: AtomicU64,
}

const TEMPLATE: &str = "{bar:20.cyan/blue} {pos}/{len} {prefix} · {msg} · {rate}/s · ETA {eta}";

impl Bar {
    fn new() -> Bar {
        let style = ProgressStyle::with_template(TEMPLATE)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0}", state.per_sec());
                },
            )
            .progress_chars("█▉▊▋▌▍▎▏ ");
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(style);
        bar.set_prefix("articles");
        bar.set_message(crate::output::count(0usize, "passage"));
        Bar {
            bar,
            passages: AtomicU64::new(0),
        }
    }
}

impl Progress for Bar {
    fn start(&self, articles: usize) {
        // "1/1 article", "3/5 articles": the noun goes with the total.
        self.bar
            .set_prefix(crate::output::plural(articles, "article"));
        self.bar
            .set_message(crate::output::count(0usize, "passage"));
        self.bar.set_length(articles as u64);
        // Drawn once now, so even a run shorter than the redraw interval shows the bar.
        self.bar.force_draw();
    }

    fn article(&self, passages: usize) {
        let done = self.passages.fetch_add(passages as u64, Ordering::Relaxed) + passages as u64;
        self.bar.set_message(crate::output::count(done, "passage"));
        self.bar.inc(1);
    }

    fn finish(&self) {
        // Left on screen in its final state; the summary goes on the next line.
        self.bar.finish();
        eprintln!();
    }
}

/// The progress reporter for this run: a bar only when stderr is a terminal and not `quiet`.
pub fn for_stderr(quiet: bool) -> Box<dyn Progress> {
    if quiet || !std::io::stderr().is_terminal() {
        Box::new(Silent)
    } else {
        Box::new(Bar::new())
    }
}

/// A plain counting bar to `len` (`talash batch`'s queries), hidden unless stderr is a
/// terminal: piped stderr carries only errors.
pub fn counter(len: u64) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        ProgressBar::new(len)
    } else {
        ProgressBar::hidden()
    }
}
