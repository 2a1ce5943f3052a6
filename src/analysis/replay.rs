//! Replaying the tokens of a text analyzed just before.
//!
//! Every passage is a document, and every passage carries its article's title, so tantivy
//! analyzes an article's title once per passage: in news text a sixth of all the tokens
//! indexed. tantivy gives each field its own analyzer (per segment), so the title field's
//! analyzer is asked for the same title several times in a row. [`ReplayLast`] remembers the
//! tokens of the last text it analyzed and hands them out again when asked for the same text.

use tantivy::tokenizer::{BoxTokenStream, TextAnalyzer, Token, TokenStream, Tokenizer};

/// A tokenizer that replays its last text's tokens when given the same text again.
#[derive(Clone)]
pub struct ReplayLast<T> {
    inner: T,
    last: Last,
}

/// The last text analyzed and, from its second time in a row, its tokens; `complete` once they
/// were read to the end (a stream dropped halfway must not be replayed as the whole text).
#[derive(Clone, Default)]
pub struct Last {
    text: String,
    tokens: Vec<Token>,
    len: usize,
    complete: bool,
}

impl<T> ReplayLast<T> {
    pub fn new(inner: T) -> ReplayLast<T> {
        ReplayLast {
            inner,
            last: Last::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for ReplayLast<T> {
    type TokenStream<'a> = ReplayStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let last = &mut self.last;
        if last.text != text {
            // A text seen once is only analyzed: remembering every token of every passage
            // cost more than replaying the titles saved.
            last.text.clear();
            last.text.push_str(text);
            last.complete = false;
            return ReplayStream::Pass(self.inner.token_stream(text));
        }
        if last.complete {
            return ReplayStream::Replay {
                tokens: &last.tokens[..last.len],
                at: None,
                current: Token::default(),
            };
        }
        last.len = 0;
        ReplayStream::Record {
            inner: self.inner.token_stream(text),
            last,
        }
    }
}

pub enum ReplayStream<'a, S> {
    /// Hands out copies of the remembered tokens (a consumer may change its token).
    Replay {
        tokens: &'a [Token],
        at: Option<usize>,
        current: Token,
    },
    /// Analyzes a text seen for the first time in a row.
    Pass(S),
    /// Analyzes a text seen a second time in a row, remembering each token in a reused slot
    /// (no allocation once the slots have grown).
    Record { inner: S, last: &'a mut Last },
}

impl<S: TokenStream> TokenStream for ReplayStream<'_, S> {
    fn advance(&mut self) -> bool {
        match self {
            ReplayStream::Replay {
                tokens,
                at,
                current,
            } => {
                let next = at.map_or(0, |i| i + 1);
                *at = Some(next);
                match tokens.get(next) {
                    Some(token) => {
                        copy_token(current, token);
                        true
                    }
                    None => false,
                }
            }
            ReplayStream::Pass(inner) => inner.advance(),
            ReplayStream::Record { inner, last } => {
                if !inner.advance() {
                    last.complete = true;
                    return false;
                }
                let token = inner.token();
                match last.tokens.get_mut(last.len) {
                    Some(slot) => copy_token(slot, token),
                    None => last.tokens.push(token.clone()),
                }
                last.len += 1;
                true
            }
        }
    }

    fn token(&self) -> &Token {
        match self {
            ReplayStream::Replay { current, .. } => current,
            ReplayStream::Pass(inner) | ReplayStream::Record { inner, .. } => inner.token(),
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self {
            ReplayStream::Replay { current, .. } => current,
            // A change made here after the token was remembered is not replayed; tantivy's
            // indexer only reads tokens.
            ReplayStream::Pass(inner) | ReplayStream::Record { inner, .. } => inner.token_mut(),
        }
    }
}

/// `Token`'s derived `clone_from` allocates a new string; this reuses `to`'s.
fn copy_token(to: &mut Token, from: &Token) {
    to.offset_from = from.offset_from;
    to.offset_to = from.offset_to;
    to.position = from.position;
    to.position_length = from.position_length;
    to.text.clone_from(&from.text);
}

/// A built analyzer as a [`Tokenizer`], so that [`ReplayLast`] can wrap a chain of filters
/// chosen at run time.
#[derive(Clone)]
pub struct Analyzer(pub TextAnalyzer);

impl Tokenizer for Analyzer {
    type TokenStream<'a> = BoxTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BoxTokenStream<'a> {
        self.0.token_stream(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};

    fn tokens(t: &mut impl Tokenizer, text: &str, take: usize) -> Vec<(String, usize, usize)> {
        let mut s = t.token_stream(text);
        let mut out = vec![];
        while out.len() < take && s.advance() {
            let k = s.token();
            out.push((k.text.clone(), k.position, k.offset_from));
        }
        out
    }

    #[test]
    fn replays_the_same_tokens_and_only_for_the_same_text() {
        let plain = || {
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .build()
        };
        let mut replay = ReplayLast::new(Analyzer(plain()));
        let mut fresh = Analyzer(plain());
        let texts = [
            "Pakistan and the US", // analyzed
            "Pakistan and the US", // recorded
            "Pakistan and the US", // replayed
            "Pakistan and the US", // replayed again
            "TTP attacks rise",    // analyzed
            "",                    // analyzed: no tokens
            "",                    // recorded: no tokens
            "",                    // replayed: no tokens
            "Pakistan and the US", // analyzed again
        ];
        for text in texts {
            assert_eq!(
                tokens(&mut replay, text, usize::MAX),
                tokens(&mut fresh, text, usize::MAX),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_stream_left_halfway_is_not_replayed_as_whole() {
        let mut replay = ReplayLast::new(Analyzer(TextAnalyzer::from(SimpleTokenizer::default())));
        assert_eq!(tokens(&mut replay, "one two three", 1).len(), 1);
        assert_eq!(tokens(&mut replay, "one two three", 1).len(), 1);
        assert_eq!(tokens(&mut replay, "one two three", usize::MAX).len(), 3);
        assert_eq!(tokens(&mut replay, "one two three", usize::MAX).len(), 3);
    }
}
