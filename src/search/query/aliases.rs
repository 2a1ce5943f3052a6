//! Alias expansion: the pieces of a run of terms, where every group name becomes one piece of
//! the name as typed and the group's aliases (scored as one occurrence of the group, see
//! [`super::Part::Concept`]). Apart from the lexer and the checks in `query.rs` because it is
//! the one part that reads the gazetteer.

use std::collections::BTreeSet;

use super::{Clause, Part, Tok, clean_text, quoted};
use crate::groups::{Gazetteer, MatchMode, normalize_name};

/// A piece of a run of terms: one of its terms, or a group named by some of them.
pub(super) enum Piece {
    /// The term at this index of the run.
    Tok(usize),
    Concept {
        occur: Option<char>,
        group: String,
        /// The name as typed, then the aliases, as text for tantivy's parser.
        alternatives: Vec<String>,
    },
}

impl Piece {
    /// The piece as tantivy query text; a group is the disjunction of its alternatives.
    pub(super) fn render(&self, toks: &[Tok]) -> String {
        match self {
            Piece::Tok(k) => term_text(&toks[*k]),
            Piece::Concept {
                occur,
                alternatives,
                ..
            } => {
                let alts: Vec<String> = alternatives.iter().map(|a| format!("({a})")).collect();
                format!(
                    "{}({})",
                    occur.map(String::from).unwrap_or_default(),
                    alts.join(" OR ")
                )
            }
        }
    }

    pub(super) fn clause(&self, toks: &[Tok]) -> Clause {
        match self {
            Piece::Tok(k) => match &toks[*k] {
                Tok::Term {
                    occur,
                    field,
                    text,
                    quoted: q,
                } => Clause {
                    occur: *occur,
                    part: Part::Text {
                        tantivy: format!(
                            "{}{}",
                            field.as_ref().map(|f| format!("{f}:")).unwrap_or_default(),
                            quoted(text)
                        ),
                        word: (field.is_none() && !q).then(|| clean_text(text)),
                    },
                },
                // Runs hold terms only.
                _ => Clause {
                    occur: None,
                    part: Part::Text {
                        tantivy: String::new(),
                        word: None,
                    },
                },
            },
            Piece::Concept {
                occur,
                group,
                alternatives,
            } => Clause {
                occur: *occur,
                part: Part::Concept {
                    group: group.clone(),
                    alternatives: alternatives.clone(),
                },
            },
        }
    }
}

fn term_text(t: &Tok) -> String {
    match t {
        Tok::Term {
            occur, field, text, ..
        } => format!(
            "{}{}{}",
            occur.map(String::from).unwrap_or_default(),
            field.as_ref().map(|f| format!("{f}:")).unwrap_or_default(),
            quoted(text)
        ),
        _ => String::new(),
    }
}

/// The pieces of the run of terms `toks`: every group name among them becomes a piece of the
/// name as typed and the group's aliases.
pub(super) fn expand(
    toks: &[Tok],
    gazetteer: &Gazetteer,
    expanded: &mut BTreeSet<String>,
) -> Vec<Piece> {
    // Join the run's words, remembering where each starts, to match names across words.
    let mut joined = String::new();
    let mut starts = Vec::new();
    for t in toks {
        if let Tok::Term { text, .. } = t {
            if !joined.is_empty() {
                joined.push(' ');
            }
            starts.push(joined.len());
            joined.push_str(text);
        }
    }
    let single_phrase = matches!(toks, [Tok::Term { quoted: true, .. }]);
    let mentions = gazetteer.mentions(&joined, MatchMode::Query);
    let mut out = Vec::new();
    let mut k = 0;
    for m in mentions {
        let first = starts.iter().rposition(|&s| s <= m.start).unwrap_or(0);
        let last = starts.iter().rposition(|&s| s < m.end).unwrap_or(first);
        // A quoted phrase expands only when it is exactly a group name.
        if first < k
            || (single_phrase && normalize_name(&joined) != normalize_name(&joined[m.start..m.end]))
        {
            continue;
        }
        out.extend((k..first).map(Piece::Tok));
        let group = gazetteer.group(m.group);
        expanded.insert(group.path.to_string());
        let typed: Vec<String> = toks[first..=last]
            .iter()
            .map(|t| match t {
                Tok::Term { text, .. } => quoted(text),
                _ => String::new(),
            })
            .collect();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        seen.insert(normalize_name(&joined[m.start..m.end]));
        let mut alternatives = vec![typed.join(" ")];
        for alias in group.expansion_aliases() {
            if seen.insert(normalize_name(alias)) {
                alternatives.push(quoted(alias));
            }
        }
        let occur = match &toks[first] {
            Tok::Term { occur: Some(o), .. } => Some(*o),
            _ => None,
        };
        out.push(Piece::Concept {
            occur,
            group: group.path.to_string(),
            alternatives,
        });
        k = last + 1;
    }
    out.extend((k..toks.len()).map(Piece::Tok));
    out
}
