//! The stem memo: what becomes of each word an analyzer has met (dropped as a stop word, kept
//! as it is, or replaced by its stem), so the Snowball algorithm runs once per distinct word.
//!
//! Indexing asks it once per token, so its layout is about memory, not instructions: between
//! two tokens tantivy's postings tables push it out of the processor's caches, and a lookup
//! that waits on memory costs more than stemming a short word. So:
//!
//! - each entry is one 32-byte slot holding the word (up to 16 bytes, nearly every token of
//!   news text) and its stem (up to 15 bytes) in place, two to a cache line, in an
//!   open-addressing table probed linearly: a hit reads one line and follows no pointer (the
//!   `HashMap` of boxed stems it replaces took 48 bytes an entry plus the stem elsewhere);
//! - words looked up often are copied into a small table that is probed first, so the words
//!   that make up most tokens share a few hundred KB instead of lying all over 4 MB;
//! - the analyzer asks for the next word's slots to be loaded ([`StemMemo::prefetch_plain`])
//!   before it hands out the current token, so they arrive while tantivy indexes that token;
//! - tables start small and double as they fill, so a query or a small corpus touches little
//!   fresh memory.
//!
//! On 100k passages, 20 alternating builds: without the small table and the prefetch, 5.5%
//! more CPU; with either one alone, about 2% more.

use std::borrow::Cow;

use super::FirstBytes;

/// Longest word kept in the tables; longer ones are stemmed each time.
const KEY_BYTES: usize = 16;

/// Longest stem kept in place; a word with a longer stem is stemmed each time.
const STEM_BYTES: usize = 15;

/// The table of every word remembered: 2^17 slots (4 MB), filled to at most seven in ten, so
/// a probe for a word not there stops within a few slots. Once full it keeps what it has: the
/// words met first include the frequent ones (starting afresh threw them away to stem them
/// again). Four in a hundred tokens of news text are words beyond it, stemmed each time.
const ALL_BITS: u32 = 17;

/// The table of the frequent words, looked up first: up to 2^13 slots (256 KB, which stays in
/// a core's cache). The 4,096 most frequent words are three in four tokens of news text.
const HOT_BITS: u32 = 13;

/// A word is copied into the hot table at its this-many-th lookup after the first.
const HOT_AFTER_HITS: u8 = 7;

/// Tokens an analyzer stems plainly before it starts remembering: a query or a snippet (a few
/// hundred tokens, through a fresh analyzer each time) would only pay for a table it never
/// reads again; an indexing thread passes this within its first few passages.
pub(super) const REMEMBER_AFTER_TOKENS: usize = 4_096;

/// Lucene's English stop words, the list of tantivy's `StopWordFilter::new(Language::English)`
/// (a test checks the two remove the same words; tantivy keeps its list private).
pub(super) const ENGLISH_STOP_WORDS: [&str; 33] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// The length of the longest of [`ENGLISH_STOP_WORDS`] ("their", "there", "these"): longer
/// words skip the list.
const STOP_WORD_MAX_BYTES: usize = 5;

/// What becomes of a word.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// A stop word: the token is dropped.
    Stop,
    /// The word is its own stem.
    Same,
    Stem(&'a str),
}

/// The low five bits of a slot's `tag` say what it holds (`EMPTY`, `STOP`, `SAME`, or `STEM`
/// plus the stem's length); the high three count its lookups (in the table of all words).
const KIND: u8 = 0x1F;
const EMPTY: u8 = 0;
const STOP: u8 = 1;
const SAME: u8 = 2;
const STEM: u8 = 16;
const HIT: u8 = 0x20;

/// A word (zero-padded: no word holds a zero byte, see [`key_of`]) and what becomes of it.
#[derive(Clone, Copy, Default)]
#[repr(C, align(32))]
struct Slot {
    key: [u64; 2],
    stem: [u8; STEM_BYTES],
    tag: u8,
}

