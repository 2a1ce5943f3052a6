//! Tagging from evidence: which names found in an article make its passages about a group,
//! and why.
//!
//! A full, unambiguous name ("Tehreek-e-Taliban Pakistan") tags on its own. A short or
//! ambiguous form ("TTP", "IS", "Islamic State", "Taliban") tags only with support, and never
//! where a mark of another meaning stands by it:
//! - another sense: a ticker in brackets ("<IS>"), a number joined on ("ISIS-2", "AQIS-7"),
//!   or a sense the gazetteer file lists for the group (words near it in its passage, or the
//!   word right before or after: "an Islamic state", "ISK 500");
//! - a weak name needs its capitals in running text ("Islamic state" is the concept);
//! - then support: the article names a group of the same family in full (title or any
//!   passage); or, for an ambiguous acronym of a group that lists words beside it, such a
//!   word right before or after it, or a possessive 's ("IS fighters", "IS's"; in text in
//!   capitals this is the only
//!   support, so "THIS IS NOT THE FIRST TIME" names no group); or else a context word, of every
//!   group or of this one, in its passage, the title or the passages either side.
//!
//! The decision reads the text only (never a date), and each tag keeps its [`Evidence`].

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::groups::lexicon::{Lexicon, Words, first_outside};
use crate::groups::{Gazetteer, GroupPath, Kind, MatchMode, Mention};

/// Why a passage carries a group: the rule, the words and where they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The group's path, e.g. `ISIS/Khorasan`.
    pub group: String,
    pub rule: Rule,
    /// The mention as written.
    pub words: String,
    pub at: Place,
    /// What backs a short form: the full name, the word beside it, or the context word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support: Option<Support>,
}

/// The rule a tag was given by, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A full, unambiguous name.
    Name,
    /// A short form, and the article names the group (or its family) in full.
    ArticleName,
    /// An ambiguous acronym with a word beside it that marks the group ("IS fighters").
    Beside,
    /// A short form with a context word in its passage, the title or a neighbouring passage.
    Context,
}

impl Rule {
    pub fn describe(self) -> &'static str {
        match self {
            Rule::Name => "full name",
            Rule::ArticleName => "short form; the article names the group in full",
            Rule::Beside => "ambiguous acronym with a word beside it",
            Rule::Context => "short form with a context word",
        }
    }
}

/// Where words are: the title, or a passage (by number), and their byte range there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// `None` for the title.
    pub passage_no: Option<u64>,
    pub start: usize,
    pub end: usize,
}

/// The words that back a short form, and where they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Support {
    pub words: String,
    pub at: Place,
}

/// A group a passage is about, with the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub path: GroupPath,
    pub evidence: Evidence,
}

/// Another meaning of a group's short forms, and the words that mark it.
#[derive(Debug, Clone, Default)]
pub(super) struct Sense {
    /// The short forms it applies to, normalized (all the group's when empty).
    pub forms: Vec<String>,
    /// Anywhere in the mention's passage.
    pub near: Lexicon,
    /// Right before the mention.
    pub before: Lexicon,
    /// Right after the mention.
    pub after: Lexicon,
}

/// A group's own evidence rules.
#[derive(Debug, Clone, Default)]
pub(super) struct GroupRules {
    pub context: Lexicon,
    pub senses: Vec<Sense>,
    /// Words right before or after an ambiguous acronym that make it this group.
    pub beside_before: Lexicon,
    pub beside_after: Lexicon,
}

/// The rules for every group.
#[derive(Debug, Clone, Default)]
pub(super) struct CommonRules {
    pub context: Lexicon,
    pub senses: Vec<Sense>,
    /// "<IS>" is a stock ticker.
    pub ticker: bool,
    /// "ISIS-2", "AQIS-7": a trial, a model, a sensor.
    pub numbered: bool,
}

/// An article as tagging reads it: unit 0 is the title, then the passages.
struct Article<'a> {
    units: Vec<(Option<u64>, &'a str)>,
    words: Vec<OnceCell<Words>>,
    mentions: Vec<Vec<Mention>>,
    /// Each list's matches in each unit, found once: an article can name a group in every
    /// sentence, and each mention reads the same lists.
    matches: RefCell<Found>,
}

/// The word ranges where a list matches in a unit, by (the list's address, unit).
type Found = HashMap<(usize, usize), Rc<[(usize, usize)]>>;

