//! Text analysis: the tokenizer and the analyzers the schema may name.
//!
//! tantivy's `SimpleTokenizer` splits `Da'ish` into `da` + `ish`, so "Daish", "Da'ish" and
//! "Da’ish" would not be the same word. [`WordTokenizer`] keeps an apostrophe that sits between
//! two letters inside the word and drops it from the token, so all three become `daish`, and
//! "Pakistan’s" stems like "Pakistans". Everything else (hyphens, dots) separates words, as in
//! `SimpleTokenizer`, so `Tehreek-e-Taliban` is the phrase `tehreek e taliban`. A compound of
//! two words (`counter-terrorism`, `counter terrorism`) is indexed under its closed form too
//! ([`compounds`]).

pub mod compounds;
mod english;
mod memo;
mod replay;

use compounds::{Compounds, Mode};
use english::English;
use memo::{Outcome, StemMemo};
use replay::{Analyzer, ReplayLast};

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, StopWordFilter, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Whether an analysed term is a word of one character (or none), which Talash leaves out of a
/// query read as words (`search::Engine::word_pieces`) and of feedback terms
/// (`search::feedback`): in a line of natural language such words are the pronoun "I",
/// initials ("H. C. Andrews"), the letters of a contraction split by a converter ("I'd" as
/// "i d") and list numbers, and they match variables and numbers in the documents. Dropping
/// them from queries lifted CACM's MAP by 0.015 (p < 0.001) and Cranfield's by 0.001 (p =
/// 0.001) and changed no other dev collection significantly (docs/RELEVANCE.md); bm25s,
/// scikit-learn and others drop them too (`\w\w+`).
pub fn is_one_character(term: &str) -> bool {
    term.chars().nth(1).is_none()
}

/// Characters that act as an apostrophe inside a word.
pub fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘' | '`' | '´')
}

/// The ASCII characters [`is_apostrophe`] accepts, as bytes.
pub fn is_ascii_apostrophe(b: u8) -> bool {
    matches!(b, b'\'' | b'`')
}

/// `b.is_ascii_alphanumeric()` without branches, so that loops over bytes calling it are
/// vectorized (the quick word bound of cutting, the group prefilter's masks).
#[inline]
pub fn is_ascii_alnum_branchless(b: u8) -> bool {
    ((b | 0x20).wrapping_sub(b'a') < 26) | (b.wrapping_sub(b'0') < 10)
}

/// A word in plain ASCII without apostrophes: the form it is compared and indexed by is itself
/// (the fast paths of the tokenizer and the gazetteer rest on this).
pub fn is_plain_ascii(word: &str) -> bool {
    word.is_ascii() && !word.bytes().any(is_ascii_apostrophe)
}

/// The first bytes of a set of terms: a snippet's analyzer stems only the words that begin
/// with one of them.
///
/// A snippet analyses the whole passage to find where the query's terms are, and nearly all
/// of its words are none of them. English Snowball stemming keeps a word's first letter (it
/// changes suffixes only; a test checks this on the shipped corpus and on random words), so a
/// word whose first byte begins no query term cannot stem to one: it is kept as it is, and the
/// Snowball algorithm runs for about one word in five. Stemming inside snippets was most of
/// what the compound step added to a search (docs/BENCHMARKS.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FirstBytes([u64; 4]);

impl FirstBytes {
    /// The first bytes of `terms` (analysed terms, as the index holds them).
    pub fn of<'a>(terms: impl IntoIterator<Item = &'a str>) -> FirstBytes {
        let mut set = FirstBytes::default();
        for b in terms.into_iter().filter_map(|t| t.bytes().next()) {
            set.0[usize::from(b >> 6)] |= 1 << (b & 63);
        }
        set
    }

    /// Whether a term of the set begins with `b`.
    pub fn admits(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
}

/// Splits on anything that is not a letter or digit, except apostrophes between letters.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordTokenStream<'a> {
    text: &'a str,
    offset: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            offset: 0,
            token: &mut self.token,
        }
    }
}

