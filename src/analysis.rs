//! Text analysis: the tokenizer and the analyzers the schema may name.
//!
//! tantivy's `SimpleTokenizer` splits `Da'ish` into `da` + `ish`, so "Daish", "Da'ish" and
//! "Da’ish" would not be the same word. [`WordTokenizer`] keeps an apostrophe that sits between
//! two letters inside the word and drops it from the token, so all three become `daish`, and
//! "Pakistan’s" stems like "Pakistans". Everything else (hyphens, dots) separates words, as in
//! `SimpleTokenizer`, so `Tehreek-e-Taliban` is the phrase `tehreek e taliban`.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, StopWordFilter,
    TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Characters that act as an apostrophe inside a word.
pub fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘' | '`' | '´')
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

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((start, end)) = next_word(self.text, self.offset) else {
            self.offset = self.text.len();
            return false;
        };
        self.offset = end;
        self.token.text.clear();
        self.token
            .text
            .extend(self.text[start..end].chars().filter(|c| !is_apostrophe(*c)));
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

    /// Builds the tantivy analyzer. Order matters: fold and lowercase before stop words and
    /// stemming, which expect lowercase ASCII.
    pub fn build(&self) -> TextAnalyzer {
        let mut b = TextAnalyzer::builder(WordTokenizer::default())
            .filter(RemoveLongFilter::limit(self.max_token_len))
            .dynamic();
        if self.lowercase {
            b = b.filter_dynamic(LowerCaser);
        }
        if self.ascii_folding {
            b = b.filter_dynamic(AsciiFoldingFilter);
        }
        if self.stop_words == "english"
            && let Some(f) = StopWordFilter::new(Language::English)
        {
            b = b.filter_dynamic(f);
        }
        if self.stemmer == "english" {
            b = b.filter_dynamic(Stemmer::new(Language::English));
        }
        b.build()
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
    use super::*;

    fn spec() -> AnalyzerSpec {
        toml::from_str("").unwrap()
    }

    #[test]
    fn apostrophe_variants_are_one_word() {
        let mut a = spec().build();
        assert_eq!(analyze(&mut a, "Da'ish"), vec!["daish"]);
        assert_eq!(analyze(&mut a, "Da’ish"), vec!["daish"]);
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
