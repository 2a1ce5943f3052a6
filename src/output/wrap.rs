//! Where passage text breaks into lines for the terminal: at white space, by display width (a
//! CJK character takes two columns, a combining accent none), never inside a word. The painting
//! (highlights line by line, the indent) is `terminal::wrap_spans`; the width comes from the caller
//! (`Style::width`), and this never asks the terminal.

use std::ops::Range;

use unicode_width::UnicodeWidthStr;

/// The fewest columns a line of text gets, however narrow the width or deep the indent: below
/// this, wrapping makes a column of single words that is harder to read than long lines.
pub const MIN_COLUMNS: usize = 20;

/// The byte ranges of `text`'s lines when each holds at most `columns` display columns: one
/// line of the whole text for `None`. Lines break at white space (the space at the break is
/// left out) and at newlines; a word wider than a line gets a line of its own, whole. A lone
/// `…` (a snippet's mark of cut text) stays with the word it stands beside.
pub fn lines(text: &str, columns: Option<usize>) -> Vec<Range<usize>> {
    let Some(columns) = columns else {
        return std::iter::once(0..text.len()).collect();
    };
    let mut lines = Vec::new();
    // The line being filled: its range and its width.
    let mut line: Option<(Range<usize>, usize)> = None;
    for word in words(text) {
        let w = text[word.clone()].width();
        line = Some(match line {
            None => (word, w),
            Some((at, at_w)) => {
                let gap = &text[at.end..word.start];
                let glued = &text[word.clone()] == "…" && word.end == text.trim_end().len()
                    || &text[at.clone()] == "…" && at.start == text.len() - text.trim_start().len();
                let fits = at_w + gap.width() + w <= columns;
                if !gap.contains('\n') && (fits || glued) {
                    (at.start..word.end, at_w + gap.width() + w)
                } else {
                    lines.push(at);
                    (word, w)
                }
            }
        });
    }
    match line {
        Some((at, _)) => lines.push(at),
        None => lines.push(0..0),
    }
    lines
}

/// The runs of `text` between breakable white space (a no-break space is part of a word).
fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let breaks = |c: char| c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}');
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = &text[at..];
        let start = at + rest.find(|c| !breaks(c))?;
        let end = start + text[start..].find(breaks).unwrap_or(text.len() - start);
        at = end;
        Some(start..end)
    })
}

/// The columns a line of text gets when it starts at column `indent` of `width` (`None`: no
/// wrapping); never fewer than [`MIN_COLUMNS`].
pub fn columns(width: Option<usize>, indent: usize) -> Option<usize> {
    width.map(|w| w.saturating_sub(indent).max(MIN_COLUMNS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str, columns: usize) -> Vec<&str> {
        lines(text, Some(columns))
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn lines_break_at_spaces_within_the_width() {
        assert_eq!(
            split("the quick brown fox jumps", 10),
            ["the quick", "brown fox", "jumps"]
        );
        assert_eq!(
            split("exactly ten", 11),
            ["exactly ten"],
            "a full line fits"
        );
        assert_eq!(split("", 10), [""]);
        assert_eq!(
            lines("a  b", None),
            vec![Range { start: 0, end: 4 }],
            "no width: one line, as written"
        );
        // A word wider than the line is never split.
        assert_eq!(
            split("see https://example.com/a/long/path now", 10),
            ["see", "https://example.com/a/long/path", "now"]
        );
        // Runs of spaces inside a line stay; the ones at a break go.
        assert_eq!(split("a  b     c", 4), ["a  b", "c"]);
        // A no-break space joins; a newline always breaks.
        assert_eq!(split("Mr\u{a0}Shah said", 8), ["Mr\u{a0}Shah", "said"]);
        assert_eq!(split("one\ntwo", 20), ["one", "two"]);
    }

    #[test]
    fn width_is_counted_in_columns_not_bytes() {
        // "Da’ish" is 8 bytes and 6 columns; "é" written as e + combining accent is one column.
        assert_eq!(split("Da’ish and ISIS", 10), ["Da’ish and", "ISIS"]);
        assert_eq!(split("cafe\u{301} au lait", 7), ["cafe\u{301} au", "lait"]);
        // CJK characters take two columns each.
        assert_eq!(split("東京 大阪 京都", 9), ["東京 大阪", "京都"]);
    }

    #[test]
    fn the_mark_of_cut_text_stays_with_its_word() {
        assert_eq!(split("… one two three …", 9), ["… one two", "three …"]);
        assert_eq!(
            split("one two …", 7),
            ["one two …"],
            "may overrun, never alone"
        );
    }

    #[test]
    fn random_texts_lose_no_word_and_keep_to_the_width() {
        let pieces = [
            "word",
            " ",
            "  ",
            "\n",
            "…",
            "東京",
            "Da’ish",
            "e\u{301}",
            "\u{a0}",
            "\t",
            "https://example.com/a/very/long/path",
            ".",
            "\"",
            "—",
        ];
        for text in crate::testing::random_texts(&pieces, 5_000, 24) {
            for columns in [1, 5, 12, 40] {
                let got = lines(&text, Some(columns));
                let all: Vec<&str> = words_of(&text).collect();
                let again: Vec<&str> = got
                    .iter()
                    .flat_map(|r| words_of(&text[r.clone()]))
                    .collect();
                assert_eq!(again, all, "{text:?} at {columns}");
                for r in &got {
                    let line = &text[r.clone()];
                    // A lone … at either end of the text joins its neighbour: judge the
                    // line without it.
                    let ws: Vec<Range<usize>> = words(line).collect();
                    let (mut a, mut b) = (0, ws.len());
                    if b >= 2 && &line[ws[b - 1].clone()] == "…" {
                        b -= 1;
                    }
                    if b - a >= 2 && &line[ws[0].clone()] == "…" {
                        a += 1;
                    }
                    let fits = b - a <= 1 || line[ws[a].start..ws[b - 1].end].width() <= columns;
                    assert!(fits, "{line:?} over {columns} in {text:?}");
                }
            }
        }
    }

    fn words_of(text: &str) -> impl Iterator<Item = &str> {
        words(text).map(move |r| &text[r])
    }

    #[test]
    fn a_narrow_width_still_leaves_room_for_words() {
        assert_eq!(columns(Some(80), 4), Some(76));
        assert_eq!(columns(Some(10), 8), Some(MIN_COLUMNS));
        assert_eq!(columns(None, 4), None);
    }
}
