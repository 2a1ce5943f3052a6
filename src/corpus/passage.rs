//! Cutting an article body into passages.
//!
//! A passage is a paragraph. A paragraph longer than the word limit is cut at sentence
//! boundaries (Unicode UAX #29) into passages of at most the limit, packing whole sentences
//! greedily; a single sentence longer than the limit is cut between words. So every passage has
//! at most `max_words` words, and no sentence is split unless it alone exceeds the limit.

use std::fmt;

use serde::{Deserialize, Serialize};

use unicode_segmentation::UnicodeSegmentation;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassageSettings {
    pub max_words: usize,
    /// What a passage is for an article of a JSONL collection (absent in schemas written
    /// before this setting: then articles are cut like Markdown ones, as they were).
    #[serde(default = "JsonlUnit::cut")]
    pub jsonl: JsonlUnit,
    /// How many more times an article that is a single passage has its title indexed in its
    /// text (stored once, in the title). Such an article is one document: its title and body
    /// words then share one BM25 saturation and length, as BM25F weighs a title, instead of
    /// two saturations that reward a word found in both (docs/RELEVANCE.md). Absent in schemas
    /// written before this setting: 0, as they were indexed.
    #[serde(default)]
    pub title_in_text: u8,
}

/// The passage unit of JSONL collections. Collections are test collections and exports judged
/// per document; docs/RELEVANCE.md measures that one passage per article ranks them better
/// than cutting (MAP +0.006 on Cranfield, +0.004 on Reuters-21578), hence the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonlUnit {
    /// The whole article is one passage, never cut.
    Article,
    /// Paragraphs, cut to `max_words`, as for Markdown articles.
    Paragraph,
}

impl JsonlUnit {
    fn cut() -> JsonlUnit {
        JsonlUnit::Paragraph
    }
}

/// `<article-id>#<n>`, n counting passages from 1 within the article.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PassageId {
    article: String,
    n: u32,
}

impl PassageId {
    pub fn new(article: &str, n: u32) -> PassageId {
        PassageId {
            article: article.to_string(),
            n,
        }
    }

    /// Parses `article#n`; the error says what a passage id looks like.
    pub fn parse(text: &str) -> Result<PassageId, String> {
        let err = || {
            format!(
                "invalid passage id {text:?}: expected ARTICLE-ID#N, e.g. et-2023-03-09-counterterror-talks#2"
            )
        };
        let (article, n) = text.rsplit_once('#').ok_or_else(err)?;
        let n: u32 = n.parse().map_err(|_| err())?;
        if article.is_empty() || n == 0 {
            return Err(err());
        }
        Ok(PassageId::new(article, n))
    }

    pub fn article(&self) -> &str {
        &self.article
    }

    pub fn n(&self) -> u32 {
        self.n
    }
}

impl fmt::Display for PassageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.article, self.n)
    }
}

/// Number of words, as the limit counts them: the UAX #29 words that hold a letter or digit
/// (`unicode_words`). ASCII text, most of news, is counted without Unicode tables.
pub fn word_count(text: &str) -> usize {
    match text.is_ascii() {
        true => ascii_word_count(text.as_bytes()),
        false => text.unicode_words().count(),
    }
}

/// [`word_count`] of ASCII text, by the UAX #29 rules as they apply to ASCII: letters, digits
/// and underscores never break from each other (WB5, WB8-WB10, WB13a-b); a colon, full stop
/// or apostrophe between two letters joins them (WB6-7), and a comma, semicolon, full stop or
/// apostrophe between two digits (WB11-12); everything else breaks (WB999). A word counts if
/// it holds a letter or digit (a run of underscores does not). A randomized test compares it
/// with `unicode-segmentation`, which looks each character up in Unicode tables: cutting the
/// 100k benchmark corpus took 220 ms on one thread with it, 150 ms with this.
fn ascii_word_count(bytes: &[u8]) -> usize {
    let class = |at: usize| {
        bytes
            .get(at)
            .map_or(0, |&b| ASCII_WORD_CLASS[usize::from(b)])
    };
    let (mut words, mut at) = (0, 0);
    while at < bytes.len() {
        if class(at) & RUN == 0 {
            at += 1;
            continue;
        }
        let mut alnum = 0;
        loop {
            while class(at) & RUN != 0 {
                alnum |= class(at) & ALNUM;
                at += 1;
            }
            let (before, mid, after) = (class(at - 1), class(at), class(at + 1));
            let letters = before & after & LETTER != 0 && mid & MID_LETTER != 0;
            let digits = before & after & DIGIT != 0 && mid & MID_NUM != 0;
            if !(letters || digits) {
                break;
            }
            at += 1;
        }
        words += usize::from(alnum != 0);
    }
    words
}

