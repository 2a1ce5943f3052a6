//! Human output: ranked passages with their metadata and a highlighted snippet.

use std::io::Write;
use std::ops::Range;

use anyhow::Result;

use crate::output::wrap;
use crate::search::Hit;

/// The column a hit's title, meta line and text start at, under its rank.
const INDENT: usize = 4;

pub const BOLD: &str = "\x1b[1m";
pub const DIM: &str = "\x1b[2m";
pub const MATCH: &str = "\x1b[1;31m";
pub const ID: &str = "\x1b[35m";
pub const GROUP: &str = "\x1b[36m";
pub const RESET: &str = "\x1b[0m";

/// How human output looks: colour or not, and the width passage text is wrapped to.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// The columns to wrap passage text at (`output::wrap`); `None`: one line per passage.
    pub width: Option<usize>,
}

impl Style {
    /// No colour, no wrapping: what a pipe gets unless asked otherwise.
    pub const PLAIN: Style = Style {
        color: false,
        width: None,
    };

    /// Styles text when colour is on, leaves it alone otherwise.
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// The snippet with its matches highlighted (bold red), or plain without colour.
pub fn highlight(snippet: &str, ranges: &[(usize, usize)], style: Style) -> String {
    paint_ranges(snippet, ranges, MATCH, style)
}

/// `text` with the byte `ranges` painted in `code` (ranges off a character boundary, out of
/// order or out of the text are left unpainted).
pub fn paint_ranges(text: &str, ranges: &[(usize, usize)], code: &str, style: Style) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &(s, e) in ranges {
        if s < at || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(&style.paint(code, &text[s..e]));
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

// Passage text wrapped to `Style::width`: the lines `wrap::lines` finds, each painted on its own,
// so a colour never runs across a line break into the indent and no escape sequence is cut.

/// `text` with its highlights (byte ranges into it) painted, wrapped for a first line that
/// starts at column `indent` (after a prefix the caller prints) and continuation lines that
/// start with `indent` spaces.
pub fn wrap_highlighted(
    text: &str,
    ranges: &[(usize, usize)],
    style: Style,
    indent: usize,
) -> String {
    wrap_spans(text, ranges, MATCH, style, indent)
}

/// `text` with the byte `ranges` painted in `code`, wrapped as [`wrap_highlighted`] wraps it.
pub fn wrap_spans(
    text: &str,
    ranges: &[(usize, usize)],
    code: &str,
    style: Style,
    indent: usize,
) -> String {
    paint_lines(text, style, indent, |line, at| {
        let inside: Vec<(usize, usize)> = ranges
            .iter()
            .filter(|&&(s, e)| s < at.end && e > at.start)
            .map(|&(s, e)| (s.max(at.start) - at.start, e.min(at.end) - at.start))
            .collect();
        paint_ranges(line, &inside, code, style)
    })
}

/// `text` painted whole in `code` (bold, dim, ...), wrapped as [`wrap_highlighted`] wraps it.
pub fn wrap_painted(text: &str, code: &str, style: Style, indent: usize) -> String {
    paint_lines(text, style, indent, |line, _| style.paint(code, line))
}

/// `text` wrapped, with no style of its own.
pub fn wrap_plain(text: &str, style: Style, indent: usize) -> String {
    paint_lines(text, style, indent, |line, _| line.to_string())
}

fn paint_lines(
    text: &str,
    style: Style,
    indent: usize,
    paint: impl Fn(&str, &Range<usize>) -> String,
) -> String {
    let lines = wrap::lines(text, wrap::columns(style.width, indent));
    if let [whole] = lines.as_slice()
        && whole.start == 0
        && whole.end == text.len()
    {
        return paint(text, whole);
    }
    let between = format!("\n{}", " ".repeat(indent));
    lines
        .iter()
        .map(|at| paint(&text[at.clone()], at))
        .collect::<Vec<_>>()
        .join(&between)
}

/// The meta line followed by the passage's groups, when it names any; wrapped as passage
/// text is, from column `indent`.
pub(crate) fn meta_with_groups(h: &Hit, style: Style, indent: usize) -> String {
    let meta = meta_line(h);
    if h.groups.is_empty() {
        wrap_plain(&meta, style, indent)
    } else {
        let line = format!("{meta} · groups: {}", h.groups.join(", "));
        let groups = (line.len() - h.groups.join(", ").len(), line.len());
        wrap_spans(&line, &[groups], GROUP, style, indent)
    }
}

pub(crate) fn meta_line(h: &Hit) -> String {
    let mut parts = Vec::new();
    parts.push(h.outlet.clone().unwrap_or_else(|| "outlet unknown".into()));
    parts.push(h.date.clone().unwrap_or_else(|| "undated".into()));
    if let Some(a) = &h.author {
        parts.push(a.clone());
    }
    parts.join(" · ")
}

/// A part of a hit that plain output can print (`--fields`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitField {
    /// The passage id (`article#n`), for `talash show`.
    Id,
    /// The BM25 score.
    Score,
    /// The article's title.
    Title,
    /// Outlet, date, author and groups.
    Meta,
    /// The best fragment, matches highlighted.
    Snippet,
    /// The whole passage.
    Text,
}

impl HitField {
    /// What `talash search` prints unless `--fields` says otherwise.
    pub const DEFAULT: [HitField; 5] = [
        HitField::Id,
        HitField::Score,
        HitField::Title,
        HitField::Meta,
        HitField::Snippet,
    ];
}

pub fn write_hits(out: &mut dyn Write, hits: &[Hit], style: Style) -> Result<()> {
    write_hits_with(out, hits, style, &HitField::DEFAULT)
}

/// Prints the hits with only the chosen fields: the rank, id and score on the first line, the
/// others on their own indented lines. Hits are separated by a blank line when they take more
/// than one line.
pub fn write_hits_with(
    out: &mut dyn Write,
    hits: &[Hit],
    style: Style,
    fields: &[HitField],
) -> Result<()> {
    let has = |f: HitField| fields.contains(&f);
    let multi_line = fields
        .iter()
        .any(|f| !matches!(f, HitField::Id | HitField::Score));
    for (i, h) in hits.iter().enumerate() {
        if i > 0 && multi_line {
            writeln!(out)?;
        }
        let mut first = style.paint(BOLD, &format!("{:>2}.", h.rank));
        if has(HitField::Id) {
            first.push(' ');
            first.push_str(&style.paint(ID, &h.passage_id));
        }
        if has(HitField::Score) {
            first.push(' ');
            first.push_str(&style.paint(DIM, &format!("score {:.3}", h.score)));
        }
        writeln!(out, "{first}")?;
        if has(HitField::Title) {
            writeln!(out, "    {}", wrap_painted(&h.title, BOLD, style, INDENT))?;
        }
        if has(HitField::Meta) {
            writeln!(out, "    {}", meta_with_groups(h, style, INDENT))?;
        }
        // A passage that is its title alone has no snippet: the title line shows it.
        if has(HitField::Snippet) && !h.snippet.is_empty() {
            let snippet = wrap_highlighted(&h.snippet, &h.highlights, style, INDENT);
            writeln!(out, "    {snippet}")?;
        }
        if has(HitField::Text) {
            writeln!(out, "    {}", wrap_plain(&h.text, style, INDENT))?;
        }
    }
    Ok(())
}

/// What an empty result says, on stderr: nothing matched, or a page past the last result.
pub fn write_no_match(
    err: &mut dyn Write,
    query: &str,
    what: &str,
    filtered: bool,
    past_end: Option<usize>,
) -> Result<()> {
    match past_end {
        Some(n) if n > 0 => writeln!(err, "No more results: {n} in total.")?,
        _ => {
            let with = if filtered { " with these filters" } else { "" };
            writeln!(err, "No {what} match {query:?}{with}.")?
        }
    }
    Ok(())
}

/// The `--count` line: "N passages in M articles", and the hits that match only by title.
pub fn write_totals(out: &mut dyn Write, t: &crate::search::page::Totals) -> Result<()> {
    use crate::output::count;
    write!(
        out,
        "{} in {}",
        count(t.passages, "passage"),
        count(t.articles, "article")
    )?;
    if t.title_only > 0 {
        let more = count(t.title_only, "more passage");
        write!(out, "; {more} match only by their article's title")?;
    }
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_only_with_colour() {
        let plain = highlight("the TTP threat", &[(4, 7)], Style::PLAIN);
        assert_eq!(plain, "the TTP threat");
        let col = highlight(
            "the TTP threat",
            &[(4, 7)],
            Style {
                color: true,
                width: None,
            },
        );
        assert_eq!(col, "the \x1b[1;31mTTP\x1b[0m threat");
        // Bad ranges are skipped, never a panic.
        assert_eq!(highlight("ab", &[(1, 9), (0, 1)], Style::PLAIN), "ab");
    }

    #[test]
    fn highlights_are_painted_on_each_line_and_continuations_indented() {
        let style = |color, width| Style { color, width };
        // 20 columns from column 2: "joint statement", one highlight, crosses the break.
        let text = "a text with a joint statement";
        assert_eq!(
            wrap_highlighted(text, &[(14, 29)], style(true, Some(22)), 2),
            "a text with a \x1b[1;31mjoint\x1b[0m\n  \x1b[1;31mstatement\x1b[0m"
        );
        assert_eq!(
            wrap_highlighted(text, &[(14, 29)], style(false, Some(22)), 2),
            "a text with a joint\n  statement"
        );
        assert_eq!(
            wrap_painted(text, "\x1b[1m", style(true, Some(22)), 2),
            "\x1b[1ma text with a joint\x1b[0m\n  \x1b[1mstatement\x1b[0m"
        );
        // Without a width the text is untouched, highlights and all.
        assert_eq!(
            wrap_highlighted(text, &[(14, 19)], style(true, None), 4),
            "a text with a \x1b[1;31mjoint\x1b[0m statement"
        );
    }

    #[test]
    fn a_narrow_width_still_leaves_room_for_words() {
        let style = Style {
            color: false,
            width: Some(10),
        };
        let text = "one two three four five six seven";
        assert_eq!(
            wrap_plain(text, style, 8),
            "one two three four\n        five six seven"
        );
    }
}
