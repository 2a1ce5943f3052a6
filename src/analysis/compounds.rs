//! Spelling variants of compounds: "counterterrorism", "counter-terrorism" and "counter
//! terrorism" are one word to search.
//!
//! A compound is two words joined by one hyphen (`cross-border`, `co-operation`, `e-mail`),
//! or two words apart by one or two spaces whose first is one of [`SPACED_PREFIXES`]
//! (`counter terrorism`, `anti state`). A hyphen chain of three or more words
//! (`Tehreek-e-Taliban`, `2023-03-06`) is no compound: it stays the phrase of its words. Both
//! words must be letters (apostrophes allowed), so `F-16` and `COVID-19` stay as they were.
//!
//! Indexing ([`Mode::Index`]) keeps both words and adds the closed form (the two words
//! written together, then analysed like any word: `counterterror`), all three at the first
//! word's position; later words move up by one, so a compound takes one position as the
//! closed word does. Searching ([`Mode::Query`]) puts the closed form alone in place of a
//! compound. So each spelling of a query finds all three spellings of the text, and a phrase
//! around a compound ("counter-terrorism dialogue") matches whichever spelling the article
//! used. A search for one half (`terrorism`) still finds the two-word spellings, as before.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// First words that form a compound with the next word even when a space parts them.
pub const SPACED_PREFIXES: &[&str] = &["anti", "counter", "cross", "non"];

/// Hyphens that join a compound: ASCII, Unicode hyphen, non-breaking hyphen.
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Which side of the index a [`Compounds`] analyses for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Both words and the closed form.
    Index,
    /// The closed form only.
    Query,
}

/// Adds the closed forms of compounds to the tokens of `inner` (see the module documentation).
/// A clone of `inner` (`closer`) analyses the closed form, so it is stemmed and folded as the
/// same word written closed would be.
#[derive(Clone)]
pub struct Compounds<T> {
    inner: T,
    closer: T,
    mode: Mode,
    joined: String,
    /// Query mode: the tokens of the text, then what is handed out.
    tokens: Vec<Token>,
    out: Vec<Token>,
}

impl<T: Tokenizer> Compounds<T> {
    pub fn new(inner: T, mode: Mode) -> Compounds<T> {
        Compounds {
            closer: inner.clone(),
            inner,
            mode,
            joined: String::new(),
            tokens: Vec::new(),
            out: Vec::new(),
        }
    }
}

/// Whether `word` is letters (an apostrophe between them allowed).
fn is_letters(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphabetic() || super::is_apostrophe(c))
}

/// Whether the word at `a` and the word at `b`, next to each other in `text`, form a compound.
/// Called for every pair of tokens while indexing: most pairs are parted by one space after a
/// word that is no prefix, or by more than a hyphen, and are refused on the first tests.
fn joins(text: &str, a: (usize, usize), b: (usize, usize)) -> bool {
    let Some(gap) = text.as_bytes().get(a.1..b.0) else {
        return false;
    };
    let hyphen = match gap {
        [b'-'] | [0xE2, 0x80, 0x90] | [0xE2, 0x80, 0x91] => true,
        [b' '] | [b' ', b' '] => false,
        _ => return false,
    };
    let (Some(first), Some(second)) = (text.get(a.0..a.1), text.get(b.0..b.1)) else {
        return false;
    };
    if !hyphen
        && !SPACED_PREFIXES
            .iter()
            .any(|p| p.eq_ignore_ascii_case(first))
    {
        return false;
    }
    is_letters(first)
        && is_letters(second)
        && !hyphen_word(text[..a.0].chars().rev())
        && !hyphen_word(text[b.1..].chars())
}

/// Whether `chars` start with a hyphen and then a letter or digit: a hyphen chain goes on.
fn hyphen_word(mut chars: impl Iterator<Item = char>) -> bool {
    matches!((chars.next(), chars.next()), (Some(h), Some(w)) if is_hyphen(h) && w.is_alphanumeric())
}

/// The closed form of the words at `a` and `b` of `text` into `joined`: one token of
/// `closer`, or `false` when it gives none or several.
fn closed<T: Tokenizer>(
    closer: &mut T,
    joined: &mut String,
    text: &str,
    a: (usize, usize),
    b: (usize, usize),
) -> bool {
    joined.clear();
    joined.push_str(&text[a.0..a.1]);
    joined.push_str(&text[b.0..b.1]);
    let mut stream = closer.token_stream(joined);
    if !stream.advance() {
        return false;
    }
    let word = stream.token().text.clone();
    let one = !stream.advance();
    drop(stream);
    joined.clear();
    joined.push_str(&word);
    one
}

