//! The group gazetteer: canonical militant groups, the names they go by, and finding them in text.
//!
//! Tagging is done on words, not substrings, and the longest name wins, so "Tehreek-e-Taliban
//! Pakistan" is one TTP mention and its "Taliban" is not also read as the Afghan Taliban.
//! Acronyms match with their exact case in article text ("IS" is a group, "is" is a verb);
//! in a user's query they match in any case (analysts type `ttp`), except the acronyms marked
//! `ambiguous`, which are ordinary words when lowercased ("LeT" / "let").
//!
//! This file holds the gazetteer and its matcher; reading and checking a gazetteer file is in
//! `load.rs`, the prefilter that rejects most texts before any word is read in `prefilter.rs`.

use std::collections::HashMap;
use std::fmt;

use crate::analysis::{is_apostrophe, is_plain_ascii, next_word};

mod evidence;
mod lexicon;
mod load;
mod prefilter;
pub use evidence::{Evidence, Place, Rule, Support, Tag};
use prefilter::Prefilter;

/// A group's place in the hierarchy, e.g. `ISIS/Khorasan`. Always at least one non-empty segment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupPath(Vec<String>);

impl GroupPath {
    pub fn parse(text: &str) -> Result<GroupPath, String> {
        let segments: Vec<String> = text.split('/').map(|s| s.trim().to_string()).collect();
        if segments.iter().any(|s| s.is_empty()) {
            return Err(format!(
                "group path {text:?} has an empty segment; write segments joined by '/', e.g. ISIS/Khorasan"
            ));
        }
        Ok(GroupPath(segments))
    }

    pub fn segments(&self) -> &[String] {
        &self.0
    }

    pub fn parent(&self) -> Option<GroupPath> {
        (self.0.len() > 1).then(|| GroupPath(self.0[..self.0.len() - 1].to_vec()))
    }

    pub fn facet(&self) -> tantivy::schema::Facet {
        tantivy::schema::Facet::from_path(self.0.iter())
    }
}

impl fmt::Display for GroupPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("/"))
    }
}

/// A group after validation.
#[derive(Debug, Clone)]
pub struct Group {
    pub path: GroupPath,
    /// The full name, e.g. "Tehreek-e-Taliban Pakistan".
    pub name: String,
    acronyms: Vec<String>,
    names: Vec<String>,
    /// Names that need support in text ("Islamic State", "Taliban").
    weak: Vec<String>,
    ambiguous: Vec<String>,
    /// What supports this group's short forms, and what marks another meaning.
    rules: evidence::GroupRules,
}

impl Group {
    /// The aliases used for query-time expansion: ambiguous acronyms are left out.
    pub fn expansion_aliases(&self) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .chain(&self.weak)
            .chain(&self.acronyms)
            .map(String::as_str)
    }

    /// Every alias, ambiguous acronyms included (for listing).
    pub fn all_aliases(&self) -> impl Iterator<Item = &str> {
        self.expansion_aliases()
            .chain(self.ambiguous.iter().map(String::as_str))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// Names: any case.
    Folded,
    /// Acronyms: exact case in article text, any case in queries.
    Acronym,
    /// Ambiguous acronyms: exact case everywhere.
    Exact,
}

/// How much a name says on its own in article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A full, unambiguous name: it tags on its own.
    Name,
    /// A name that needs support, matched in the capitals it is written with.
    Weak,
    /// An acronym: needs support.
    Acronym,
    /// An acronym that is also an ordinary word: needs support, and a word beside it where
    /// the group has such words.
    Ambiguous,
}

#[derive(Debug, Clone)]
struct Pattern {
    words: Vec<String>,
    case: Case,
    kind: Kind,
    /// A weak name's words as written, whose capitals running text must have.
    written: Vec<String>,
    group: usize,
}

/// Whether text is article text (acronyms are case-sensitive) or a user's query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchMode {
    Text,
    Query,
}

/// A name found in text: the group, the byte range of the mention, and what the judging of
/// its evidence needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub group: usize,
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// Its neighbours are in capitals (a wire headline): case says nothing here.
    pub shouted: bool,
    /// A weak name has the capitals it is written with (always true for other kinds).
    pub capitals: bool,
}