impl Slot {
    fn outcome(&self) -> Outcome<'_> {
        match self.tag & KIND {
            STOP => Outcome::Stop,
            SAME => Outcome::Same,
            kind => {
                let len = usize::from(kind.saturating_sub(STEM));
                let stem = self.stem.get(..len).unwrap_or_default();
                // Stems are put in whole from a `str`, so this never fails.
                std::str::from_utf8(stem).map_or(Outcome::Same, Outcome::Stem)
            }
        }
    }
}

/// The table key of a word, if it can have one: 1 to 16 bytes, none of them zero (so the
/// zero padding cannot be mistaken for part of the word; letters and digits never are).
fn key_of(word: &[u8]) -> Option<[u64; 2]> {
    if word.is_empty() || word.len() > KEY_BYTES || word.contains(&0) {
        return None;
    }
    let mut padded = [0_u8; KEY_BYTES];
    padded[..word.len()].copy_from_slice(word);
    Some([le_u64(&padded[..8]), le_u64(&padded[8..])])
}

/// The key of the lowercased word `text[start..end]`, which is ASCII letters and digits: setting
/// bit 0x20 of each byte lowercases a letter and keeps a digit. Reads sixteen bytes at once
/// where the text has them.
fn plain_key(text: &[u8], start: usize, end: usize) -> Option<[u64; 2]> {
    let len = end
        .checked_sub(start)
        .filter(|n| (1..=KEY_BYTES).contains(n))?;
    let Some(sixteen) = text.get(start..start + KEY_BYTES) else {
        let mut lower = [0_u8; KEY_BYTES];
        lower[..len].copy_from_slice(&text[start..end]);
        lower[..len].make_ascii_lowercase();
        return key_of(&lower[..len]);
    };
    let bits = 8 * len as u32;
    let mask = |shift: u32| match bits.saturating_sub(shift) {
        0 => 0,
        b if b >= 64 => u64::MAX,
        b => (1_u64 << b) - 1,
    };
    const LOWER: u64 = 0x2020_2020_2020_2020;
    Some([
        (le_u64(&sixteen[..8]) | LOWER) & mask(0),
        (le_u64(&sixteen[8..]) | LOWER) & mask(64),
    ])
}

fn le_u64(bytes: &[u8]) -> u64 {
    let mut eight = [0_u8; 8];
    eight.copy_from_slice(bytes);
    u64::from_le_bytes(eight)
}

/// A folded multiply of the two halves (as foldhash does); each table takes the high bits.
fn hash_of(key: [u64; 2]) -> u64 {
    let product =
        u128::from(key[0] ^ 0x243f_6a88_85a3_08d3) * u128::from(key[1] ^ 0x1319_8a2e_0370_7344);
    (product as u64) ^ ((product >> 64) as u64)
}

/// An open-addressing table of slots, probed linearly. It starts small and doubles as it
/// fills, so a small corpus or a query touches little fresh memory (every new page is a
/// fault the kernel must zero), up to `max_bits`; then it takes no more words.
struct Table {
    /// Empty until the first word is put in.
    slots: Vec<Slot>,
    bits: u32,
    max_bits: u32,
    words: usize,
}

/// Slots of a table when it starts (8 KB).
const FIRST_BITS: u32 = 8;

/// A table holds at most seven words in ten slots before it doubles.
fn fill_limit(bits: u32) -> usize {
    (1_usize << bits) / 10 * 7
}

impl Table {
    fn new(max_bits: u32) -> Table {
        Table {
            slots: Vec::new(),
            bits: FIRST_BITS.min(max_bits),
            max_bits,
            words: 0,
        }
    }

    fn home(&self, hash: u64) -> usize {
        (hash >> (64 - self.bits)) as usize
    }

