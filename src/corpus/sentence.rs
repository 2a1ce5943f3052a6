//! Sentence boundaries (Unicode UAX #29) with a fast path for ASCII text.
//!
//! Long paragraphs are cut at sentence boundaries. `unicode-segmentation` finds them for any
//! text, but looks up every character's class in Unicode tables; for news text that is all
//! ASCII it was about 3% of an indexing run. [`AsciiSentences`] applies the same rules with the
//! ASCII classes in one table; a randomized test checks it against `unicode-segmentation`.

use unicode_segmentation::UnicodeSegmentation;

/// The sentences of `text`, boundaries as UAX #29 defines them.
pub fn sentences(text: &str) -> Box<dyn Iterator<Item = &str> + '_> {
    if text.is_ascii() {
        Box::new(AsciiSentences { text, start: 0 })
    } else {
        Box::new(text.split_sentence_bounds())
    }
}

/// UAX #29 sentence-break classes of the ASCII characters (none is Sep, OLetter, Format or
/// Extend).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    SContinue,
    Close,
    Other,
}

fn class(b: u8) -> Class {
    match b {
        b'\r' => Class::Cr,
        b'\n' => Class::Lf,
        b'\t' | 0x0B | 0x0C | b' ' => Class::Sp,
        b'a'..=b'z' => Class::Lower,
        b'A'..=b'Z' => Class::Upper,
        b'0'..=b'9' => Class::Numeric,
        b'.' => Class::ATerm,
        b'!' | b'?' => Class::STerm,
        b',' | b'-' | b':' | b';' => Class::SContinue,
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Class::Close,
        _ => Class::Other,
    }
}

/// Whether a sentence can end right after `b`: see [`AsciiSentences`].
fn may_end_after(b: u8) -> bool {
    matches!(
        b,
        b'\r' | b'\n' | b'\t' | 0x0B | 0x0C | b' ' | b'.' | b'!' | b'?'
    ) || class(b) == Class::Close
}

fn is_para_sep(c: Class) -> bool {
    matches!(c, Class::Cr | Class::Lf)
}

fn is_saterm(c: Class) -> bool {
    matches!(c, Class::ATerm | Class::STerm)
}

/// Sentences of an ASCII text.
struct AsciiSentences<'a> {
    text: &'a str,
    start: usize,
}

impl<'a> Iterator for AsciiSentences<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        if self.start >= bytes.len() {
            return None;
        }
        // Only after a space, a closing mark, a terminator or a line break can a sentence
        // end (SB4, SB11); elsewhere `breaks_before` is false at once (SB998), so most bytes
        // are passed over on their class alone.
        let end = (self.start + 1..bytes.len())
            .find(|&at| may_end_after(bytes[at - 1]) && breaks_before(bytes, at))
            .unwrap_or(bytes.len());
        let sentence = self.text.get(self.start..end);
        self.start = end;
        sentence
    }
}

/// Whether a sentence ends between `bytes[at - 1]` and `bytes[at]` (rules SB3 to SB998;
/// `0 < at < bytes.len()`).
fn breaks_before(bytes: &[u8], at: usize) -> bool {
    let (before, after) = (class(bytes[at - 1]), class(bytes[at]));
    if before == Class::Cr && after == Class::Lf {
        return false; // SB3
    }
    if is_para_sep(before) {
        return true; // SB4
    }
    if before == Class::ATerm && after == Class::Numeric {
        return false; // SB6
    }
    if before == Class::ATerm
        && after == Class::Upper
        && at >= 2
        && matches!(class(bytes[at - 2]), Class::Upper | Class::Lower)
    {
        return false; // SB7
    }
    // SB8 to SB11 look back for SATerm Close* Sp* ending here.
    let mut i = at;
    while i > 0 && class(bytes[i - 1]) == Class::Sp {
        i -= 1;
    }
    let spaces = i < at;
    while i > 0 && class(bytes[i - 1]) == Class::Close {
        i -= 1;
    }
    let Some(term) = i.checked_sub(1).map(|t| class(bytes[t])) else {
        return false; // SB998
    };
    if !is_saterm(term) {
        return false; // SB998
    }
    if term == Class::ATerm && lower_follows(&bytes[at..]) {
        return false; // SB8
    }
    if after == Class::SContinue || is_saterm(after) {
        return false; // SB8a
    }
    if !spaces && after == Class::Close {
        return false; // SB9
    }
    if after == Class::Sp || is_para_sep(after) {
        return false; // SB9, SB10
    }
    true // SB11
}

/// SB8's look-ahead: characters other than letters, paragraph separators and terminators,
/// then a lowercase letter.
fn lower_follows(rest: &[u8]) -> bool {
    rest.iter()
        .map(|&b| class(b))
        .find(|&c| matches!(c, Class::Upper | Class::Lower) || is_para_sep(c) || is_saterm(c))
        == Some(Class::Lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> Vec<&str> {
        text.split_sentence_bounds().collect()
    }

    #[test]
    fn ascii_sentences_agree_with_uax29() {
        // Every ASCII character, and pieces that exercise the rules: abbreviations, numbers,
        // quotes and brackets after terminators, several spaces, CR LF.
        let mut pieces: Vec<String> = (0..128u8).map(|b| char::from(b).to_string()).collect();
        for p in [
            "Mr. ",
            "U.S. ",
            "etc. the ",
            "e.g. ",
            "3.5 ",
            "end. ",
            "End. ",
            "Why? ",
            "No! ",
            ".\") ",
            "?' ",
            ".)  ",
            "\r\n",
            "\n\n",
            " a",
            " A",
            " 1",
            "word",
            "Word",
            ", ",
            "; ",
        ] {
            pieces.push(p.to_string());
        }
        let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
        for text in crate::testing::random_texts(&pieces, 40_000, 30) {
            let fast: Vec<&str> = AsciiSentences {
                text: &text,
                start: 0,
            }
            .collect();
            assert_eq!(fast, reference(&text), "{text:?}");
        }
    }

    #[test]
    fn non_ascii_text_takes_the_unicode_path() {
        let text = "Da’ish struck. Officials said «no». Then?";
        assert_eq!(sentences(text).collect::<Vec<_>>(), reference(text));
        let ascii = "The U.S. team met Mr. Khan. Talks resumed (again). What next?";
        let found: Vec<&str> = sentences(ascii).collect();
        assert_eq!(found, reference(ascii));
        assert_eq!(found.last(), Some(&"What next?"));
    }
}