/// The validated gazetteer with its word-level matcher.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    groups: Vec<Group>,
    /// Patterns by their first word, lowercased.
    /// Looked up for every word of every passage: a fast hash, not SipHash (the keys are
    /// the gazetteer's own names, so hash flooding is no concern).
    by_first_word: HashMap<String, Vec<Pattern>, foldhash::fast::RandomState>,
    /// Rejects most words before any lookup.
    starts: StartFilter,
    /// Rejects most article texts before any word is read. Built on the first [`Self::tag`]:
    /// only indexing tags, so a `talash search` never builds it.
    prefilter: std::sync::OnceLock<Prefilter>,
    /// Normalized name → group, for `--group` lookups.
    lookup: HashMap<String, usize>,
    /// The evidence rules every group shares.
    common: evidence::CommonRules,
}

/// An exact, cheap "no" for most words of a passage: the lengths and first two bytes of every
/// first word of a pattern. Tagging looks at every word of the corpus and nearly none starts a
/// name; this test costs a few instructions where forming, lowercasing and hashing the word
/// cost a few hundred. Only plain ASCII words without apostrophes are judged (their form is
/// their ASCII lowercase, so an ASCII key is the only kind they can equal); others go through.
#[derive(Debug, Clone)]
struct StartFilter {
    /// Bit `len.min(63)` is set for each key length in bytes.
    lens: u64,
    /// One bit per (first byte, second byte or 0), lowercased.
    pairs: Box<[u64; 1024]>,
}

impl StartFilter {
    fn new<'a>(keys: impl Iterator<Item = &'a str>) -> StartFilter {
        let mut filter = StartFilter {
            lens: 0,
            pairs: Box::new([0; 1024]),
        };
        for key in keys.filter(|k| k.is_ascii() && !k.is_empty()) {
            filter.lens |= 1 << key.len().min(63);
            let pair = Self::pair(key.as_bytes());
            filter.pairs[pair >> 6] |= 1 << (pair & 63);
        }
        filter
    }

    fn pair(word: &[u8]) -> usize {
        let first = word.first().map_or(0, u8::to_ascii_lowercase);
        let second = word.get(1).map_or(0, u8::to_ascii_lowercase);
        usize::from(first) << 8 | usize::from(second)
    }

    /// False only if no pattern can start with `word`.
    fn may_start(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        if !is_plain_ascii(word) {
            return true;
        }
        let pair = Self::pair(bytes);
        self.lens & (1 << bytes.len().min(63)) != 0
            && self.pairs[pair >> 6] & (1 << (pair & 63)) != 0
    }
}

/// A word of text: its comparable form (apostrophes and a possessive 's removed).
struct Word {
    form: String,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some((start, end)) = next_word(text, at) {
        at = end;
        let form = form(&text[start..end]).into_owned();
        out.push(Word { form });
    }
    out
}

/// A word's comparable form: a possessive 's is dropped (three characters at least), then any
/// apostrophe. Borrowed unless an apostrophe must be removed from inside (indexing tags every
/// passage, so most words allocate nothing).
fn form(raw: &str) -> std::borrow::Cow<'_, str> {
    // Most words: plain ASCII, no apostrophe, nothing to strip.
    if is_plain_ascii(raw) {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut base = raw;
    let mut rev = raw.char_indices().rev();
    if let (Some((_, last)), Some((i, apos))) = (rev.next(), rev.next())
        && (last == 's' || last == 'S')
        && is_apostrophe(apos)
        && raw.chars().nth(2).is_some()
    {
        base = &raw[..i];
    }
    match base.chars().any(is_apostrophe) {
        false => std::borrow::Cow::Borrowed(base),
        true => std::borrow::Cow::Owned(base.chars().filter(|&c| !is_apostrophe(c)).collect()),
    }
}

/// `word` lowercased into `buf` (as `str::to_lowercase`, without allocating for ASCII).
fn lowercase_into(word: &str, buf: &mut String) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&word.to_lowercase());
    }
}

