//! How passage text reaches the reader, through the real binary on the shipped corpus: what a
//! snippet keeps of its sentence, and where the ellipsis goes.

mod common;

use common::*;

/// Marks that end a sentence or close a quotation after it: a snippet that stops before one
/// of these, with nothing but them left in the passage, has dropped them.
const CLOSING: &[char] = &['.', '?', '!', '…', '"', '\'', '”', '’', '»', ')', ']'];

#[test]
fn a_snippet_that_ends_with_its_sentence_keeps_the_full_stop() {
    // The README's first search: the passage ends "... Christopher Landberg."
    let hits = search_json(&["Landberg"]);
    let snippet = hits[0]["snippet"].as_str().unwrap();
    assert!(
        snippet.ends_with("Christopher Landberg."),
        "the full stop is kept: {snippet:?}"
    );
    assert!(!snippet.contains('…'), "nothing was cut: {snippet:?}");
    let plain = talash_ok(corpus_index(), &["search", "Landberg", "-n", "1"]);
    assert!(
        plain.contains("Christopher Landberg.\n"),
        "and printed: {plain}"
    );
}

#[test]
fn an_ellipsis_marks_only_text_that_was_cut() {
    let mut cut = 0;
    let mut whole = 0;
    for q in [
        "TTP",
        "counterterrorism",
        "dialogue",
        "Daesh",
        "Landberg",
        "Taliban",
        "Pakistan",
        "statement",
        "BLA designation",
        "terror financing",
    ] {
        for h in search_json(&[q, "-n", "20"]) {
            let text = h["text"].as_str().unwrap();
            let snippet = h["snippet"].as_str().unwrap();
            let core = snippet.strip_prefix("… ").unwrap_or(snippet);
            let core = core.strip_suffix(" …").unwrap_or(core);
            let at = text
                .find(core)
                .unwrap_or_else(|| panic!("{q}: snippet {snippet:?} is not in {text:?}"));
            let (before, after) = (&text[..at], &text[at + core.len()..]);
            let has_words = |s: &str| s.chars().any(char::is_alphanumeric);
            assert_eq!(
                snippet.starts_with("… "),
                has_words(before),
                "{q}: a leading … exactly when words come before: {snippet:?} in {text:?}"
            );
            assert_eq!(
                snippet.ends_with(" …"),
                has_words(after),
                "{q}: a trailing … exactly when words follow: {snippet:?} in {text:?}"
            );
            assert!(
                !after.starts_with(CLOSING),
                "{q}: the snippet stops before {:?}: {snippet:?}",
                after.chars().next()
            );
            if has_words(after) {
                cut += 1;
            } else {
                whole += 1;
                if text.trim_end().ends_with(['.', '?', '!']) {
                    assert!(core.ends_with(CLOSING), "{q}: {snippet:?} of {text:?}");
                }
            }
        }
    }
    assert!(cut > 5 && whole > 5, "both kinds seen: {cut} cut, {whole} whole");
}