/// Finds the next word at or after `from`: its byte range. Apostrophes inside the range are
/// part of it (callers strip them from the token text).
pub fn next_word(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut at = from;
    // ASCII is most of the text: test its bytes directly and decode only what is not ASCII.
    loop {
        let b = *bytes.get(at)?;
        if b.is_ascii_alphanumeric() {
            break;
        }
        if b < 0x80 {
            at += 1;
            continue;
        }
        let c = text.get(at..)?.chars().next()?;
        if c.is_alphanumeric() {
            break;
        }
        at += c.len_utf8();
    }
    let start = at;
    let mut end = start;
    while let Some(&b) = bytes.get(at) {
        if b.is_ascii_alphanumeric() {
            at += 1;
            end = at;
            continue;
        }
        if b < 0x80 && !is_apostrophe(char::from(b)) {
            break;
        }
        let Some(c) = text.get(at..).and_then(|r| r.chars().next()) else {
            break;
        };
        let len = c.len_utf8();
        if c.is_alphanumeric() {
            at += len;
            end = at;
        } else if is_apostrophe(c) && next_is_alphanumeric(text, at + len) {
            at += len;
        } else {
            break;
        }
    }
    Some((start, end))
}

fn next_is_alphanumeric(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|r| r.chars().next())
        .is_some_and(char::is_alphanumeric)
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((start, end)) = next_word(self.text, self.offset) else {
            self.offset = self.text.len();
            return false;
        };
        self.offset = end;
        self.token.text.clear();
        let word = &self.text[start..end];
        match is_plain_ascii(word) {
            true => self.token.text.push_str(word),
            false => self
                .token
                .text
                .extend(word.chars().filter(|c| !is_apostrophe(*c))),
        }
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The knobs of one analyzer, as the schema file states them.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyzerSpec {
    #[serde(default = "yes")]
    pub lowercase: bool,
    #[serde(default = "yes")]
    pub ascii_folding: bool,
    /// `"english"` or `"none"`.
    #[serde(default = "english")]
    pub stemmer: String,
    /// `"english"` or `"none"`.
    #[serde(default = "none")]
    pub stop_words: String,
    #[serde(default = "default_max_token_len")]
    pub max_token_len: usize,
    /// Index compounds under their closed form too, so "counter-terrorism", "counter
    /// terrorism" and "counterterrorism" match each other (see [`compounds`]).
    #[serde(default = "yes")]
    pub compounds: bool,
}

fn yes() -> bool {
    true
}
fn english() -> String {
    "english".into()
}
fn none() -> String {
    "none".into()
}
fn default_max_token_len() -> usize {
    40
}

impl AnalyzerSpec {
    /// Checks the names the schema used; the error names the valid choices.
    pub fn validate(&self) -> Result<(), String> {
        if !matches!(self.stemmer.as_str(), "english" | "none") {
            return Err(format!(
                "stemmer {:?} is not one of: english, none",
                self.stemmer
            ));
        }
        if !matches!(self.stop_words.as_str(), "english" | "none") {
            return Err(format!(
                "stop_words {:?} is not one of: english, none",
                self.stop_words
            ));
        }
        if !(2..=255).contains(&self.max_token_len) {
            return Err(format!(
                "max_token_len {} is not within 2..=255",
                self.max_token_len
            ));
        }
        Ok(())
    }

    /// Builds the analyzer that indexes text. Order matters: fold and lowercase before stop
    /// words and stemming, which expect lowercase ASCII; compounds last, on the words.
    pub fn build(&self) -> TextAnalyzer {
        self.build_for(Mode::Index, None)
    }

    /// Builds the analyzer that finds a query's terms in a passage for its snippet: the one
    /// that indexes text, stemming only the words that begin with a byte of `terms`
    /// ([`FirstBytes`]). Every token it gives whose text is one of the terms is a token the
    /// indexing analyzer gives, and the other way round.
    pub fn build_snippets(&self, terms: FirstBytes) -> TextAnalyzer {
        self.build_for(Mode::Index, Some(terms))
    }