/// Whether `text` has at most `max` words. Most paragraphs are well under the limit, and in
/// ASCII text the runs of letters and digits bound the words from above (each word holds at
/// least one run and no two words share one): counting the starts of runs compares adjacent
/// bytes only, which the compiler turns into vector instructions.
fn at_most_words(text: &str, max: usize) -> bool {
    // Branch-free, so that the comparisons of adjacent bytes are vectorized.
    let alnum = crate::analysis::is_ascii_alnum_branchless;
    let bytes = text.as_bytes();
    if text.is_ascii() {
        let starts = bytes.first().is_some_and(|&b| alnum(b)) as usize
            + bytes
                .iter()
                .zip(bytes.get(1..).unwrap_or_default())
                .map(|(&before, &b)| usize::from(alnum(b) & !alnum(before)))
                .sum::<usize>();
        if starts <= max {
            return true;
        }
    }
    word_count(text) <= max
}

/// Classes of ASCII bytes for [`ascii_word_count`], as bits.
const RUN: u8 = 1;
const ALNUM: u8 = 2;
const LETTER: u8 = 4;
const DIGIT: u8 = 8;
const MID_LETTER: u8 = 16;
const MID_NUM: u8 = 32;

const ASCII_WORD_CLASS: [u8; 256] = {
    let mut table = [0_u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = match c {
            b'a'..=b'z' | b'A'..=b'Z' => RUN | ALNUM | LETTER,
            b'0'..=b'9' => RUN | ALNUM | DIGIT,
            b'_' => RUN,
            b':' => MID_LETTER,
            b'.' | b'\'' => MID_LETTER | MID_NUM,
            b',' | b';' => MID_NUM,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// Cuts one paragraph into passages of at most `max_words` words (`max_words` ≥ 1).
pub fn cut_paragraph(paragraph: &str, max_words: usize) -> Vec<String> {
    let paragraph = paragraph.trim();
    if paragraph.is_empty() {
        return Vec::new();
    }
    if at_most_words(paragraph, max_words) {
        return vec![paragraph.to_string()];
    }
    let mut passages = Vec::new();
    let mut current = String::new();
    let mut current_words = 0;
    for sentence in super::sentence::sentences(paragraph) {
        let words = word_count(sentence);
        if current_words + words > max_words && current_words > 0 {
            passages.push(std::mem::take(&mut current));
            current_words = 0;
        }
        if words > max_words {
            let mut pieces = cut_between_words(sentence, max_words);
            // Text without words before the sentence (an opening quote, an ellipsis) opens
            // its first piece instead of being lost.
            if let Some(first) = pieces.first_mut() {
                first.insert_str(0, &std::mem::take(&mut current));
            }
            // The last piece may still take following sentences.
            if let Some(last) = pieces.pop() {
                passages.extend(pieces);
                current_words = word_count(&last);
                current = last;
            }
            continue;
        }
        current.push_str(sentence);
        current_words += words;
    }
    if current_words > 0 {
        passages.push(current);
    } else if let Some(last) = passages.last_mut() {
        // Trailing text without words (a closing quote) stays with the last passage.
        last.push_str(&current);
    }
    passages.into_iter().map(|p| p.trim().to_string()).collect()
}

/// Cuts a sentence with more than `max_words` words into pieces of at most `max_words`.
fn cut_between_words(sentence: &str, max_words: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut words = 0;
    for segment in sentence.split_word_bounds() {
        let is_word = segment.chars().any(char::is_alphanumeric);
        if is_word && words == max_words {
            pieces.push(std::mem::take(&mut current));
            words = 0;
        }
        current.push_str(segment);
        words += usize::from(is_word);
    }
    if !current.trim().is_empty() {
        pieces.push(current);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squeeze(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// Found by `cargo fuzz run passage` (fuzz/): the "." before an over-long sentence was
    /// dropped, and so was text without words after the last word.
    #[test]
    fn no_text_is_lost_around_long_sentences() {
        for (p, max) in [
            (".S w n", 2),
            ("\"... One two three four.", 2),
            ("One two three. ...\"", 2),
        ] {
            let cut = cut_paragraph(p, max);
            assert_eq!(squeeze(&cut.concat()), squeeze(p), "{p:?} -> {cut:?}");
            assert!(cut.iter().all(|c| word_count(c) <= max), "{cut:?}");
        }
    }

    /// The ASCII count must be UAX #29's, and the quick bound must decide as it does, on text
    /// full of the characters that join or split words (apostrophes, dots, commas, colons,
    /// underscores, hyphens).
    #[test]
    fn ascii_word_count_is_uax29s() {
        let pieces = [
            "a", "Z", "9", "_", ".", ",", "'", "-", ":", ";", " ", "\"", "!", "?", "$", "%", "\t",
            "/", "\r\n", "ab", "12",
        ];
        let texts = crate::testing::random_texts(&pieces, 40_000, 16);
        for text in texts.iter().map(String::as_str).chain([
            "U.S. aid",
            "can't stop",
            "3.14 and 2,5",
            "e_mail x-y",
            "a.b.c d",
            "___ _a_ 1:2 a:b 1;2 a;b",
        ]) {
            let want = text.unicode_words().count();
            assert_eq!(ascii_word_count(text.as_bytes()), want, "{text:?}");
            for max in want.saturating_sub(2)..want + 2 {
                assert_eq!(at_most_words(text, max), want <= max, "{text:?} {max}");
            }
        }
    }

    #[test]
    fn short_paragraph_is_one_passage() {
        assert_eq!(
            cut_paragraph("  One short paragraph.  ", 120),
            vec!["One short paragraph."]
        );
        assert!(cut_paragraph("   ", 120).is_empty());
    }

    #[test]
    fn long_paragraph_cuts_at_sentences() {
        let p = "One two three. Four five six. Seven eight nine.";
        assert_eq!(
            cut_paragraph(p, 6),
            vec!["One two three. Four five six.", "Seven eight nine."]
        );
        assert_eq!(cut_paragraph(p, 3).len(), 3);
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        // UAX #29 keeps "U.S. and" together: a lowercase word follows the dot.
        let p = "The U.S. and Pakistan met. They agreed.";
        assert_eq!(
            cut_paragraph(p, 5),
            vec!["The U.S. and Pakistan met.", "They agreed."]
        );
    }

    #[test]
    fn an_overlong_sentence_is_cut_between_words() {
        let p = "a b c d e f g h i j. k l.";
        let out = cut_paragraph(p, 4);
        assert!(out.iter().all(|s| word_count(s) <= 4), "{out:?}");
        let joined: Vec<&str> = out.iter().flat_map(|s| s.unicode_words()).collect();
        assert_eq!(joined.len(), 12, "no word lost: {out:?}");
    }

    #[test]
    fn no_word_is_lost_and_limit_holds() {
        let text = "Alpha beta gamma. ".repeat(50) + &"word ".repeat(300) + "End.";
        for limit in [1, 2, 5, 7, 120] {
            let out = cut_paragraph(&text, limit);
            assert!(out.iter().all(|s| word_count(s) <= limit && !s.is_empty()));
            let total: usize = out.iter().map(|s| word_count(s)).sum();
            assert_eq!(total, word_count(&text), "limit {limit}");
        }
    }

    #[test]
    fn passage_ids_round_trip() {
        let id = PassageId::parse("et-2023#12").unwrap();
        assert_eq!((id.article(), id.n()), ("et-2023", 12));
        assert_eq!(id.to_string(), "et-2023#12");
        for bad in ["x", "x#", "#3", "x#0", "x#-1", "x#a"] {
            assert!(PassageId::parse(bad).is_err(), "{bad}");
        }
    }
}