impl<T: Tokenizer> Tokenizer for Compounds<T> {
    type TokenStream<'a> = CompoundStream<'a, T::TokenStream<'a>, T>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.mode == Mode::Index {
            return CompoundStream::Index(IndexStream {
                text,
                inner: self.inner.token_stream(text),
                closer: &mut self.closer,
                joined: &mut self.joined,
                token: Token::default(),
                prev: None,
                state: State::Plain,
                shift: 0,
                saved: None,
            });
        }
        self.tokens.clear();
        let mut stream = self.inner.token_stream(text);
        while stream.advance() {
            self.tokens.push(stream.token().clone());
        }
        drop(stream);
        self.out.clear();
        let (mut shift, mut i) = (0, 0);
        while let Some(a) = self.tokens.get(i) {
            let span = (a.offset_from, a.offset_to);
            let mut t = a.clone();
            t.position = a.position.wrapping_sub(shift);
            if let Some(b) = self.tokens.get(i + 1)
                && joins(text, span, (b.offset_from, b.offset_to))
                && closed(
                    &mut self.closer,
                    &mut self.joined,
                    text,
                    span,
                    (b.offset_from, b.offset_to),
                )
            {
                t.text.clone_from(&self.joined);
                t.offset_to = b.offset_to;
                shift += 1;
                i += 1;
            }
            self.out.push(t);
            i += 1;
        }
        let len = self.out.len();
        // A last token that is never handed out, so `token()` always has one to show.
        self.out.push(Token::default());
        CompoundStream::Query {
            tokens: &mut self.out,
            len,
            at: None,
        }
    }
}

/// Where an index stream is in a compound.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Plain,
    /// The closed form is the token; the second word comes next (held by the inner stream).
    Closed,
    /// The second word of a compound is the token: it starts none.
    Second,
}

pub struct IndexStream<'a, S, T> {
    text: &'a str,
    inner: S,
    closer: &'a mut T,
    joined: &'a mut String,
    /// The closed form, while it is the token.
    token: Token,
    /// The last word handed out: its offsets and position (after the shift), unless it was
    /// the second word of a compound.
    prev: Option<(usize, usize, usize)>,
    state: State,
    /// Positions taken back so far: one per compound.
    shift: usize,
    /// The position the inner stream gave its current token, when changed here.
    saved: Option<usize>,
}

pub enum CompoundStream<'a, S, T> {
    Index(IndexStream<'a, S, T>),
    Query {
        tokens: &'a mut [Token],
        len: usize,
        at: Option<usize>,
    },
}

impl<S: TokenStream, T: Tokenizer> IndexStream<'_, S, T> {
    fn advance(&mut self) -> bool {
        if self.state == State::Closed {
            // The second word, at the first word's position.
            self.state = State::Second;
            let position = self.prev.map_or(0, |p| p.2);
            self.prev = None;
            let token = self.inner.token_mut();
            self.saved.get_or_insert(token.position);
            token.position = position;
            return true;
        }
        // Tokenizers count positions on from their token's: give it back unchanged.
        if let Some(position) = self.saved.take() {
            self.inner.token_mut().position = position;
        }
        if !self.inner.advance() {
            return false;
        }
        let token = self.inner.token_mut();
        if self.shift > 0 {
            self.saved = Some(token.position);
            token.position = token.position.wrapping_sub(self.shift);
        }
        let (from, to, position) = (token.offset_from, token.offset_to, token.position);
        if let Some(prev) = self.prev
            && joins(self.text, (prev.0, prev.1), (from, to))
            && closed(
                self.closer,
                self.joined,
                self.text,
                (prev.0, prev.1),
                (from, to),
            )
        {
            self.shift += 1;
            self.token.text.clone_from(self.joined);
            self.token.offset_from = prev.0;
            self.token.offset_to = to;
            self.token.position = prev.2;
            self.token.position_length = 1;
            self.state = State::Closed;
            return true;
        }
        self.state = State::Plain;
        self.prev = Some((from, to, position));
        true
    }
}