/// The form used to compare names case-insensitively and for `--group` lookups.
pub fn normalize_name(text: &str) -> String {
    words(text)
        .iter()
        .map(|w| w.form.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Gazetteer {
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    pub fn group(&self, index: usize) -> &Group {
        &self.groups[index]
    }

    /// Every group name mentioned in `text`, longest match first, without overlaps.
    pub fn mentions(&self, text: &str, mode: MatchMode) -> Vec<Mention> {
        let mut out = Vec::new();
        let mut key = String::new();
        let mut prev = None;
        let mut at = 0;
        while let Some(span) = next_word(text, at) {
            at = span.1;
            // Most words start no pattern: they need no form, allocation or lookup.
            let word = &text[span.0..span.1];
            if self.starts.may_start(word) {
                lowercase_into(&form(word), &mut key);
                if let Some(candidates) = self.by_first_word.get(key.as_str())
                    && let Some(last) = self.match_at(text, prev, span, candidates, mode, &mut out)
                {
                    at = last.1;
                    prev = Some(last);
                    continue;
                }
            }
            prev = Some(span);
        }
        out
    }

    /// Tries `candidates` on the words from `first` on; on a match, records it in `out` and
    /// returns its last word. `prev` is the word before, which [`shouted`] looks at.
    fn match_at(
        &self,
        text: &str,
        prev: Option<(usize, usize)>,
        first: (usize, usize),
        candidates: &[Pattern],
        mode: MatchMode,
        out: &mut Vec<Mention>,
    ) -> Option<(usize, usize)> {
        let longest = candidates.first().map_or(0, |p| p.words.len());
        // The word before, the words a pattern may span, and the word after them.
        let mut spans: Vec<(usize, usize)> = prev.into_iter().collect();
        let i = spans.len();
        spans.push(first);
        while spans.len() < i + longest + 1 {
            let Some(next) = next_word(text, spans[spans.len() - 1].1) else {
                break;
            };
            spans.push(next);
        }
        let ws: Vec<Word> = spans[i..(i + longest).min(spans.len())]
            .iter()
            .map(|&(start, end)| Word {
                form: form(&text[start..end]).into_owned(),
            })
            .collect();
        let p = Self::longest_match(candidates, &ws, mode)?;
        let len = p.words.len();
        let last = spans[i + len - 1];
        let capitals = p
            .written
            .iter()
            .zip(&ws)
            .all(|(pw, w)| same_capitals(pw, &w.form));
        out.push(Mention {
            group: p.group,
            start: first.0,
            end: last.1,
            kind: p.kind,
            shouted: shouted(text, &spans, i, len),
            capitals,
        });
        Some(last)
    }

    /// The longest of `candidates` matching the words `ws`.
    fn longest_match<'p>(
        candidates: &'p [Pattern],
        ws: &[Word],
        mode: MatchMode,
    ) -> Option<&'p Pattern> {
        candidates.iter().find(|p| {
            p.words.len() <= ws.len()
                && p.words
                    .iter()
                    .zip(ws)
                    .all(|(pw, w)| word_matches(pw, &w.form, p.case, mode))
        })
    }

    fn prefilter(&self) -> &Prefilter {
        self.prefilter.get_or_init(|| {
            let patterns = self.by_first_word.values().flatten();
            Prefilter::new(patterns.map(|p| (&p.words[..], p.case != Case::Folded)))
        })
    }

    /// The groups a passage is about, read as an article of one passage with this title (see
    /// [`Self::tag_article`] for the rules).
    pub fn tag(&self, title: &str, text: &str) -> Vec<GroupPath> {
        let mut tags = self.tag_article(title, &[(1, text)]);
        tags.pop()
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.path)
            .collect()
    }

    /// Resolves what a user typed after `--group` (path, name or alias, any case).
    pub fn resolve(&self, typed: &str) -> Result<&Group, String> {
        let norm = normalize_name(typed);
        if let Some(&g) = self.lookup.get(&norm) {
            return Ok(&self.groups[g]);
        }
        // The last part of a path, as facets print a sub-group ("Khorasan" under "ISIS"),
        // when only one group's path ends so.
        let by_leaf: Vec<&Group> = self
            .groups
            .iter()
            .filter(|g| {
                g.path
                    .segments()
                    .last()
                    .is_some_and(|l| normalize_name(l) == norm)
            })
            .collect();
        if let [g] = by_leaf[..] {
            return Ok(g);
        }
        let mut scored: Vec<(usize, usize)> = self
            .lookup
            .iter()
            .map(|(k, &g)| (strsim::levenshtein(k, &norm), g))
            .collect();
        scored.sort();
        let mut nearest: Vec<String> = Vec::new();
        for (_, g) in scored {
            let label = format!("{} ({})", self.groups[g].path, self.groups[g].name);
            if !nearest.contains(&label) {
                nearest.push(label);
            }
            if nearest.len() == 3 {
                break;
            }
        }
        Err(format!(
            "unknown group {typed:?}; nearest known groups: {}. `talash groups` lists them all",
            nearest.join(", ")
        ))
    }
}

