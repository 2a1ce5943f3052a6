//! The passage cutter. Invariants: every passage has at most `max_words` words, none is
//! empty, and cutting loses or adds no text (only white space at the cuts).
#![no_main]

use libfuzzer_sys::fuzz_target;
use talash::corpus::passage::{cut_paragraph, word_count};

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(paragraph) = std::str::from_utf8(rest) else {
        return;
    };
    let max_words = usize::from(first % 16) + 1;
    let passages = cut_paragraph(paragraph, max_words);
    for p in &passages {
        assert!(
            word_count(p) <= max_words,
            "{} words > {max_words}: {p:?}",
            word_count(p)
        );
        assert!(!p.trim().is_empty(), "empty passage from {paragraph:?}");
    }
    let joined: String = passages.concat();
    assert_eq!(squeeze(&joined), squeeze(paragraph), "text lost or added");
});
