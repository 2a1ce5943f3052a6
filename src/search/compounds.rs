//! Compounds typed as two bare words: `counter terrorism` also searches the closed form.
//!
//! The analyzers make every spelling of a compound one closed form inside a word or a phrase
//! (see [`crate::analysis::compounds`]), but the query language reads two bare words as two
//! terms, and a text that writes "counterterrorism" holds neither. So a bare word that is one
//! of [`SPACED_PREFIXES`] followed by a bare word becomes `(("counter" "terrorism") OR
//! "counter terrorism")`: the two words as before (with the default operator), or the
//! compound, which the query analyzer reads as its closed form.
//!
//! It works on the query rewritten for tantivy ([`crate::search::query::rewrite`]), where each
//! bare word is one quoted item, so it needs no grammar of its own.

use crate::analysis::compounds::SPACED_PREFIXES;

/// `rewritten` with each bare prefix word and the bare word after it also searched as one
/// compound.
pub fn join_spaced(rewritten: &str) -> String {
    let items = items(rewritten);
    let word = |i: usize| -> Option<&str> {
        let inner = items.get(i)?.strip_prefix('"')?.strip_suffix('"')?;
        (!inner.is_empty() && inner.chars().all(char::is_alphabetic)).then_some(inner)
    };
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    let mut i = 0;
    while i < items.len() {
        let negated = i > 0 && items[i - 1] == "NOT";
        if !negated
            && let (Some(a), Some(b)) = (word(i), word(i + 1))
            && SPACED_PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(a))
        {
            out.push(format!("((\"{a}\" \"{b}\") OR \"{a} {b}\")"));
            i += 2;
            continue;
        }
        out.push(items[i].to_string());
        i += 1;
    }
    out.join(" ")
}

/// The items of a rewritten query: split at spaces outside quotes.
fn items(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if i > start {
                    items.push(&text[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < text.len() {
        items.push(&text[start..]);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_and_a_word_also_search_the_compound() {
        assert_eq!(
            join_spaced("\"counter\" \"terrorism\" \"talks\""),
            "((\"counter\" \"terrorism\") OR \"counter terrorism\") \"talks\""
        );
        assert_eq!(
            join_spaced("\"Cross\" \"border\""),
            "((\"Cross\" \"border\") OR \"Cross border\")"
        );
    }

    #[test]
    fn other_items_are_left_as_they_were() {
        for q in [
            "\"counterterrorism\" \"dialogue\"",
            "NOT \"counter\" \"terrorism\"",
            "-\"counter\" \"terrorism\"",
            "title:\"counter\" \"terrorism\"",
            "\"counter terrorism\"",
            "\"counter\" \"2024\"",
            "\"counter\"",
            "( \"anti\" OR \"state\" )",
        ] {
            assert_eq!(join_spaced(q), q, "{q}");
        }
    }
}
