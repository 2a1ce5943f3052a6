//! A whole-text test that most passages name no group, run before word-by-word matching.
//!
//! Tagging reads every word of every passage, and nearly no passage of a news collection names
//! a group. Every word of a pattern must appear in a text that matches it, so if no pattern's
//! needle (one of its words) occurs in the text as a whole word, nothing can match. This is exact where words
//! are plain: in ASCII text a word is a maximal run of ASCII letters and digits, joined across an
//! apostrophe that has one on each side, and its form drops those apostrophes and a final
//! possessive 's. Text with other characters is passed on to the word-by-word matcher.
//!
//! The words are found in bit masks of the text's letters and digits, and a word is compared
//! with the needles only if a hash of its length and its two first and two last bytes is in a
//! small bit set (one for the needles of any case, one for those whose case must match). This
//! replaced two Aho-Corasick automata run over a copy of the text without apostrophes, whose
//! needles were each pattern's longest word ("government" of "Taliban government" sent 3% of
//! the passages on to the word-by-word matcher). Tagging the 100k benchmark corpus on one thread
//! (`examples/bench prepare`) took 90-105 ms before, 53-55 ms after; a whole build used 4% less
//! CPU (medians of 10 alternating builds, 1.98 against 1.90 s).

use crate::analysis::{is_ascii_alnum_branchless, is_ascii_apostrophe};

/// Bits in each key set: with a gazetteer's hundred-odd needles, about one word of text in
/// 300 that is no needle is compared with the needles.
const BITS: u32 = 15;

/// One needle per pattern: folded names in any ASCII case, acronyms in the case article text
/// must match (folded, "IS" would be compared at every "is").
#[derive(Debug, Clone)]
pub(super) struct Prefilter {
    folded: Needles,
    exact: Needles,
    /// Set if no text may be ruled out.
    open: bool,
}

/// Needles of one kind, and a bit set of their keys.
#[derive(Debug, Clone)]
struct Needles {
    /// Lowercased unless the case must match.
    exact: bool,
    keys: Box<[u64]>,
    /// (key, needle), sorted.
    sorted: Vec<(usize, Box<[u8]>)>,
}

impl Needles {
    fn new(exact: bool) -> Needles {
        Needles {
            exact,
            keys: vec![0; 1 << (BITS - 6)].into(),
            sorted: Vec::new(),
        }
    }

    fn insert(&mut self, needle: &str) {
        let needle = match self.exact {
            true => needle.to_string(),
            false => needle.to_ascii_lowercase(),
        };
        let k = keys(needle.as_bytes())[usize::from(self.exact)];
        self.keys[k >> 6] |= 1 << (k & 63);
        if let Err(at) = self.sorted.binary_search(&(k, needle.as_bytes().into())) {
            self.sorted.insert(at, (k, needle.into_bytes().into()));
        }
    }

    /// Whether `word`, whose key is `k`, is one of the needles.
    fn has(&self, word: &[u8], k: usize) -> bool {
        self.keys[k >> 6] & (1 << (k & 63)) != 0 && self.compare(word, k)
    }

    #[cold]
    fn compare(&self, word: &[u8], k: usize) -> bool {
        let from = self.sorted.partition_point(|(nk, _)| *nk < k);
        self.sorted[from..]
            .iter()
            .take_while(|(nk, _)| *nk == k)
            .any(|(_, n)| match self.exact {
                true => **n == *word,
                false => n.eq_ignore_ascii_case(word),
            })
    }
}