/// Whether the words around `all[i..i + len]` are in capitals, as in a wire headline ("CREDIT
/// POLICY IS ON HOLD"): there case says nothing, so an ambiguous acronym ("IS") is only the
/// ordinary word. A name with lower-case neighbours, or standing alone, is not shouted.
fn shouted(text: &str, spans: &[(usize, usize)], i: usize, len: usize) -> bool {
    let capitals = |&(start, end): &(usize, usize)| {
        let s = &text[start..end];
        s.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !s.chars().any(char::is_lowercase)
    };
    let before = i.checked_sub(1).and_then(|j| spans.get(j));
    let after = spans.get(i + len);
    let neighbours: Vec<&(usize, usize)> = before.into_iter().chain(after).collect();
    !neighbours.is_empty() && neighbours.into_iter().all(capitals)
}

/// Whether `word` starts with a capital wherever `written` does ("Islamic State", not
/// "Islamic state"); a word all in capitals has every capital.
fn same_capitals(written: &str, word: &str) -> bool {
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    !capital(written) || capital(word)
}

fn word_matches(pattern: &str, word: &str, case: Case, mode: MatchMode) -> bool {
    match (case, mode) {
        (Case::Exact, _) | (Case::Acronym, MatchMode::Text) => pattern == word,
        (Case::Acronym, MatchMode::Query) => pattern.to_lowercase() == word.to_lowercase(),
        (Case::Folded, _) => pattern == word.to_lowercase(),
    }
}

