//! Word lists of the gazetteer file: context words, the words of another sense, the words
//! beside an ambiguous acronym. An entry is one word or a phrase of words, compared in any
//! case on the same word forms as the names (apostrophes dropped, a possessive 's removed).
//! A word ending in `*` matches any word it begins ("militant*" = "militants", "militancy");
//! the word `<number>` matches a word of digits ("ISK 500").
//!
//! These lists are read only for passages that hold a short form, a small share of any
//! collection, so a plain scan over the entries is enough.

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
    entries: Vec<(Vec<Piece>, String)>,
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
            lexicon.entries.push((pieces, entry.clone()));
        }
        Ok(lexicon)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first entry found in `words` outside the word range `skip` (the mention itself):
    /// the word range it covers.
    pub(super) fn find(&self, words: &Words, skip: (usize, usize)) -> Option<(usize, usize)> {
        (0..words.lower.len())
            .filter(|&i| i < skip.0 || i >= skip.1)
            .find_map(|i| {
                self.entries
                    .iter()
                    .find_map(|(pieces, _)| self.match_at(words, i, pieces))
            })
    }

    /// Whether an entry of one word matches the word at `i`, or one of several ends there
    /// (`before`) or starts there (`after`).
    pub(super) fn touches(&self, words: &Words, i: usize, ending: bool) -> bool {
        self.entries.iter().any(|(pieces, _)| {
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
