//! `talash timeline` for people: one bar per period, drawn with Unicode eighth blocks.

use std::io::Write;

use anyhow::Result;

use crate::output::count;

use crate::output::terminal::{BOLD, DIM, Style};
use crate::search::timeline::{By, Period, Timeline};

const GROUP_COLOR: &str = "\x1b[36m";

/// Partial blocks for 1 to 7 eighths of a cell.
const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// A bar `value / max` of `width` cells, to the nearest eighth of a cell. A non-zero value is
/// never drawn empty (at least one eighth), so small periods stay visible.
pub fn bar(value: u64, max: u64, width: usize) -> String {
    if value == 0 || max == 0 || width == 0 {
        return String::new();
    }
    let eighths = (u128::from(value) * width as u128 * 8 + u128::from(max) / 2) / u128::from(max);
    let eighths = (eighths as usize).clamp(1, width * 8);
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(EIGHTHS[eighths % 8]);
    }
    s
}

fn unit(by: By) -> &'static str {
    match by {
        By::Year => "year",
        By::Month => "month",
        By::Day => "day",
    }
}

fn counts(p: &Period) -> String {
    format!(
        "{}, {}",
        count(p.passages, "passage"),
        count(p.articles, "article")
    )
}

/// Prints the chart, `width` columns wide.
pub fn write_timeline(
    out: &mut dyn Write,
    query: &str,
    t: &Timeline,
    width: usize,
    style: Style,
) -> Result<()> {
    writeln!(
        out,
        "{}",
        style.paint(
            BOLD,
            &format!("Passages matching {query:?} per {}", unit(t.by))
        )
    )?;
    if t.periods.is_empty() {
        writeln!(out, "No dated passage matches.")?;
    } else {
        let label_w = t
            .periods
            .iter()
            .map(|p| p.period.len())
            .max()
            .unwrap_or(0)
            .max("period".len());
        writeln!(
            out,
            "{}",
            style.paint(
                DIM,
                &format!("{:<label_w$} {:>8} {:>8}", "period", "passages", "articles")
            )
        )?;
        let max = t.periods.iter().map(|p| p.passages).max().unwrap_or(0);
        // Label, two 8-wide counts and three spaces; the bar takes the rest.
        let bar_w = width.saturating_sub(label_w + 19).max(10);
        for p in &t.periods {
            let drawn = bar(p.passages, max, bar_w);
            let row = format!("{:<label_w$} {:>8} {:>8}", p.period, p.passages, p.articles);
            if drawn.is_empty() {
                writeln!(out, "{row}")?;
            } else {
                writeln!(out, "{row} {}", style.paint(GROUP_COLOR, &drawn))?;
            }
        }
    }
    if !t.coarser.is_empty() {
        writeln!(
            out,
            "Dated only to a coarser precision than a {} (not placed in the chart):",
            unit(t.by)
        )?;
        for p in &t.coarser {
            writeln!(out, "  {}: {}", p.period, counts(p))?;
        }
    }
    if t.undated.passages > 0 {
        writeln!(out, "Undated: {}", counts(&t.undated))?;
    }
    writeln!(out, "Total: {}", counts(&t.total))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_use_eighths() {
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(1, 16, 2), "▏");
        assert_eq!(bar(3, 16, 2), "▍"); // 3/16 of 2 cells = 3 eighths
        assert_eq!(bar(0, 10, 4), "");
        // Tiny but non-zero stays visible.
        assert_eq!(bar(1, 1_000_000, 4), "▏");
    }
}
