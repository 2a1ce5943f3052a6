//! The shipped analyzer in one pass: words, long-word removal, lowercasing, ASCII folding,
//! stop words and English stemming.
//!
//! Indexing runs it on every token (a quarter of indexing's CPU). As a chain of tantivy
//! filters each token was copied and rescanned by every filter: on one thread
//! (`examples/bench analyze` over the 100k benchmark passages) it took 185 ns a token, and
//! 85-110 ns in this form. Here a word of plain ASCII, most of news text, is found, its memo
//! slot looked up by a key built straight from the text, and its token text written once;
//! any other word (an apostrophe inside, a letter beyond ASCII) takes the chain's own steps,
//! tantivy's `LowerCaser` and `AsciiFoldingFilter` included, so both give the same tokens (a
//! randomized test compares them).

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use super::memo::{Outcome, StemMemo};
use super::{FirstBytes, is_apostrophe, is_ascii_apostrophe, next_word};

/// The analyzer `lowercase + ascii_folding + stemmer = "english"` of the schema, with or
/// without stop words.
pub struct English {
    token: Token,
    memo: StemMemo,
    /// Words of this many bytes or more are dropped (tantivy's `RemoveLongFilter`).
    max_len: usize,
    /// Lowercasing and folding for words beyond plain ASCII.
    fold: TextAnalyzer,
}

impl English {
    /// `gate`: stem only the words beginning with one of its bytes (snippets, see
    /// [`super::FirstBytes`]).
    pub fn new(stop_words: bool, max_len: usize, gate: Option<FirstBytes>) -> English {
        English {
            token: Token::default(),
            memo: StemMemo::new(stop_words, gate),
            max_len,
            fold: TextAnalyzer::from(AsciiFoldingFilter.transform(LowerCaser.transform(OneWord))),
        }
    }
}

impl Clone for English {
    /// A clone starts with an empty memo: an analyzer handed to each indexing thread or query
    /// does not copy another's.
    fn clone(&self) -> Self {
        English::new(self.memo.stop_words(), self.max_len, self.memo.gate())
    }
}

impl Tokenizer for English {
    type TokenStream<'a> = EnglishStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> EnglishStream<'a> {
        self.token.reset();
        let next = next_plain_word(text, 0);
        EnglishStream {
            text,
            next,
            analyzer: self,
        }
    }
}

pub struct EnglishStream<'a> {
    text: &'a str,
    /// The next word, found ahead so that its memo slots are loaded while tantivy indexes
    /// the current token (see [`StemMemo::prefetch_plain`]).
    next: Option<(usize, usize, bool)>,
    analyzer: &'a mut English,
}

/// The next word at or after `from`: its byte range, and whether it is plain ASCII letters
/// and digits (then it is its own token text, lowercased).
fn next_plain_word(text: &str, from: usize) -> Option<(usize, usize, bool)> {
    let bytes = text.as_bytes();
    let mut at = from;
    loop {
        let b = *bytes.get(at)?;
        if b.is_ascii_alphanumeric() {
            break;
        }
        if b >= 0x80 {
            return general_word(text, at);
        }
        at += 1;
    }
    let start = at;
    while let Some(&b) = bytes.get(at) {
        if b.is_ascii_alphanumeric() {
            at += 1;
        } else if b >= 0x80 || is_ascii_apostrophe(b) {
            // The word may go on past an apostrophe or with a letter beyond ASCII.
            return general_word(text, start);
        } else {
            break;
        }
    }
    Some((start, at, true))
}

fn general_word(text: &str, from: usize) -> Option<(usize, usize, bool)> {
    let (start, end) = next_word(text, from)?;
    let plain = text.as_bytes()[start..end]
        .iter()
        .all(u8::is_ascii_alphanumeric);
    Some((start, end, plain))
}

impl EnglishStream<'_> {
    /// Puts the token text of the word `text[start..end]` (not plain ASCII) into the token:
    /// apostrophes dropped, then lowercased and folded as tantivy's filters do. `false` when
    /// the word is too long.
    fn general_text(&mut self, start: usize, end: usize) -> bool {
        let a = &mut *self.analyzer;
        let text = &mut a.token.text;
        text.clear();
        text.extend(self.text[start..end].chars().filter(|c| !is_apostrophe(*c)));
        if text.len() >= a.max_len {
            return false;
        }
        if text.is_ascii() {
            text.make_ascii_lowercase();
            return true;
        }
        let mut folded = a.fold.token_stream(text);
        if folded.advance() {
            let word = std::mem::take(&mut folded.token_mut().text);
            drop(folded);
            a.token.text = word;
        }
        true
    }
}

impl TokenStream for EnglishStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((start, end, plain)) = self.next {
            self.next = next_plain_word(self.text, end);
            if let Some((s, e, true)) = self.next {
                self.analyzer.memo.prefetch_plain(self.text, s, e);
            }
            let token = &mut self.analyzer.token;
            token.position = token.position.wrapping_add(1);
            token.offset_from = start;
            token.offset_to = end;
            if plain {
                if end - start >= self.analyzer.max_len {
                    continue;
                }
                let a = &mut *self.analyzer;
                let text = &mut a.token.text;
                text.clear();
                match a.memo.lookup_plain(self.text, start, end) {
                    Outcome::Stop => continue,
                    Outcome::Same => {
                        text.push_str(&self.text[start..end]);
                        text.make_ascii_lowercase();
                    }
                    Outcome::Stem(stem) => text.push_str(stem),
                }
                return true;
            }
            if !self.general_text(start, end) {
                continue;
            }
            let a = &mut *self.analyzer;
            match a.memo.lookup(&a.token.text) {
                Outcome::Stop => continue,
                Outcome::Same => return true,
                Outcome::Stem(stem) => {
                    a.token.text.clear();
                    a.token.text.push_str(stem);
                    return true;
                }
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.analyzer.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.analyzer.token
    }
}

/// A tokenizer whose one token is its whole text: what tantivy's filters are run over for a
/// word beyond plain ASCII.
#[derive(Clone)]
struct OneWord;

struct OneWordStream {
    token: Token,
    given: bool,
}

impl Tokenizer for OneWord {
    type TokenStream<'a> = OneWordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> OneWordStream {
        OneWordStream {
            token: Token {
                text: text.to_string(),
                offset_to: text.len(),
                ..Token::default()
            },
            given: false,
        }
    }
}

impl TokenStream for OneWordStream {
    fn advance(&mut self) -> bool {
        !std::mem::replace(&mut self.given, true)
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