impl<S: TokenStream, T: Tokenizer> TokenStream for CompoundStream<'_, S, T> {
    fn advance(&mut self) -> bool {
        match self {
            CompoundStream::Index(s) => s.advance(),
            CompoundStream::Query { len, at, .. } => {
                let next = at.map_or(0, |i| i + 1).min(*len);
                *at = Some(next);
                next < *len
            }
        }
    }

    fn token(&self) -> &Token {
        match self {
            CompoundStream::Index(s) if s.state == State::Closed => &s.token,
            CompoundStream::Index(s) => s.inner.token(),
            CompoundStream::Query { tokens, len, at } => &tokens[at.unwrap_or(0).min(*len)],
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self {
            CompoundStream::Index(s) => {
                if s.state == State::Closed {
                    &mut s.token
                } else {
                    s.inner.token_mut()
                }
            }
            CompoundStream::Query { tokens, len, at } => &mut tokens[at.unwrap_or(0).min(*len)],
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::AnalyzerSpec;
    use tantivy::tokenizer::TextAnalyzer;

    fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<(String, usize)> {
        let mut s = a.token_stream(text);
        let mut out = vec![];
        while s.advance() {
            let t = s.token();
            out.push((t.text.clone(), t.position));
        }
        out
    }

    fn spec() -> AnalyzerSpec {
        toml::from_str("stop_words = \"english\"").unwrap()
    }

    fn owned(v: &[(&str, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|(t, p)| (t.to_string(), *p)).collect()
    }

    #[test]
    fn every_spelling_indexes_the_closed_form_at_one_position() {
        let mut a = spec().build();
        let closed = tokens(&mut a, "counterterrorism talks");
        assert_eq!(closed, owned(&[("counterterror", 0), ("talk", 1)]));
        let want = owned(&[
            ("counter", 0),
            ("counterterror", 0),
            ("terror", 0),
            ("talk", 1),
        ]);
        assert_eq!(tokens(&mut a, "counter-terrorism talks"), want);
        assert_eq!(tokens(&mut a, "Counter Terrorism talks"), want);
        assert_eq!(tokens(&mut a, "counter\u{2010}terrorism talks"), want);
        for (hyphenated, closed) in [
            ("cross-border", "crossborder"),
            ("anti-state", "antistate"),
            ("co-operation", "cooperation"),
            ("e-mail", "email"),
            ("counter-terror", "counterterror"),
        ] {
            let closed = tokens(&mut a, closed)[0].0.clone();
            assert!(
                tokens(&mut a, hyphenated).contains(&(closed.clone(), 0)),
                "{hyphenated}: {closed}"
            );
            let mut q = spec().build_query();
            assert_eq!(
                tokens(&mut q, hyphenated),
                vec![(closed, 0)],
                "{hyphenated}"
            );
        }
    }

    #[test]
    fn the_query_reads_a_compound_as_its_closed_form() {
        let mut q = spec().build_query();
        let want = owned(&[("counterterror", 0), ("dialogu", 1)]);
        assert_eq!(tokens(&mut q, "counter-terrorism dialogue"), want);
        assert_eq!(tokens(&mut q, "counter terrorism dialogue"), want);
        assert_eq!(tokens(&mut q, "counterterrorism dialogue"), want);
    }

    #[test]
    fn chains_numbers_and_ordinary_pairs_are_no_compounds() {
        let mut a = spec().build();
        let mut q = spec().build_query();
        let mut plain = AnalyzerSpec {
            compounds: false,
            ..spec()
        }
        .build();
        for text in [
            "Tehreek-e-Taliban Pakistan",
            "on 2023-03-06",
            "F-16 jets",
            "COVID-19 cases",
            "border security",
            "counter - terrorism",
            "Tehreek e Taliban",
            "the-state",
        ] {
            assert_eq!(tokens(&mut a, text), tokens(&mut plain, text), "{text}");
            assert_eq!(tokens(&mut q, text), tokens(&mut plain, text), "{text}");
        }
    }

    #[test]
    fn offsets_of_the_closed_form_span_both_words() {
        let mut a = spec().build();
        let text = "joint counter-terrorism drills";
        let mut s = a.token_stream(text);
        let mut spans = vec![];
        while s.advance() {
            let t = s.token();
            spans.push(text[t.offset_from..t.offset_to].to_string());
        }
        assert_eq!(
            spans,
            vec![
                "joint",
                "counter",
                "counter-terrorism",
                "terrorism",
                "drills"
            ]
        );
    }
}
