//! Indexing progress on stderr: a bar when stderr is a terminal, nothing when it is piped.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// What the indexer reports while it works.
pub trait Progress {
    /// The corpus is read: this many articles to index.
    fn start(&self, articles: usize);
    /// One more article indexed, cut into this many passages.
    fn article(&self, passages: usize);
    /// All articles are in; the index is being committed.
    fn finish(&self);
}

/// Reports nothing (`--quiet`, a pipe, library use).
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: usize) {}
    fn article(&self, _: usize) {}
    fn finish(&self) {}
}

/// An `indicatif` bar: articles done of all, passages so far, rate and ETA.
pub struct Bar {
    bar: ProgressBar,
}

const TEMPLATE: &str =
    "{bar:20.cyan/blue} {pos}/{len} articles · {msg} passages · {rate}/s · ETA {eta}";

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
        Bar { bar }
    }
}

impl Progress for Bar {
    fn start(&self, articles: usize) {
        self.bar.set_message("0");
        self.bar.set_length(articles as u64);
        // Drawn once now, so even a run shorter than the redraw interval shows the bar.
        self.bar.force_draw();
    }

    fn article(&self, passages: usize) {
        let done: u64 = self.bar.message().parse().unwrap_or(0);
        self.bar.set_message((done + passages as u64).to_string());
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