/// The gazetteer shipped in `index-schema/groups.toml`.
pub const DEFAULT_GAZETTEER: &str = include_str!("../../index-schema/groups.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn gaz() -> Gazetteer {
        Gazetteer::from_toml(DEFAULT_GAZETTEER, "groups.toml").unwrap()
    }

    /// The start filter and the prefilter only skip work: with them and without, the shipped
    /// corpus, every alias of the shipped gazetteer (as written, upper case, lower case,
    /// possessive, glued to other words, inside a sentence) and random mixes of alias words
    /// and other words are tagged the same, and the aliases are found.
    #[test]
    fn filters_never_change_mentions() {
        let filtered = gaz();
        let mut open = gaz();
        open.starts = StartFilter {
            lens: u64::MAX,
            pairs: Box::new([u64::MAX; 1024]),
        };
        open.prefilter = std::sync::OnceLock::from(Prefilter::open());
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        let mut vocabulary = vec![
            "the", "is", "crisis", "a", "US", "said", "-", ".", "s", "'s",
        ];
        for g in filtered.groups() {
            for alias in g.names.iter().chain(&g.acronyms).chain(&g.ambiguous) {
                vocabulary.extend(alias.split(' '));
                for form in [alias.clone(), alias.to_uppercase(), alias.to_lowercase()] {
                    texts.push(format!("Officials said {form} and {form}'s men struck."));
                    texts.push(format!("Officials said {form}s and x{form} struck"));
                    texts.push(form.clone());
                }
            }
        }
        // The corpus and the aliases as written must yield more mentions than texts.
        let written = texts.len();
        vocabulary.extend([" ", "-", "'", "`"]);
        texts.extend(crate::testing::random_texts(&vocabulary, 20_000, 12));
        let mut found = 0;
        for (i, text) in texts.iter().enumerate() {
            for mode in [MatchMode::Text, MatchMode::Query] {
                let m = filtered.mentions(text, mode);
                assert_eq!(m, open.mentions(text, mode), "{text:?}");
                found += if i < written { m.len() } else { 0 };
            }
            assert_eq!(filtered.tag(text, ""), open.tag(text, ""), "{text:?}");
            assert_eq!(filtered.tag("", text), open.tag("", text), "{text:?}");
        }
        assert!(found > written, "{found} mentions in {written} texts");
    }

    fn tags(text: &str) -> Vec<String> {
        gaz().tag("", text).iter().map(|p| p.to_string()).collect()
    }

    /// Every name in the seeds' METADATA.md tables, with the group it must map to.
    const METADATA_NAMES: &[(&str, &str)] = &[
        ("TTP", "TTP"),
        ("Tehreek-e-Taliban Pakistan", "TTP"),
        ("Tehrik-i-Taliban", "TTP"),
        ("ISIS", "ISIS"),
        ("Da’ish", "ISIS"),
        ("ISIS-Khorasan", "ISIS/Khorasan"),
        ("BLA", "BLA"),
        ("Balochistan Liberation Army", "BLA"),
        ("Taliban", "Afghan Taliban"),
        ("Taliban 2.0", "Afghan Taliban"),
        ("the Taliban government in Kabul", "Afghan Taliban"),
        ("Afghan Taliban", "Afghan Taliban"),
        ("Islamic Emirates of Afghanistan", "Afghan Taliban"),
        ("ISKP", "ISIS/Khorasan"),
        ("ISIS-K", "ISIS/Khorasan"),
        ("IS-K", "ISIS/Khorasan"),
        ("Daesh", "ISIS"),
        ("Daish", "ISIS"),
        ("Daesh-Khorasan", "ISIS/Khorasan"),
        ("Islamic State", "ISIS"),
        ("Islamic State Khorasan Province", "ISIS/Khorasan"),
        ("Pakistani Taliban", "TTP"),
        ("Tehrik-e-Taliban", "TTP"),
        ("Tehreek-i-Taliban", "TTP"),
        ("al-Qaeda", "al-Qaeda"),
        ("al-Qaida", "al-Qaeda"),
        ("AQIS", "al-Qaeda/AQIS"),
        ("Lashkar-e-Taiba", "LeT"),
        ("LeT", "LeT"),
        ("Jaish-e-Mohammed", "JeM"),
        ("JeM", "JeM"),
        ("Haqqani Network", "Haqqani Network"),
        ("Jamaat-ul-Ahrar", "TTP/Jamaat-ul-Ahrar"),
        ("Lashkar-e-Jhangvi", "LeJ"),
        ("LeJ", "LeJ"),
        ("Baloch Liberation Front", "BLF"),
        ("BLF", "BLF"),
        ("Majeed Brigade", "BLA/Majeed Brigade"),
    ];

    #[test]
    fn every_metadata_name_maps_to_its_group() {
        let g = gaz();
        for (name, path) in METADATA_NAMES {
            let text = format!("Officials said {name} carried out the attack.");
            assert_eq!(
                tags(&text),
                vec![path.to_string()],
                "text tagging of {name}"
            );
            assert_eq!(
                g.resolve(name).unwrap().path.to_string(),
                *path,
                "--group {name}"
            );
            let lower = name.to_lowercase();
            assert_eq!(
                g.resolve(&lower).unwrap().path.to_string(),
                *path,
                "--group {lower}"
            );
        }
    }

    #[test]
    fn taliban_inside_ttp_names_is_not_afghan_taliban() {
        assert_eq!(
            tags("the banned Tehreek-e-Taliban Pakistan (TTP) struck"),
            vec!["TTP"]
        );
        assert_eq!(
            tags("concerns about Tehrik-i-Taliban to the interim"),
            vec!["TTP"]
        );
        assert_eq!(
            tags("the Afghan Taliban and the Tehreek-e-Taliban"),
            vec!["Afghan Taliban", "TTP"]
        );
    }

    #[test]
    fn acronyms_are_case_sensitive_in_text() {
        assert!(tags("this is what we let happen, jem").is_empty());
        assert_eq!(tags("IS claimed it"), vec!["ISIS"]);
        assert_eq!(tags("LeT and JeM militants"), vec!["JeM", "LeT"]);
        assert!(tags("the bla bla ttp").is_empty());
    }

    #[test]
    fn an_ambiguous_acronym_in_a_shouted_headline_is_the_ordinary_word() {
        assert!(tags("FED DATA SUGGEST U.S. CREDIT POLICY IS ON HOLD").is_empty());
        assert!(tags("WHY IS IT OVER").is_empty());
        assert_eq!(tags("fighters loyal to IS attacked"), ["ISIS"]);
        assert_eq!(tags("IS fighters attacked"), ["ISIS"]);
        // Alone, with nothing to support it, "IS" names no group.
        assert!(tags("IS").is_empty());
        assert!(tags("THIS IS NOT THE FIRST TIME").is_empty());
        // In capitals, a word beside it that marks the group is needed.
        assert_eq!(tags("IS FIGHTERS SEIZE OIL FIELD"), ["ISIS"]);
        // Unambiguous acronyms match in capitals, with context.
        assert_eq!(tags("TTP CLAIMS ATTACK ON POLICE"), ["TTP"]);
        assert_eq!(tags("ISIS CLAIMS ATTACK"), ["ISIS"]);
        assert!(tags("TTP RESEARCH UPDATE").is_empty());
    }

    #[test]
    fn possessives_and_apostrophes() {
        assert_eq!(tags("the banned TTP’s leadership"), vec!["TTP"]);
        assert_eq!(tags("Da'ish fighters"), vec!["ISIS"]);
        assert_eq!(tags("the Taliban's rule in Kabul"), vec!["Afghan Taliban"]);
    }

    #[test]
    fn query_mode_folds_acronyms_but_not_ambiguous_ones() {
        let g = gaz();
        let m = g.mentions("ttp attacks", MatchMode::Query);
        assert_eq!(g.group(m[0].group).path.to_string(), "TTP");
        assert!(g.mentions("what is let", MatchMode::Query).is_empty());
        assert!(g.mentions("ttp attacks", MatchMode::Text).is_empty());
    }

    #[test]
    fn mentions_report_byte_ranges() {
        let g = gaz();
        let text = "support for ISIS-Khorasan grew";
        let m = g.mentions(text, MatchMode::Text);
        assert_eq!(&text[m[0].start..m[0].end], "ISIS-Khorasan");
    }

    #[test]
    fn a_sub_group_resolves_by_the_last_part_of_its_path() {
        assert_eq!(
            gaz().resolve("Khorasan").unwrap().path.to_string(),
            "ISIS/Khorasan"
        );
        assert_eq!(
            gaz().resolve("majeed brigade").unwrap().path.to_string(),
            "BLA/Majeed Brigade"
        );
    }

    #[test]
    fn unknown_group_suggests_nearest() {
        let err = gaz().resolve("TTPP").unwrap_err();
        assert!(err.contains("unknown group \"TTPP\""), "{err}");
        assert!(err.contains("TTP (Tehreek-e-Taliban Pakistan)"), "{err}");
    }

    /// Short forms tag with support only, never with a mark of another sense.
    #[test]
    fn short_forms_need_support_and_no_other_sense() {
        for other in [
            "TTP (thrombotic thrombocytopenic purpura) was treated with plasma exchange.",
            "The ISIS-2 trial compared streptokinase, aspirin and both.",
            "A BLA degree takes four years; graduates of the attack course",
            "Pakistan was founded as an Islamic state.",
            "Tehran's clerics describe Iran as an Islamic State.",
            "Shares of <IS> rose after the bombing report.",
            "Install the ISK keyboard driver before the attack demo.",
            "The AQIS-7 sensor logs attacks of smog.",
            "ISIL, the International Society for Individual Liberty, claimed a win.",
        ] {
            assert!(tags(other).is_empty(), "{other:?}: {:?}", tags(other));
        }
        assert_eq!(tags("BLA militants attacked a checkpoint"), ["BLA"]);
        assert_eq!(
            gaz()
                .tag("Balochistan Liberation Army claims attack", "BLA said it")
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>(),
            ["BLA"]
        );
    }

    #[test]
    fn evidence_names_the_rule_the_words_and_where() {
        let g = gaz();
        let tags = g.tag_article(
            "Unrest in Swat",
            &[
                (1, "Tehreek-e-Taliban Pakistan spoke."),
                (2, "The TTP said so. IS fighters crossed."),
            ],
        );
        let e = &tags[1][1].evidence;
        assert_eq!((e.rule, e.words.as_str()), (Rule::ArticleName, "TTP"));
        let at = |passage_no, start, end| Place {
            passage_no,
            start,
            end,
        };
        assert_eq!(e.at, at(Some(2), 4, 7));
        let s = e.support.as_ref().unwrap();
        assert_eq!(s.words, "Tehreek-e-Taliban Pakistan");
        assert_eq!(s.at, at(Some(1), 0, 26));
        let e = &tags[1][0].evidence;
        assert_eq!((e.group.as_str(), e.rule), ("ISIS", Rule::Beside));
        assert_eq!(e.support.as_ref().unwrap().at, at(Some(2), 20, 28));
        assert_eq!(tags[0][0].evidence.rule, Rule::Name);
        // The title's name tags every passage, with the title's place.
        let titled = g.tag_article("Pakistani Taliban: the year", &[(1, "Nothing here.")]);
        assert_eq!(titled[0][0].evidence.at, at(None, 0, 17));
    }

    /// A minimal `[rules]` table, for gazetteers written in tests.
    const RULES: &str = "[rules]\nticker = true\nnumbered = true\ncontext = [\"attack*\"]\n";

    #[test]
    fn invalid_rules_are_explained() {
        for (bad, says) in [
            (
                "[[group]]\npath = \"A\"\nname = \"a\"\nacronyms = [\"AA\"]\ncontext = [\"x*y\"]\n",
                "group \"A\".context: entry \"x*y\"",
            ),
            (
                "[[group]]\npath = \"A\"\nname = \"a\"\nacronyms = [\"AA\"]\n[[group.sense]]\nwhat = \"w\"\n",
                "sense #1 (\"w\"): no words",
            ),
            (
                "[[group]]\npath = \"A\"\nname = \"a\"\nacronyms = [\"AA\"]\n[[group.sense]]\nwhat = \"w\"\nforms = [\"BB\"]\nnear = [\"x\"]\n",
                "\"BB\" is not a short form of this group; the weak names and acronyms are: AA",
            ),
            (
                "[[group]]\npath = \"A\"\nname = \"a\"\nacronyms = [\"AA\"]\nbeside.after = [\"x\"]\n",
                "`beside` is read only for ambiguous acronyms",
            ),
            (
                "[[group]]\npath = \"A\"\nname = \"a\"\n[[group.sense]]\nwhat = \"w\"\nnearby = [\"x\"]\n",
                "nearby",
            ),
        ] {
            let err = Gazetteer::from_toml(&format!("{RULES}{bad}"), "my.toml")
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("my.toml: invalid gazetteer"), "{err}");
            assert!(err.contains(says), "{err}");
        }
        let err = Gazetteer::from_toml("[[group]]\npath = \"A\"\nname = \"a\"\n", "my.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("rules"), "{err}");
    }

    #[test]
    fn invalid_gazetteers_are_rejected() {
        let orphan = "[[group]]\npath = \"A/B\"\nname = \"x\"\nnames = [\"x\"]\n";
        assert!(
            Gazetteer::from_toml(&format!("{RULES}{orphan}"), "g")
                .unwrap_err()
                .to_string()
                .contains("no parent")
        );
        let clash = "[[group]]\npath = \"A\"\nname = \"a\"\nnames = [\"same\"]\n\
                     [[group]]\npath = \"B\"\nname = \"b\"\nnames = [\"Same\"]\n";
        assert!(
            Gazetteer::from_toml(&format!("{RULES}{clash}"), "g")
                .unwrap_err()
                .to_string()
                .contains("both")
        );
        let unknown = "[[group]]\npath = \"A\"\nname = \"a\"\nnicknames = [\"x\"]\n";
        let err = Gazetteer::from_toml(&format!("{RULES}{unknown}"), "g")
            .unwrap_err()
            .to_string();
        assert!(err.contains("nicknames"), "{err}");
        let empty = "[[group]]\npath = \"A\"\nname = \"a\"\nnames = [\"--\"]\n";
        assert!(
            Gazetteer::from_toml(&format!("{RULES}{empty}"), "g")
                .unwrap_err()
                .to_string()
                .contains("no words")
        );
    }
}