    /// Builds the analyzer that reads queries: the same, but a compound becomes its closed
    /// form alone (see [`compounds`]).
    pub fn build_query(&self) -> TextAnalyzer {
        self.build_for(Mode::Query, None)
    }

    fn build_for(&self, mode: Mode, gate: Option<FirstBytes>) -> TextAnalyzer {
        let english_stop = self.stop_words == "english";
        let stemmer = CachedStemmer {
            stop_words: english_stop,
            gate,
        };
        if self.lowercase && self.ascii_folding && self.stemmer == "english" {
            // The shipped analyzer in one pass: indexing calls it for every token.
            let english = English::new(english_stop, self.max_token_len, gate);
            if !self.compounds {
                return TextAnalyzer::from(ReplayLast::new(english));
            }
            return TextAnalyzer::from(ReplayLast::new(Compounds::new(english, mode)));
        }
        let mut b = TextAnalyzer::builder(WordTokenizer::default())
            .filter(RemoveLongFilter::limit(self.max_token_len))
            .dynamic();
        if self.lowercase {
            b = b.filter_dynamic(LowerCaser);
        }
        if self.ascii_folding {
            b = b.filter_dynamic(AsciiFoldingFilter);
        }
        if self.stemmer == "english" {
            // Removes the stop words too, in the same lookup.
            b = b.filter_dynamic(stemmer);
        } else if english_stop && let Some(f) = StopWordFilter::new(Language::English) {
            b = b.filter_dynamic(f);
        }
        let chain = Analyzer(b.build());
        if !self.compounds {
            return TextAnalyzer::from(ReplayLast::new(chain));
        }
        TextAnalyzer::from(ReplayLast::new(Compounds::new(chain, mode)))
    }
}

/// English Snowball stemming through a [`StemMemo`] (and, if asked, removing the English stop
/// words first), as a filter for analyzers other than the shipped one, which does the same in
/// one pass ([`English`]).
///
/// tantivy's `Stemmer` runs the Snowball algorithm on every token: about a quarter of the
/// instructions of indexing news text, where a few thousand words make up most tokens. The
/// memo runs the same algorithm (the `frostem` crate, the version tantivy uses) once per
/// distinct word. A clone starts with an empty memo, so an analyzer handed to each indexing
/// thread or query does not copy another's.
#[derive(Clone, Copy, Default)]
pub struct CachedStemmer {
    /// Remove Lucene's English stop words (tantivy's `StopWordFilter` list) before stemming.
    pub stop_words: bool,
    /// Stem only the words beginning with one of these bytes (snippets: [`FirstBytes`]).
    pub gate: Option<FirstBytes>,
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            memo: StemMemo::new(self.stop_words, self.gate),
        }
    }
}

pub struct CachedStemmerFilter<T> {
    inner: T,
    memo: StemMemo,
}

impl<T: Clone> Clone for CachedStemmerFilter<T> {
    fn clone(&self) -> Self {
        CachedStemmerFilter {
            inner: self.inner.clone(),
            memo: StemMemo::new(self.memo.stop_words(), self.memo.gate()),
        }
    }
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            memo: &mut self.memo,
        }
    }
}

