//! Word lists of the gazetteer file: context words, the words of another sense, the words
//! beside an ambiguous acronym. An entry is one word or a phrase of words, compared in any
//! case on the same word forms as the names (apostrophes dropped, a possessive 's removed).
//! A word ending in `*` matches any word it begins ("militant*" = "militants", "militancy");
//! the word `<number>` matches a word of digits ("ISK 500").
//!
//! These lists are read for every mention of a short form, and an article about a group can
//! name it in every sentence, so an entry is looked up by its first word (a scan of every
//! entry at every word made 0.7 s of tagging for one 300 KB article; docs/BENCHMARKS.md).

use std::collections::HashMap;

use crate::analysis::next_word;
use crate::groups::form;

/// The word that stands for any number in a list.
pub(super) const NUMBER: &str = "<number>";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Word(String),
    Prefix(String),
    Number,
}

impl Piece {
    fn matches(&self, word: &str) -> bool {
        match self {
            Piece::Word(w) => w == word,
            Piece::Prefix(p) => word.starts_with(p.as_str()),
            Piece::Number => !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()),
        }
    }
}

/// A list of words and phrases, parsed and checked.
#[derive(Debug, Clone, Default)]
pub(super) struct Lexicon {
    /// Each entry's pieces, in the file's order.
    entries: Vec<Vec<Piece>>,
    /// The entries (indexes into `entries`, ascending) that begin with each word.
    by_first_word: HashMap<String, Vec<usize>, foldhash::fast::RandomState>,
    /// The entries that begin with a prefix or a number, ascending: tried at every word.
    by_pattern: Vec<usize>,
}

/// The words of a text, lowercased, with their byte ranges: what lists are compared with.
pub(super) struct Words {
    pub lower: Vec<String>,
    pub spans: Vec<(usize, usize)>,
}

impl Words {
    pub(super) fn of(text: &str) -> Words {
        let mut out = Words {
            lower: Vec::new(),
            spans: Vec::new(),
        };
        let mut at = 0;
        while let Some(span) = next_word(text, at) {
            at = span.1;
            out.lower.push(form(&text[span.0..span.1]).to_lowercase());
            out.spans.push(span);
        }
        out
    }

    /// The index of the word starting at byte `start`, if one does.
    pub(super) fn at(&self, start: usize) -> Option<usize> {
        self.spans.binary_search_by_key(&start, |s| s.0).ok()
    }
}