impl Prefilter {
    /// `patterns`: each pattern's words and whether article text must match their case. A
    /// pattern with a non-ASCII word can never match plain ASCII text, so it needs no needle.
    /// A pattern's needle is a word that is a pattern of its own if it has one ("Taliban" of
    /// "Taliban government": a text with it must be matched anyway), else its longest word.
    pub(super) fn new<'a>(patterns: impl Iterator<Item = (&'a [String], bool)>) -> Prefilter {
        let mut filter = Prefilter {
            folded: Needles::new(false),
            exact: Needles::new(true),
            open: false,
        };
        let patterns: Vec<_> = patterns
            .filter(|(words, _)| words.iter().all(|w| w.is_ascii()))
            .collect();
        let alone: std::collections::HashSet<String> = patterns
            .iter()
            .filter(|(words, case_sensitive)| words.len() == 1 && !case_sensitive)
            .map(|(words, _)| words[0].to_ascii_lowercase())
            .collect();
        for (words, case_sensitive) in patterns {
            let own = words
                .iter()
                .find(|w| !case_sensitive && alone.contains(&w.to_ascii_lowercase()));
            if let Some(needle) = own.or_else(|| words.iter().max_by_key(|w| w.len())) {
                match case_sensitive {
                    true => filter.exact.insert(needle),
                    false => filter.folded.insert(needle),
                }
            }
        }
        filter
    }

    /// Rules nothing out (the tests compare the matcher with and without the filter).
    #[cfg(test)]
    pub(super) fn open() -> Prefilter {
        let mut filter = Prefilter::new(std::iter::empty());
        filter.open = true;
        filter
    }

    /// False only if no pattern can match in `text`, read as article text.
    pub(super) fn may_mention(&self, text: &str) -> bool {
        let b = text.as_bytes();
        let mut small = [0_u64; 16];
        let mut large = Vec::new();
        let Some(masks) = alnum_masks(b, &mut small, &mut large).filter(|_| !self.open) else {
            return true;
        };
        let mut joined = Vec::new();
        let mut at = 0;
        loop {
            let start = next_bit(masks, at, false);
            if start >= b.len() {
                return false;
            }
            at = next_bit(masks, start, true);
            let word = match b.get(at).is_some_and(|&c| is_ascii_apostrophe(c)) && alnum(b, at + 1)
            {
                false => &b[start..at],
                true => {
                    at = joined_form(b, start, at, &mut joined);
                    &joined[..]
                }
            };
            let [folded, exact] = keys(word);
            if self.exact.has(word, exact) || self.folded.has(word, folded) {
                return true;
            }
        }
    }
}

/// One bit per byte of `b`, set for ASCII letters and digits (bit `i % 64` of word `i / 64`);
/// in `small` if it holds them, else in `large`; `None` if `b` is not ASCII. Branch-free, a flag a byte and then eight
/// flags packed by one multiplication, so that the compiler uses vector instructions: a
/// loop setting one bit a byte took 0.9 ns a byte, this 0.12.
fn alnum_masks<'a>(
    b: &[u8],
    small: &'a mut [u64; 16],
    large: &'a mut Vec<u64>,
) -> Option<&'a [u64]> {
    let n = b.len().div_ceil(64);
    let masks = match n <= small.len() {
        true => &mut small[..n],
        false => {
            large.resize(n, 0);
            &mut large[..]
        }
    };
    let mut high = 0;
    for (mask, chunk) in masks.iter_mut().zip(b.chunks(64)) {
        let mut bytes = [0_u8; 64];
        bytes[..chunk.len()].copy_from_slice(chunk);
        let mut flags = [0_u8; 64];
        for (f, &c) in flags.iter_mut().zip(&bytes) {
            high |= c;
            *f = u8::from(is_ascii_alnum_branchless(c));
        }
        *mask = flags
            .chunks_exact(8)
            .enumerate()
            .map(|(i, eight)| {
                let x = u64::from_le_bytes(eight.try_into().unwrap_or_default());
                (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * i)
            })
            .fold(0, |m, bits| m | bits);
    }
    (high < 0x80).then_some(masks)
}

/// The first position from `at` on whose bit is `set` (clear bits past the text's end stop
/// the search for a clear one); the text's length rounded up to 64 if there is none.
fn next_bit(masks: &[u64], at: usize, clear: bool) -> usize {
    let flip = if clear { !0 } else { 0 };
    let mut w = at / 64;
    let Some(&first) = masks.get(w) else {
        return at;
    };
    let mut bits = (first ^ flip) & (!0 << (at % 64));
    while bits == 0 {
        w += 1;
        match masks.get(w) {
            Some(&m) => bits = m ^ flip,
            None => return w * 64,
        }
    }
    w * 64 + bits.trailing_zeros() as usize
}

fn alnum(b: &[u8], at: usize) -> bool {
    b.get(at).is_some_and(u8::is_ascii_alphanumeric)
}