pub struct CachedStemmerStream<'a, S> {
    tail: S,
    memo: &'a mut StemMemo,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let text = &mut self.tail.token_mut().text;
            match self.memo.lookup(text) {
                Outcome::Stop => continue,
                Outcome::Same => return true,
                Outcome::Stem(stem) => {
                    text.clear();
                    text.push_str(stem);
                    return true;
                }
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The terms `text` becomes under `analyzer`, in order.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::memo::ENGLISH_STOP_WORDS;
    use super::*;

    #[test]
    fn one_character_terms_are_told_by_characters_not_bytes() {
        for t in ["", "i", "7", "\u{e9}", "\u{df}"] {
            assert!(is_one_character(t), "{t:?}");
        }
        for t in ["is", "42", "\u{e9}a", "\u{2113}x"] {
            assert!(!is_one_character(t), "{t:?}");
        }
    }

    /// `next_word` as first written, one `char` at a time: the fast path must agree with it.
    fn reference_next_word(text: &str, from: usize) -> Option<(usize, usize)> {
        let rest = text.get(from..)?;
        let (start_rel, _) = rest.char_indices().find(|(_, c)| c.is_alphanumeric())?;
        let start = from + start_rel;
        let mut end = start;
        let mut chars = text[start..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c.is_alphanumeric() {
                end = start + i + c.len_utf8();
            } else if is_apostrophe(c) && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric()) {
                continue;
            } else {
                break;
            }
        }
        Some((start, end))
    }

    #[test]
    fn ascii_apostrophes_are_the_apostrophes_in_ascii() {
        for b in 0..128u8 {
            assert_eq!(is_ascii_apostrophe(b), is_apostrophe(char::from(b)), "{b}");
        }
    }

    #[test]
    fn next_word_agrees_with_char_by_char_reading() {
        let alphabet: Vec<String> = "aZ9 .-'’ʼ‘`´éßД中٣\u{301}_\t,"
            .chars()
            .map(String::from)
            .collect();
        let pieces: Vec<&str> = alphabet.iter().map(String::as_str).collect();
        for text in crate::testing::random_texts(&pieces, 20_000, 16) {
            let (mut at, mut fast, mut slow) = (0, vec![], vec![]);
            while let Some(w) = next_word(&text, at) {
                fast.push(w);
                at = w.1;
            }
            at = 0;
            while let Some(w) = reference_next_word(&text, at) {
                slow.push(w);
                at = w.1;
            }
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    fn spec() -> AnalyzerSpec {
        toml::from_str("").unwrap()
    }

    /// The shipped corpus, every stop word in three cases, and a word too long to remember.
    fn stemming_sample() -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        let mut text: String = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        for w in ENGLISH_STOP_WORDS {
            text.push_str(&format!(" {w} {} Then {w}s", w.to_uppercase()));
        }
        text.push_str(" internationalisations counterterrorisms");
        text
    }

    /// The shipped analyzer as a chain of tantivy's own filters, stemming included.
    fn tantivy_chain(stop_words: &str, max_len: usize) -> TextAnalyzer {
        let mut plain = TextAnalyzer::builder(WordTokenizer::default())
            .filter(RemoveLongFilter::limit(max_len))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .dynamic();
        if stop_words == "english" {
            plain = plain.filter_dynamic(StopWordFilter::new(Language::English).unwrap());
        }
        plain
            .filter_dynamic(tantivy::tokenizer::Stemmer::new(Language::English))
            .build()
    }

    /// The cached analyzer against tantivy's own filters, through the same analyzer until it
    /// has stemmed enough tokens to fill its memo, then once more reading it.
    fn assert_same_terms_as_tantivy(stop_words: &str) {
        let mut cached = AnalyzerSpec {
            stop_words: stop_words.into(),
            compounds: false,
            ..spec()
        }
        .build();
        let mut plain = tantivy_chain(stop_words, 40);
        let text = stemming_sample();
        let want = analyze(&mut plain, &text);
        assert!(want.len() > 2000, "{}", want.len());
        assert!(want.contains(&"attack".to_string()));
        assert_eq!(want.contains(&"the".to_string()), stop_words == "none");
        for _ in 0..=memo::REMEMBER_AFTER_TOKENS / want.len() + 1 {
            assert_eq!(analyze(&mut cached, &text), want);
            // Another text in between, so the next pass goes through the memo again rather
            // than being replayed (`replay::ReplayLast`).
            assert!(analyze(&mut cached, "").is_empty());
        }
    }

    /// The shipped analyzer replays a text met three times in a row (a title repeated on an
    /// article's passages): the terms must not change.
    #[test]
    fn a_repeated_title_gives_the_same_terms() {
        let mut a = spec().build();
        let title = "Pakistan’s TTP attacks: the talks";
        let want = vec!["pakistan", "ttp", "attack", "the", "talk"];
        for _ in 0..4 {
            assert_eq!(analyze(&mut a, title), want);
        }
    }

    /// The shipped analyzer in one pass against tantivy's own chain of filters, token by token
    /// (text, offsets, positions), on random texts of ASCII and other words, apostrophes, long
    /// words, stop words in any case and separators, through one analyzer long enough for its
    /// memo to fill and its frequent words to move.
    #[test]
    fn the_one_pass_analyzer_gives_tantivys_tokens() {
        let pieces = [
            "The ",
            "the",
            "ATTACKS ",
            "attacked",
            " Pakistan’s",
            "Pakistan's",
            "Da'ish",
            "d`x",
            "Café ",
            "ÉCOLE",
            "ﬁnance",
            "Straße",
            "x’",
            "’y",
            "-",
            ". ",
            "\n",
            " 2024 ",
            "4th",
            "u.s.",
            "a",
            " IS ",
            "was",
            "talks",
            "Tehreek-e-Taliban",
            "中文",
            "٣",
            "e\u{301}",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq",
            "internationalisations ",
            "countrywide",
            "skies",
            " ",
            "_",
            "Ω",
            "ǅ",
            "İstanbul",
            // Just under and at the length limit of 40 bytes.
            " exceptionallyexceptionallyexceptionally ",
            " exceptionallyexceptionallyexceptionallyX ",
            " déjàdéjàdéjàdéjàdéjàdéjàdéjàdéjà ",
            // Letters and digits that run together into thousands of distinct words, so the
            // memo's tables grow and frequent words move.
            "b",
            "q",
            "z",
            "7",
            "ing",
            "ed",
        ];
        for (stop_words, max_len) in [("english", 40), ("none", 40), ("english", 6)] {
            let mut fused = AnalyzerSpec {
                stop_words: stop_words.into(),
                max_token_len: max_len,
                compounds: false,
                ..spec()
            }
            .build();
            let mut plain = tantivy_chain(stop_words, max_len);
            for text in crate::testing::random_texts(&pieces, 12_000, 24) {
                let tokens = |a: &mut TextAnalyzer| {
                    let mut out = Vec::new();
                    let mut s = a.token_stream(&text);
                    while s.advance() {
                        let t = s.token();
                        out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
                    }
                    out
                };
                assert_eq!(tokens(&mut fused), tokens(&mut plain), "{text:?}");
            }
        }
    }

    /// The tokens of `text` whose text is in `terms`: offsets and text.
    fn tokens_among(
        a: &mut TextAnalyzer,
        text: &str,
        terms: &std::collections::BTreeSet<String>,
    ) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            let t = s.token();
            if terms.contains(&t.text) {
                out.push((t.text.clone(), t.offset_from, t.offset_to));
            }
        }
        out
    }

    /// A snippet's analyzer finds a set of terms exactly where the indexing analyzer does:
    /// for each letter, the terms that begin with it (and with it and one more), on the
    /// shipped corpus with its compounds and on random texts. This also checks that English
    /// stemming keeps a word's first byte, which the gate rests on: a word stemmed to a term of
    /// another first letter would be missing from the snippet's tokens.
    #[test]
    fn a_snippet_analyzer_finds_the_terms_the_indexing_one_finds() {
        let pieces = [
            "counter-terrorism ",
            "counter terrorism ",
            "Counterterrorist ",
            "anti-state ",
            "cross-border",
            " co-operation",
            "e-mail ",
            "Tehreek-e-Taliban ",
            "the ",
            "at-risk ",
            "dying ",
            "skies ",
            "yelling ",
            "Yemen's ",
            "Café ",
            "ÉCOLE ",
            "Straße ",
            "Ωmega ",
            "news ",
            "-",
            " ",
            ". ",
            "attacks ",
            "ies",
            "ing",
            "y",
            "b",
            "7",
        ];
        let mut texts = crate::testing::random_texts(&pieces, 3_000, 20);
        texts.push(stemming_sample());
        for stop_words in ["english", "none"] {
            let spec = AnalyzerSpec {
                stop_words: stop_words.into(),
                ..spec()
            };
            let mut index = spec.build();
            for text in &texts {
                let all: std::collections::BTreeSet<String> =
                    analyze(&mut index, text).into_iter().collect();
                let mut firsts: Vec<String> = all
                    .iter()
                    .filter_map(|t| t.chars().next().map(String::from))
                    .collect();
                firsts.dedup();
                firsts.extend(["co", "an", "te", "di", "sk", "ye"].map(String::from));
                for first in &firsts {
                    let terms: std::collections::BTreeSet<String> = all
                        .iter()
                        .filter(|t| t.starts_with(first.as_str()))
                        .cloned()
                        .collect();
                    let gate = FirstBytes::of(terms.iter().map(String::as_str));
                    let mut snippets = spec.build_snippets(gate);
                    assert_eq!(
                        tokens_among(&mut snippets, text, &terms),
                        tokens_among(&mut index, text, &terms),
                        "{stop_words} {first:?} {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn first_bytes_admit_exactly_the_first_bytes_of_their_terms() {
        let set = FirstBytes::of(["attack", "", "zeal", "\u{e9}cole", "~x"]);
        for b in 0..=255u8 {
            let want = matches!(b, b'a' | b'z' | 0xC3 | b'~');
            assert_eq!(set.admits(b), want, "{b}");
        }
        assert!(!FirstBytes::default().admits(b'a'));
    }

    #[test]
    fn cached_stems_equal_tantivys() {
        assert_same_terms_as_tantivy("none");
    }

    #[test]
    fn remembered_stop_words_are_tantivys() {
        assert_same_terms_as_tantivy("english");
    }

    #[test]
    fn apostrophe_variants_are_one_word() {
        let mut a = spec().build();
        assert_eq!(analyze(&mut a, "Da'ish"), vec!["daish"]);
        assert_eq!(analyze(&mut a, "Da’ish"), vec!["daish"]);
        assert_eq!(analyze(&mut a, "Da`ish"), vec!["daish"]);
        assert_eq!(analyze(&mut a, "Daish"), vec!["daish"]);
        assert_eq!(analyze(&mut a, "Pakistan’s"), analyze(&mut a, "Pakistans"));
    }

    #[test]
    fn hyphens_and_punctuation_split() {
        let mut a = spec().build();
        assert_eq!(
            analyze(&mut a, "Tehreek-e-Taliban"),
            vec!["tehreek", "e", "taliban"]
        );
        assert_eq!(analyze(&mut a, "'quoted' -- x"), vec!["quot", "x"]);
        assert_eq!(analyze(&mut a, "end’"), vec!["end"]);
    }

    #[test]
    fn folding_and_stemming() {
        let mut a = spec().build();
        assert_eq!(analyze(&mut a, "Café attacks"), vec!["cafe", "attack"]);
        let mut plain = AnalyzerSpec {
            stemmer: "none".into(),
            ..spec()
        }
        .build();
        assert_eq!(analyze(&mut plain, "attacks"), vec!["attacks"]);
    }

    #[test]
    fn offsets_point_into_original_text() {
        let mut a = spec().build();
        let text = "the Da’ish group";
        let mut s = a.token_stream(text);
        let mut ranges = vec![];
        while s.advance() {
            let t = s.token();
            ranges.push(&text[t.offset_from..t.offset_to]);
        }
        assert_eq!(ranges, vec!["the", "Da’ish", "group"]);
    }

    #[test]
    fn bad_names_are_rejected() {
        let bad = AnalyzerSpec {
            stemmer: "french".into(),
            ..spec()
        };
        assert!(bad.validate().unwrap_err().contains("english, none"));
    }
}