impl Article<'_> {
    fn words(&self, u: usize) -> &Words {
        self.words[u].get_or_init(|| Words::of(self.units[u].1))
    }

    /// The first match of `lexicon` in unit `u` outside the word range `skip`.
    fn find(&self, lexicon: &Lexicon, u: usize, skip: (usize, usize)) -> Option<(usize, usize)> {
        let key = (std::ptr::from_ref(lexicon) as usize, u);
        let found = self.matches.borrow().get(&key).cloned();
        let found = found.unwrap_or_else(|| {
            let all: Rc<[(usize, usize)]> = lexicon.matches(self.words(u)).into();
            self.matches.borrow_mut().insert(key, Rc::clone(&all));
            all
        });
        first_outside(&found, skip)
    }

    fn place(&self, u: usize, start: usize, end: usize) -> Place {
        Place {
            passage_no: self.units[u].0,
            start,
            end,
        }
    }

    fn support(&self, u: usize, start: usize, end: usize) -> Support {
        Support {
            words: self.units[u].1[start..end].to_string(),
            at: self.place(u, start, end),
        }
    }

    /// The word range of the mention in unit `u`.
    fn word_range(&self, u: usize, m: &Mention) -> (usize, usize) {
        let w = self.words(u);
        let first = w.at(m.start).unwrap_or(0);
        let last = w.spans.partition_point(|s| s.1 <= m.end);
        (first, last.max(first + 1))
    }

    /// The units whose context counts for unit `u`: itself, the title, the passages beside.
    fn neighbours(&self, u: usize) -> Vec<usize> {
        let mut out = vec![u];
        for n in [Some(0), u.checked_sub(1), Some(u + 1)]
            .into_iter()
            .flatten()
        {
            if n < self.units.len() && !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }
}

impl Gazetteer {
    /// The groups each passage of an article is about, with their evidence: those its text
    /// names and those the title names, by the rules in this module's documentation.
    /// `passages` are (passage number, text); the answer has one list per passage, sorted.
    pub fn tag_article(&self, title: &str, passages: &[(u64, &str)]) -> Vec<Vec<Tag>> {
        let units: Vec<(Option<u64>, &str)> = std::iter::once((None, title))
            .chain(passages.iter().map(|&(n, t)| (Some(n), t)))
            .collect();
        let mentions: Vec<Vec<Mention>> = units
            .iter()
            .map(|(_, t)| match self.prefilter().may_mention(t) {
                true => self.mentions(t, MatchMode::Text),
                false => Vec::new(),
            })
            .collect();
        if mentions.iter().all(Vec::is_empty) {
            return vec![Vec::new(); passages.len()];
        }
        let article = Article {
            words: (0..units.len()).map(|_| OnceCell::new()).collect(),
            units,
            mentions,
            matches: RefCell::default(),
        };
        let judged: Vec<Vec<Evidence>> = (0..article.units.len())
            .map(|u| self.judge_unit(&article, u))
            .collect();
        (1..article.units.len())
            .map(|u| self.passage_tags(&judged[u], &judged[0]))
            .collect()
    }

    /// A passage's tags: its own evidence, then the title's, the strongest for each group.
    fn passage_tags(&self, own: &[Evidence], title: &[Evidence]) -> Vec<Tag> {
        let mut best: Vec<Evidence> = Vec::new();
        for e in own.iter().chain(title) {
            match best.iter_mut().find(|b| b.group == e.group) {
                Some(b) if e.rule < b.rule => *b = e.clone(),
                Some(_) => {}
                None => best.push(e.clone()),
            }
        }
        let mut tags: Vec<Tag> = best
            .into_iter()
            .filter_map(|evidence| {
                let path = GroupPath::parse(&evidence.group).ok()?;
                Some(Tag { path, evidence })
            })
            .collect();
        tags.sort_by(|a, b| a.path.cmp(&b.path));
        tags
    }

    /// The evidence for each group named in unit `u` (the strongest, first in the text).
    fn judge_unit(&self, article: &Article, u: usize) -> Vec<Evidence> {
        let mut out: Vec<Evidence> = Vec::new();
        for m in &article.mentions[u] {
            let Some(e) = self.judge(article, u, m) else {
                continue;
            };
            match out.iter_mut().find(|b| b.group == e.group) {
                Some(b) if e.rule < b.rule => *b = e,
                Some(_) => {}
                None => out.push(e),
            }
        }
        out
    }

