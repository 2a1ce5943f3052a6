//! Prefix queries (`Tali*`): a word ending in `*` searches the indexed terms that start with
//! it, at most [`MAX_EXPANSIONS`] of them (the most frequent), so a short prefix cannot turn
//! into a query of thousands of terms.
//!
//! Tantivy's query grammar has no single-term prefix query (its `"a b"*` needs two words), so
//! the prefix is replaced, before the query language reads the query, by a disjunction of the
//! terms the index holds: `Tali*` becomes `("taliban" OR "talib")`. Terms are matched as the
//! index holds them: lower-cased, folded to ASCII and stemmed, so `terroris*` does not find
//! "terrorism" (stored as "terror"); `terror*` does.

use std::collections::BTreeMap;

use anyhow::Result;
use tantivy::schema::Field;
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer};

use crate::search::Engine;

/// Most terms one prefix expands to.
pub const MAX_EXPANSIONS: usize = 64;
/// Fewest characters before the `*`.
pub const MIN_PREFIX_CHARS: usize = 2;

/// Replaces every unquoted `word*` (with its optional `+`/`-` and `field:`) in `query` by the
/// terms `lookup(field, prefix)` finds; a prefix that finds none stays as the plain word.
pub fn expand(
    query: &str,
    mut lookup: impl FnMut(Option<&str>, &str) -> Vec<String>,
) -> Result<String, String> {
    if !query.contains('*') {
        return Ok(query.to_string());
    }
    let mut out = String::with_capacity(query.len());
    let mut in_quote = false;
    let mut word = String::new();
    for c in query.chars() {
        let boundary = c.is_whitespace() || matches!(c, '(' | ')' | '"');
        if in_quote || boundary {
            out.push_str(&rewrite_word(&std::mem::take(&mut word), &mut lookup)?);
            if c == '"' {
                in_quote = !in_quote;
            }
            out.push(c);
        } else {
            word.push(c);
        }
    }
    out.push_str(&rewrite_word(&word, &mut lookup)?);
    Ok(out)
}

/// One word: itself unless it ends in `*`, else its expansion.
fn rewrite_word(
    word: &str,
    lookup: &mut dyn FnMut(Option<&str>, &str) -> Vec<String>,
) -> Result<String, String> {
    let Some(body) = word.strip_suffix('*') else {
        return Ok(word.to_string());
    };
    let (occur, rest) = match body.chars().next() {
        Some(c @ ('+' | '-')) => (c.to_string(), &body[1..]),
        _ => (String::new(), body),
    };
    let (field, stem) = match rest.split_once(':') {
        Some((f, s))
            if !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            (Some(f), s)
        }
        _ => (None, rest),
    };
    if !stem.chars().any(char::is_alphanumeric) {
        return Ok(word.to_string());
    }
    if stem.chars().count() < MIN_PREFIX_CHARS || stem.ends_with('*') {
        return Err(format!(
            "the prefix {word:?} is too short: give at least {MIN_PREFIX_CHARS} letters before the *"
        ));
    }
    let named = |t: &str| match field {
        Some(f) => format!("{f}:\"{t}\""),
        None => format!("\"{t}\""),
    };
    let terms = lookup(field, stem);
    if terms.is_empty() {
        return Ok(format!("{occur}{}", named(stem)));
    }
    let alts: Vec<String> = terms.iter().map(|t| named(t)).collect();
    Ok(format!("{occur}({})", alts.join(" OR ")))
}

/// The prefix as the index's terms begin: lower case, folded to ASCII.
fn normalized(prefix: &str) -> String {
    let mut a = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let mut stream = a.token_stream(prefix);
    let mut out = String::new();
    while let Some(t) = stream.next() {
        out.push_str(&t.text);
    }
    out
}

/// The most frequent terms that start with `prefix` in `field` (or in every field bare words
/// search), at most [`MAX_EXPANSIONS`]; none when the field is not a text field.
pub fn terms(engine: &Engine, field: Option<&str>, prefix: &str) -> Vec<String> {
    let f = &engine.open.fields;
    let fields: Vec<Field> = match field {
        Some(name) => f.text_fields.get(name).map(|v| v.0).into_iter().collect(),
        None => f
            .text_fields
            .values()
            .filter(|v| v.2)
            .map(|v| v.0)
            .collect(),
    };
    let prefix = normalized(prefix);
    // Errors reading the term dictionary leave the prefix unexpanded: the search then finds
    // what the plain word finds, and a damaged index is reported by the search itself.
    terms_in(engine, &fields, &prefix).unwrap_or_default()
}

fn terms_in(engine: &Engine, fields: &[Field], prefix: &str) -> Result<Vec<String>> {
    let mut freq: BTreeMap<String, u64> = BTreeMap::new();
    let searcher = engine.searcher();
    for seg in searcher.segment_readers() {
        for &field in fields {
            let inverted = seg.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if !term.starts_with(prefix) {
                    break;
                }
                *freq.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut by_freq: Vec<(u64, String)> = freq.into_iter().map(|(t, n)| (n, t)).collect();
    by_freq.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    by_freq.truncate(MAX_EXPANSIONS);
    Ok(by_freq.into_iter().map(|(_, t)| t).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake(field: Option<&str>, p: &str) -> Vec<String> {
        let all = ["taliban", "talib", "tank"];
        let found: Vec<String> = all
            .iter()
            .filter(|t| t.starts_with(&p.to_lowercase()))
            .map(|t| t.to_string())
            .collect();
        if field == Some("nofield") {
            vec![]
        } else {
            found
        }
    }

    #[test]
    fn prefixes_become_disjunctions_of_terms() {
        assert_eq!(expand("Tali*", fake).unwrap(), "(\"taliban\" OR \"talib\")");
        assert_eq!(
            expand("+title:ta* TTP", fake).unwrap(),
            "+(title:\"taliban\" OR title:\"talib\" OR title:\"tank\") TTP"
        );
        assert_eq!(expand("zz*", fake).unwrap(), "\"zz\"");
        assert_eq!(
            expand("\"Tali*\" x", fake).unwrap(),
            "\"Tali*\" x",
            "quoted stays"
        );
        assert_eq!(
            expand("a * b", fake).unwrap(),
            "a * b",
            "a lone star is text"
        );
        assert_eq!(expand("no stars", fake).unwrap(), "no stars");
    }

    #[test]
    fn too_short_prefixes_are_refused() {
        let err = expand("T*", fake).unwrap_err();
        assert!(err.contains("too short"), "{err}");
    }

    #[test]
    fn terms_are_read_from_the_index() {
        let e = crate::fuzzing::tiny_engine().unwrap();
        let found = terms(&e, None, "Kab");
        assert!(found.iter().any(|t| t.starts_with("kab")), "{found:?}");
        assert!(terms(&e, Some("nosuch"), "Kab").is_empty());
    }
}