    /// Where `key` is (`Ok`) or would go (`Err`); `None` before the table exists.
    fn probe(&self, key: [u64; 2], hash: u64) -> Option<Result<usize, usize>> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(hash);
        loop {
            let slot = &self.slots[at];
            if slot.tag == EMPTY {
                return Some(Err(at));
            }
            if slot.key == key {
                return Some(Ok(at));
            }
            at = (at + 1) & mask;
        }
    }

    fn prefetch(&self, hash: u64) {
        if let Some(slot) = self.slots.get(self.home(hash)) {
            prefetch(slot);
        }
    }

    fn has_room(&self) -> bool {
        self.words < fill_limit(self.max_bits)
    }

    /// Puts in `slot`, whose key is not in the table (the caller checked [`Table::has_room`]);
    /// returns where it went.
    fn insert(&mut self, slot: Slot) -> usize {
        if self.slots.is_empty() {
            self.slots = vec![Slot::default(); 1 << self.bits];
        } else if self.words >= fill_limit(self.bits) && self.bits < self.max_bits {
            self.grow();
        }
        self.words += 1;
        self.place(slot)
    }

    fn place(&mut self, slot: Slot) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = self.home(hash_of(slot.key));
        while self.slots[at].tag != EMPTY {
            at = (at + 1) & mask;
        }
        self.slots[at] = slot;
        at
    }

    fn grow(&mut self) {
        self.bits += 1;
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); 1 << self.bits]);
        for slot in old.into_iter().filter(|s| s.tag != EMPTY) {
            self.place(slot);
        }
    }
}

/// Asks the processor to bring `slot` into the cache, without waiting for it.
#[cfg(target_arch = "x86_64")]
fn prefetch(slot: &Slot) {
    use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
    // SAFETY: a prefetch is only a hint: it reads nothing into the program and cannot fault,
    // and SSE, which has it, is part of every x86-64 processor.
    unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(slot).cast()) }
}

#[cfg(not(target_arch = "x86_64"))]
fn prefetch(_slot: &Slot) {}

/// A stem memo, one per analyzer (each indexing thread analyzes with its own).
pub struct StemMemo {
    hot: Table,
    all: Table,
    tokens: usize,
    stop_words: bool,
    /// Stem only the words that begin with one of these bytes; any other word is kept as it
    /// is (see [`super::FirstBytes`]).
    gate: Option<FirstBytes>,
    /// The lowercased word being learnt, and the stem of a word not remembered.
    word: String,
    spare: String,
}

