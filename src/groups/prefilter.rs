//! A whole-text test that most passages name no group, run before word-by-word matching.
//!
//! Tagging reads every word of every passage, and nearly no passage of a news collection names
//! a group. Every word of a pattern must appear in a text that matches it, so if no pattern's
//! longest word occurs in the text as a whole word (one Aho-Corasick scan), nothing can match.
//! This is exact where words are plain: in ASCII text a word is a maximal run of ASCII letters
//! and digits, joined across an apostrophe that has one on each side, and its form drops those
//! apostrophes and a final possessive 's ([`plain_words`] writes the text that way). Text with
//! other characters is passed on to the word-by-word matcher.

use crate::analysis::is_ascii_apostrophe;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// One needle per pattern, its longest word: folded names in any ASCII case, acronyms in the
/// case article text must match (in one automaton with the names, "IS" would stop at every
/// "is").
#[derive(Debug, Clone)]
pub(super) struct Prefilter {
    folded: Option<AhoCorasick>,
    exact: Option<AhoCorasick>,
    /// Set if an automaton could not be built: then no text is ruled out.
    open: bool,
}

impl Prefilter {
    /// `patterns`: each pattern's words and whether article text must match their case. A
    /// pattern with a non-ASCII word can never match plain ASCII text, so it needs no needle.
    pub(super) fn new<'a>(patterns: impl Iterator<Item = (&'a [String], bool)>) -> Prefilter {
        let (mut folded, mut exact) = (Vec::new(), Vec::new());
        for (words, case_sensitive) in patterns {
            if words.iter().any(|w| !w.is_ascii()) {
                continue;
            }
            if let Some(longest) = words.iter().max_by_key(|w| w.len()) {
                match case_sensitive {
                    true => exact.push(longest.clone()),
                    false => folded.push(longest.clone()),
                }
            }
        }
        match (automaton(&folded, true), automaton(&exact, false)) {
            (Ok(folded), Ok(exact)) => Prefilter {
                folded,
                exact,
                open: false,
            },
            _ => Prefilter::open(),
        }
    }

    /// Rules nothing out.
    pub(super) fn open() -> Prefilter {
        Prefilter {
            folded: None,
            exact: None,
            open: true,
        }
    }

    /// False only if no pattern can match in `text`, read as article text.
    pub(super) fn may_mention(&self, text: &str) -> bool {
        if self.open || !text.is_ascii() {
            return true;
        }
        let plain = plain_words(text);
        let bytes = plain.as_bytes();
        let is_word = |m: aho_corasick::Match| {
            let before = m.start().checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(m.end()).copied();
            !before.is_some_and(|b| b.is_ascii_alphanumeric())
                && !after.is_some_and(|b| b.is_ascii_alphanumeric())
        };
        [&self.folded, &self.exact]
            .into_iter()
            .flatten()
            .any(|a| a.find_iter(bytes).any(is_word))
    }
}

/// A DFA (the fastest search, and a gazetteer's needles make a small one), leftmost-longest
/// so that no match hides a whole-word match: needles are runs of letters and digits, so one
/// that overlaps a whole word lies inside it; if it starts where the word does, the longest
/// match there is the word itself, and if it starts later, the word starts first. `None` when
/// there are no needles (nothing of that kind can match). The builder fails only past size
/// limits far above a gazetteer's.
fn automaton(
    needles: &[String],
    ascii_case_insensitive: bool,
) -> Result<Option<AhoCorasick>, aho_corasick::BuildError> {
    if needles.is_empty() {
        return Ok(None);
    }
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(ascii_case_insensitive)
        .kind(Some(AhoCorasickKind::DFA))
        .build(needles)
        .map(Some)
}

/// ASCII `text` with each word written as its form: an apostrophe between two letters or
/// digits is dropped, and so is a final possessive 's (as `groups::form` does). Other
/// apostrophes stay: they separate words.
fn plain_words(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    if !b.iter().any(|&c| is_ascii_apostrophe(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let alnum = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if is_ascii_apostrophe(c) && i > 0 && alnum(i - 1) && alnum(i + 1) {
            let possessive = matches!(b[i + 1], b's' | b'S')
                && !alnum(i + 2)
                && !(b.get(i + 2).is_some_and(|&c| is_ascii_apostrophe(c)) && alnum(i + 3));
            i += if possessive { 2 } else { 1 };
            continue;
        }
        out.push(char::from(c));
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_are_forms() {
        assert_eq!(plain_words("the TTP's men"), "the TTP men");
        assert_eq!(
            plain_words("Da'ish and rock'n'roll's"),
            "Daish and rocknroll"
        );
        assert_eq!(plain_words("'quoted' x' 'y"), "'quoted' x' 'y");
        assert_eq!(plain_words("it's TTP'sx a''b"), "it TTPsx a''b");
    }
}