/// The form of the word whose first run of letters and digits is `b[start..end]`, followed by
/// an apostrophe and a letter or digit, written into `out`; returns where the word ends. An
/// apostrophe between two letters or digits is dropped, and so is a final possessive 's.
fn joined_form(b: &[u8], start: usize, mut end: usize, out: &mut Vec<u8>) -> usize {
    out.clear();
    out.extend_from_slice(&b[start..end]);
    while b.get(end).is_some_and(|&c| is_ascii_apostrophe(c)) && alnum(b, end + 1) {
        let possessive = matches!(b[end + 1], b's' | b'S')
            && !alnum(b, end + 2)
            && !(b.get(end + 2).is_some_and(|&c| is_ascii_apostrophe(c)) && alnum(b, end + 3));
        if possessive {
            return end + 2;
        }
        end += 1;
        let run = end;
        while alnum(b, end) {
            end += 1;
        }
        out.extend_from_slice(&b[run..end]);
    }
    end
}

/// Two hashes of a word's length and its two first and two last bytes (a word of one byte
/// repeats it), as bit numbers below `1 << BITS`: of the bytes lowercased, and as written.
fn keys(word: &[u8]) -> [usize; 2] {
    let n = word.len();
    let at = |i: usize| u64::from(word.get(i).copied().unwrap_or_default());
    let x = n as u64
        | at(0) << 8
        | at(1.min(n.saturating_sub(1))) << 16
        | at(n.saturating_sub(2)) << 24
        | at(n.saturating_sub(1)) << 32;
    // Letters and digits only: setting bit 5 lowercases a letter and leaves a digit as it is.
    let hash = |x: u64| (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS)) as usize;
    [hash(x | 0x20_2020_2000), hash(x)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(needles: &[(&str, bool)]) -> Prefilter {
        let words: Vec<(Vec<String>, bool)> = needles
            .iter()
            .map(|&(n, exact)| (vec![n.to_string()], exact))
            .collect();
        Prefilter::new(words.iter().map(|(w, e)| (&w[..], *e)))
    }

    #[test]
    fn words_are_read_as_forms() {
        let f = filter(&[("TTP", true), ("Daish", false), ("rocknroll", false)]);
        for yes in [
            "the TTP's men",
            "Da'ish and",
            "DA`ISH",
            "rock'n'roll's",
            "(TTP)",
            "TTP",
        ] {
            assert!(f.may_mention(yes), "{yes:?}");
        }
        for no in [
            "the ttp men",
            "TTPs",
            "xTTP",
            "Da ish",
            "'quoted' x' 'y",
            "TTP'sx",
            "",
        ] {
            assert!(!f.may_mention(no), "{no:?}");
        }
        assert!(f.may_mention("non-ASCII é TTP-free"));
        assert!(Prefilter::open().may_mention("nothing"));
    }

    /// The words of ASCII `text` as forms, read the slow way: apostrophes between letters or
    /// digits dropped (with a final possessive 's) over the whole text, then split.
    fn reference_words(text: &str) -> Vec<String> {
        let b = text.as_bytes();
        let an = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphanumeric);
        let apos = |i: usize| b.get(i).is_some_and(|&c| is_ascii_apostrophe(c));
        let mut plain = String::new();
        let mut i = 0;
        while i < b.len() {
            if apos(i) && i > 0 && an(i - 1) && an(i + 1) {
                let possessive =
                    matches!(b[i + 1], b's' | b'S') && !an(i + 2) && !(apos(i + 2) && an(i + 3));
                i += if possessive { 2 } else { 1 };
                continue;
            }
            plain.push(char::from(b[i]));
            i += 1;
        }
        plain
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Against the slow reading, on texts long enough to cross the 64-byte masks and the
    /// 1,024 bytes held on the stack, full of apostrophes, needles and near misses.
    #[test]
    fn agrees_with_reading_word_by_word() {
        let needles = [
            ("TTP", true),
            ("IS", true),
            ("Daish", false),
            ("qaeda", false),
        ];
        let f = filter(&needles);
        let pieces = [
            "TTP", "ttp", "IS", "is", "Is", "Da", "ish", "DAISH", "Qaeda", "qaedas", "x", "7", " ",
            " ", " ", "'", "`", "'s", "s", "-", ".", "\n", "tt", "P",
        ];
        let mut texts = crate::testing::random_texts(&pieces, 20_000, 40);
        texts.extend(crate::testing::random_texts(&pieces, 300, 1_500));
        let mut yes = 0;
        for text in &texts {
            let want = reference_words(text).iter().any(|w| {
                needles.iter().any(|&(n, exact)| match exact {
                    true => w == n,
                    false => w.eq_ignore_ascii_case(n),
                })
            });
            assert_eq!(f.may_mention(text), want, "{text:?}");
            yes += usize::from(want);
        }
        assert!(yes > 1000 && yes < texts.len() - 1000, "{yes}");
    }
}