/// A word to look up: its key (if it can have one) and, only when it must be learnt, its text.
enum Word<'w> {
    /// Lowercased and folded.
    Text(&'w str),
    /// ASCII letters and digits, to be lowercased.
    Plain(&'w str),
}

impl StemMemo {
    /// A memo that drops Lucene's English stop words when `stop_words`, and stems only the
    /// words whose first byte `gate` admits when there is one: the others it keeps as they
    /// are (stop words are still dropped).
    pub fn new(stop_words: bool, gate: Option<FirstBytes>) -> StemMemo {
        StemMemo {
            hot: Table::new(HOT_BITS),
            all: Table::new(ALL_BITS),
            tokens: 0,
            stop_words,
            gate,
            word: String::new(),
            spare: String::new(),
        }
    }

    /// Whether this memo drops stop words.
    pub fn stop_words(&self) -> bool {
        self.stop_words
    }

    /// The first bytes of the words this memo stems, if not all.
    pub fn gate(&self) -> Option<FirstBytes> {
        self.gate
    }

    /// What becomes of `word` (already lowercased and folded by the analyzer).
    pub fn lookup(&mut self, word: &str) -> Outcome<'_> {
        self.find(key_of(word.as_bytes()), Word::Text(word))
    }

    /// What becomes of the word `text[start..end]`, which is ASCII letters and digits, once
    /// lowercased. [`Outcome::Same`] means the lowercased word.
    pub fn lookup_plain(&mut self, text: &str, start: usize, end: usize) -> Outcome<'_> {
        let key = plain_key(text.as_bytes(), start, end);
        self.find(key, Word::Plain(&text[start..end]))
    }

    /// Starts loading the slots where the word `text[start..end]` (ASCII letters and digits)
    /// would be, so that looking it up a little later finds them in the cache: the analyzer
    /// calls this for the next word before handing out the current token, and tantivy indexes
    /// that token meanwhile. Without it most lookups waited on memory: tantivy's postings
    /// evict the tables from the cache between tokens.
    pub fn prefetch_plain(&self, text: &str, start: usize, end: usize) {
        if let Some(key) = plain_key(text.as_bytes(), start, end) {
            let hash = hash_of(key);
            self.hot.prefetch(hash);
            self.all.prefetch(hash);
        }
    }

    fn find(&mut self, key: Option<[u64; 2]>, word: Word) -> Outcome<'_> {
        let Some(key) = key else {
            return self.learn(word, None);
        };
        let hash = hash_of(key);
        if let Some(Ok(at)) = self.hot.probe(key, hash) {
            return self.hot.slots[at].outcome();
        }
        let Some(Ok(at)) = self.all.probe(key, hash) else {
            return self.learn(word, Some(key));
        };
        let slot = &mut self.all.slots[at];
        if slot.tag / HIT < HOT_AFTER_HITS {
            slot.tag += HIT;
        } else if self.hot.has_room() {
            let copy = Slot {
                tag: slot.tag & KIND,
                ..*slot
            };
            self.hot.insert(copy);
        }
        self.all.slots[at].outcome()
    }

    /// Works out what becomes of `word` (in neither table), and remembers it under `key` once
    /// the analyzer has seen enough tokens.
    fn learn(&mut self, word: Word, key: Option<[u64; 2]>) -> Outcome<'_> {
        self.tokens += 1;
        let word = match word {
            Word::Text(w) => w,
            Word::Plain(w) => {
                self.word.clear();
                self.word.push_str(w);
                self.word.make_ascii_lowercase();
                &self.word
            }
        };
        let is_stop = self.stop_words
            && word.len() <= STOP_WORD_MAX_BYTES
            && ENGLISH_STOP_WORDS.contains(&word);
        let gated_out = self
            .gate
            .is_some_and(|g| !word.bytes().next().is_some_and(|b| g.admits(b)));
        let stem = match (is_stop, gated_out) {
            (true, _) => None,
            (false, true) => Some(Cow::Borrowed(word)),
            (false, false) => Some(frostem::Stemmer::new(frostem::Algorithm::English).stem(word)),
        };
        let kind = match &stem {
            None => STOP,
            // A borrowed stem as long as the word is the word itself.
            Some(Cow::Borrowed(s)) if s.len() == word.len() => SAME,
            Some(s) if s.len() <= STEM_BYTES => STEM + s.len() as u8,
            Some(_) => EMPTY,
        };
        let remember = self.tokens > REMEMBER_AFTER_TOKENS && self.all.has_room();
        if let (Some(key), true, true) = (key, remember, kind != EMPTY) {
            let mut slot = Slot {
                key,
                tag: kind,
                ..Slot::default()
            };
            if let Some(s) = &stem {
                let n = s.len().min(STEM_BYTES);
                slot.stem[..n].copy_from_slice(&s.as_bytes()[..n]);
            }
            let at = self.all.insert(slot);
            return self.all.slots[at].outcome();
        }
        match stem {
            None => Outcome::Stop,
            Some(s) if s == word => Outcome::Same,
            Some(s) => {
                self.spare.clear();
                self.spare.push_str(&s);
                Outcome::Stem(&self.spare)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(word: &str, stop_words: bool) -> Option<String> {
        if stop_words && ENGLISH_STOP_WORDS.contains(&word) {
            return None;
        }
        Some(
            frostem::Stemmer::new(frostem::Algorithm::English)
                .stem(word)
                .into_owned(),
        )
    }

    fn through(memo: &mut StemMemo, word: &str) -> Option<String> {
        match memo.lookup(word) {
            Outcome::Stop => None,
            Outcome::Same => Some(word.to_string()),
            Outcome::Stem(s) => Some(s.to_string()),
        }
    }

    /// Words of every length around the key and stem limits, stop words, and enough of them
    /// to fill the table: before, while and after remembering, the memo says what stemming
    /// says.
    #[test]
    fn the_memo_answers_as_stemming_does() {
        let mut words: Vec<String> = ENGLISH_STOP_WORDS.iter().map(|w| w.to_string()).collect();
        for w in [
            "attacks",
            "running",
            "countrywide",
            "nationalisations",
            "internationalisation",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "happily",
            "sky",
            "skies",
            "é",
            "cafés",
        ] {
            words.push(w.to_string());
        }
        for n in 0..(1 << ALL_BITS) / 10 * 7 + 2_000 {
            words.push(format!("w{n}ings"));
        }
        for stop_words in [true, false] {
            let mut memo = StemMemo::new(stop_words, None);
            for _ in 0..2 {
                for w in &words {
                    assert_eq!(through(&mut memo, w), plain(w, stop_words), "{w}");
                }
            }
            assert_eq!(
                memo.all.words,
                fill_limit(ALL_BITS),
                "the table fills to its bound"
            );
            assert_eq!(memo.hot.words, 0, "no word was looked up often enough");
        }
    }

    /// Frequent words move to the small table and keep their answers there; a plain word
    /// looked up by its range in mixed case is the word lowercased.
    #[test]
    fn frequent_and_plain_words_answer_alike() {
        let words = [
            "attacks", "Attacks", "TALKS", "the", "The", "sky", "2024", "Da1sh", "x",
        ];
        let mut memo = StemMemo::new(true, None);
        for round in 0..REMEMBER_AFTER_TOKENS + 200 {
            for w in words {
                let text = format!("({w})");
                let lower = w.to_ascii_lowercase();
                let want = plain(&lower, true);
                let got = match memo.lookup_plain(&text, 1, 1 + w.len()) {
                    Outcome::Stop => None,
                    Outcome::Same => Some(lower.clone()),
                    Outcome::Stem(s) => Some(s.to_string()),
                };
                assert_eq!(got, want, "{w} in round {round}");
                assert_eq!(through(&mut memo, &lower), want, "{lower} in round {round}");
            }
        }
        assert_eq!(
            memo.hot.words, 7,
            "each distinct lowercased word moved once"
        );
        assert_eq!(memo.all.words, 7);
    }

    #[test]
    fn plain_keys_are_the_keys_of_the_lowercased_word() {
        let text = b"  AbC09xyzQRSTUVWXYZabcdefg  Zz";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let word = &text[start..end];
                if !word.iter().all(u8::is_ascii_alphanumeric) {
                    continue;
                }
                assert_eq!(
                    plain_key(text, start, end),
                    key_of(&word.to_ascii_lowercase()),
                    "{:?}",
                    String::from_utf8_lossy(word)
                );
            }
        }
    }

    #[test]
    fn keys_tell_words_apart() {
        let words = ["a", "ab", "abcdefgh", "abcdefghi", "é", "e\u{301}"];
        let keys: Vec<[u64; 2]> = words.iter().filter_map(|w| key_of(w.as_bytes())).collect();
        assert_eq!(keys.len(), words.len());
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert!(key_of(&[b'x'; KEY_BYTES]).is_some());
        assert!(key_of(&[b'x'; KEY_BYTES + 1]).is_none());
        assert!(
            key_of(b"a\0").is_none(),
            "a zero byte would read as padding"
        );
        assert!(key_of(b"").is_none());
    }

    #[test]
    fn no_stop_word_is_longer_than_the_length_checked_first() {
        let longest = ENGLISH_STOP_WORDS.iter().map(|w| w.len()).max();
        assert_eq!(longest, Some(STOP_WORD_MAX_BYTES));
    }
}