    /// The evidence for one mention, or `None` if it is not the group.
    fn judge(&self, article: &Article, u: usize, m: &Mention) -> Option<Evidence> {
        let g = &self.groups[m.group];
        let evidence = |rule, support| Evidence {
            group: g.path.to_string(),
            rule,
            words: article.units[u].1[m.start..m.end].to_string(),
            at: article.place(u, m.start, m.end),
            support,
        };
        if m.kind == Kind::Name {
            return Some(evidence(Rule::Name, None));
        }
        if (m.kind == Kind::Weak && !m.shouted && !m.capitals) || self.other_sense(article, u, m) {
            return None;
        }
        let beside = m.kind == Kind::Ambiguous
            && !(g.rules.beside_before.is_empty() && g.rules.beside_after.is_empty());
        if beside && let Some(s) = self.beside(article, u, m) {
            return Some(evidence(Rule::Beside, Some(s)));
        }
        if m.kind == Kind::Ambiguous && m.shouted {
            return None;
        }
        if let Some(s) = self.full_name_in(article, m.group) {
            return Some(evidence(Rule::ArticleName, Some(s)));
        }
        if beside {
            return None;
        }
        self.context(article, u, m)
            .map(|s| evidence(Rule::Context, Some(s)))
    }

    /// Whether a mark of another meaning stands by the mention.
    fn other_sense(&self, article: &Article, u: usize, m: &Mention) -> bool {
        let text = article.units[u].1.as_bytes();
        let c = &self.common;
        let ticker = m.start > 0 && text[m.start - 1] == b'<' && text.get(m.end) == Some(&b'>');
        let numbered =
            text.get(m.end) == Some(&b'-') && text.get(m.end + 1).is_some_and(u8::is_ascii_digit);
        if (c.ticker && ticker) || (c.numbered && numbered) {
            return true;
        }
        let words = article.words(u);
        let (first, end) = article.word_range(u, m);
        let form = words.lower[first..end].join(" ");
        c.senses
            .iter()
            .chain(&self.groups[m.group].rules.senses)
            .filter(|s| s.forms.is_empty() || s.forms.contains(&form))
            .any(|s| {
                article.find(&s.near, u, (first, end)).is_some()
                    || first > 0 && s.before.touches(words, first - 1, true)
                    || s.after.touches(words, end, false)
            })
    }

    /// A word right before or after an ambiguous acronym that marks its group.
    fn beside(&self, article: &Article, u: usize, m: &Mention) -> Option<Support> {
        let rules = &self.groups[m.group].rules;
        let words = article.words(u);
        let (first, end) = article.word_range(u, m);
        let word = |i: usize| {
            let (s, e) = words.spans[i];
            article.support(u, s, e)
        };
        if first > 0 && rules.beside_before.touches(words, first - 1, true) {
            return Some(word(first - 1));
        }
        // "IS's caliphate": a possessive is never the verb (the word's span holds the 's).
        let raw = &article.units[u].1[m.start..m.end];
        if let Some(p) = ["'s", "’s", "'S", "’S"].iter().find(|p| raw.ends_with(*p)) {
            return Some(article.support(u, m.end - p.len(), m.end));
        }
        (end < words.lower.len() && rules.beside_after.touches(words, end, false))
            .then(|| word(end))
    }

    /// The first full name in the article of a group of `group`'s family.
    fn full_name_in(&self, article: &Article, group: usize) -> Option<Support> {
        let family = &self.groups[group].path.segments()[0];
        article.mentions.iter().enumerate().find_map(|(u, ms)| {
            ms.iter()
                .find(|n| {
                    n.kind == Kind::Name && &self.groups[n.group].path.segments()[0] == family
                })
                .map(|n| article.support(u, n.start, n.end))
        })
    }

    /// A context word (of every group, or of the mention's) near the mention.
    fn context(&self, article: &Article, u: usize, m: &Mention) -> Option<Support> {
        let own = &self.groups[m.group].rules.context;
        article.neighbours(u).into_iter().find_map(|n| {
            let words = article.words(n);
            let skip = if n == u {
                article.word_range(u, m)
            } else {
                (0, 0)
            };
            let (s, e) = article
                .find(own, n, skip)
                .or_else(|| article.find(&self.common.context, n, skip))?;
            Some(article.support(n, words.spans[s].0, words.spans[e - 1].1))
        })
    }
}
