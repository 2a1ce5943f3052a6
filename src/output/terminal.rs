//! Human output: ranked passages with their metadata and a highlighted snippet.

use std::io::Write;

use anyhow::Result;

use crate::search::Hit;

pub const BOLD: &str = "\x1b[1m";
pub const DIM: &str = "\x1b[2m";
pub const MATCH: &str = "\x1b[1;31m";
pub const ID: &str = "\x1b[35m";
pub const GROUP: &str = "\x1b[36m";
pub const RESET: &str = "\x1b[0m";

/// Styles text when colour is on, leaves it alone otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
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
    let mut out = String::new();
    let mut at = 0;
    for &(s, e) in ranges {
        if s < at
            || e > snippet.len()
            || !snippet.is_char_boundary(s)
            || !snippet.is_char_boundary(e)
        {
            continue;
        }
        out.push_str(&snippet[at..s]);
        out.push_str(&style.paint(MATCH, &snippet[s..e]));
        at = e;
    }
    out.push_str(&snippet[at..]);
    out
}

/// The meta line followed by the passage's groups, when it names any.
pub(crate) fn meta_with_groups(h: &Hit, style: Style) -> String {
    if h.groups.is_empty() {
        meta_line(h)
    } else {
        let groups = style.paint(GROUP, &h.groups.join(", "));
        format!("{} · groups: {groups}", meta_line(h))
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
            writeln!(out, "    {}", style.paint(BOLD, &h.title))?;
        }
        if has(HitField::Meta) {
            writeln!(out, "    {}", meta_with_groups(h, style))?;
        }
        if has(HitField::Snippet) {
            writeln!(out, "    {}", highlight(&h.snippet, &h.highlights, style))?;
        }
        if has(HitField::Text) {
            writeln!(out, "    {}", h.text)?;
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
        let plain = highlight("the TTP threat", &[(4, 7)], Style { color: false });
        assert_eq!(plain, "the TTP threat");
        let col = highlight("the TTP threat", &[(4, 7)], Style { color: true });
        assert_eq!(col, "the \x1b[1;31mTTP\x1b[0m threat");
        // Bad ranges are skipped, never a panic.
        assert_eq!(
            highlight("ab", &[(1, 9), (0, 1)], Style { color: false }),
            "ab"
        );
    }
}