impl Lexicon {
    /// Parses `entries`; an error says which entry and what would be valid.
    pub(super) fn parse(entries: &[String]) -> Result<Lexicon, String> {
        let mut lexicon = Lexicon::default();
        for entry in entries {
            let mut pieces = Vec::new();
            for raw in entry.split_whitespace() {
                pieces.extend(parse_pieces(raw).map_err(|e| format!("entry {entry:?}: {e}"))?);
            }
            if pieces.is_empty() {
                return Err(format!(
                    "entry {entry:?} has no words; write a word, a phrase, \"word*\" or {NUMBER}"
                ));
            }
            let at = lexicon.entries.len();
            match &pieces[0] {
                Piece::Word(w) => lexicon.by_first_word.entry(w.clone()).or_default().push(at),
                Piece::Prefix(_) | Piece::Number => lexicon.by_pattern.push(at),
            }
            lexicon.entries.push(pieces);
        }
        Ok(lexicon)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first entry found in `words` outside the word range `skip` (the mention itself):
    /// the word range it covers.
    #[cfg(test)]
    pub(super) fn find(&self, words: &Words, skip: (usize, usize)) -> Option<(usize, usize)> {
        first_outside(&self.matches(words), skip)
    }

    /// Every word where an entry matches, in order: the range of the list's first entry
    /// that matches there. Tagging reads one unit's matches for each of its mentions, so it
    /// keeps this list rather than scanning again ([`first_outside`]).
    pub(super) fn matches(&self, words: &Words) -> Vec<(usize, usize)> {
        (0..words.lower.len())
            .filter_map(|i| self.first_match_at(words, i))
            .collect()
    }

    /// The range of the first entry (in the list's order) that matches at word `i`.
    fn first_match_at(&self, words: &Words, i: usize) -> Option<(usize, usize)> {
        let exact = words
            .lower
            .get(i)
            .and_then(|w| self.by_first_word.get(w))
            .map_or(&[][..], Vec::as_slice);
        // Candidates are few; the list's first entry that matches wins, as in a plain scan.
        exact
            .iter()
            .chain(&self.by_pattern)
            .filter_map(|&e| Some((e, self.match_at(words, i, &self.entries[e])?)))
            .min_by_key(|&(e, _)| e)
            .map(|(_, range)| range)
    }

    /// Whether an entry of one word matches the word at `i`, or one of several ends there
    /// (`before`) or starts there (`after`).
    pub(super) fn touches(&self, words: &Words, i: usize, ending: bool) -> bool {
        self.entries.iter().any(|pieces| {
            let start = match ending {
                true => (i + 1).checked_sub(pieces.len()),
                false => Some(i),
            };
            start.is_some_and(|s| self.match_at(words, s, pieces).is_some())
        })
    }

    fn match_at(&self, words: &Words, i: usize, pieces: &[Piece]) -> Option<(usize, usize)> {
        let end = i + pieces.len();
        let span = words.lower.get(i..end)?;
        pieces
            .iter()
            .zip(span)
            .all(|(p, w)| p.matches(w))
            .then_some((i, end))
    }
}

/// The first of `matches` (as [`Lexicon::matches`] gives them) that starts outside the word
/// range `skip`.
pub(super) fn first_outside(
    matches: &[(usize, usize)],
    skip: (usize, usize),
) -> Option<(usize, usize)> {
    matches
        .iter()
        .find(|&&(i, _)| i < skip.0 || i >= skip.1)
        .copied()
}

/// The pieces of one whitespace-free part of an entry: `<number>`, or words as a name's are
/// read ("Jamaat-ud-Dawa" is three), the last a prefix if the part ends in `*`.
fn parse_pieces(raw: &str) -> Result<Vec<Piece>, String> {
    if raw == NUMBER {
        return Ok(vec![Piece::Number]);
    }
    let (stem, prefix) = match raw.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (raw, false),
    };
    if stem.contains('*') || stem.contains('<') {
        return Err(format!(
            "{raw:?}: '*' may only end a word and <number> stand alone; write e.g. \
             \"militant*\", \"suicide bomber\" or {NUMBER}"
        ));
    }
    let words = Words::of(stem).lower;
    if words.is_empty() {
        return Err(format!("{raw:?} has no letters or digits"));
    }
    let last = words.len() - 1;
    Ok(words
        .into_iter()
        .enumerate()
        .map(|(i, w)| match prefix && i == last {
            true => Piece::Prefix(w),
            false => Piece::Word(w),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(entries: &[&str]) -> Lexicon {
        Lexicon::parse(&entries.iter().map(|e| e.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn words_prefixes_phrases_and_numbers() {
        let l = lex(&["militant*", "suicide bomber", "<number>"]);
        let w = Words::of("The Militants' leader");
        assert_eq!(l.find(&w, (0, 0)), Some((1, 2)));
        let w = Words::of("a Suicide Bomber struck");
        assert_eq!(l.find(&w, (0, 0)), Some((1, 3)));
        assert_eq!(l.find(&Words::of("a suicide note"), (0, 0)), None);
        let w = Words::of("ISK 500 million");
        assert!(l.touches(&w, 1, false));
        assert!(!l.touches(&w, 2, false));
        // The mention's own words are skipped.
        assert_eq!(lex(&["isis"]).find(&Words::of("ISIS"), (0, 1)), None);
        let hyphen = lex(&["Jamaat-ud-Dawa"]);
        assert_eq!(
            hyphen.find(&Words::of("the jamaat ud dawa"), (0, 0)),
            Some((1, 4))
        );
        let phrase = lex(&["an islamic"]);
        let w = Words::of("as an Islamic state");
        assert!(phrase.touches(&w, 2, true));
    }

    /// Looked up by first word, the list's order still decides between entries at one word.
    #[test]
    fn the_first_entry_of_the_list_wins() {
        let w = Words::of("a militant leader spoke");
        assert_eq!(
            lex(&["milit*", "militant leader"]).find(&w, (0, 0)),
            Some((1, 2))
        );
        assert_eq!(
            lex(&["militant leader", "milit*"]).find(&w, (0, 0)),
            Some((1, 3))
        );
        assert_eq!(lex(&["spoke", "a"]).find(&w, (0, 0)), Some((0, 1)));
        assert_eq!(lex(&["<number>", "leader"]).find(&w, (0, 0)), Some((2, 3)));
    }

    #[test]
    fn bad_entries_are_explained() {
        for (bad, says) in [
            ("mili*tant", "may only end a word"),
            ("", "has no words"),
            ("x <number>y", "may only end a word"),
            ("--", "no letters or digits"),
        ] {
            let err = Lexicon::parse(&[bad.to_string()]).unwrap_err();
            assert!(err.contains(says), "{bad:?}: {err}");
        }
    }
}
