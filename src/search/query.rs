//! The query language: lexing, validation, alias expansion, and a safe rewrite for tantivy.
//!
//! Talash reads the user's query itself before tantivy does, for three reasons: errors must say
//! what is wrong in the user's terms (an unbalanced quote at column 12, an unknown field and the
//! valid ones); group aliases must be expanded (`Daesh` also searches "Da’ish", "ISIS", ...);
//! and tantivy's grammar gives meaning to characters (`^ * [ ] { } ~ ! \`) that users paste
//! from articles. Every word and phrase is re-emitted quoted, so only the syntax documented here
//! reaches tantivy: words, "phrases", AND / OR / NOT, (grouping), +required, -excluded,
//! field:word and field:"phrase".

use std::collections::BTreeSet;

use crate::groups::{Gazetteer, MatchMode, normalize_name};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 10_000;
/// Deepest parenthesis nesting accepted.
pub const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A word or a quoted phrase, with its optional `+`/`-` and `field:`.
    Term {
        occur: Option<char>,
        field: Option<String>,
        text: String,
        quoted: bool,
    },
    Op(&'static str),
    Open(Option<char>),
    Close,
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '"' | '(' | ')')
}

/// Splits `word` into an optional `field:` prefix and the rest.
fn split_field(word: &str) -> (Option<&str>, &str) {
    if let Some((f, rest)) = word.split_once(':') {
        let ident = !f.is_empty()
            && f.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ident {
            return (Some(f), rest);
        }
    }
    (None, word)
}

fn lex(query: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<(usize, char)> = query.char_indices().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut depth = 0usize;
    while i < chars.len() {
        let (_, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let col = i + 1;
        match c {
            ')' => {
                if depth == 0 {
                    return Err(format!(
                        "unbalanced parenthesis: the ')' at column {col} closes nothing"
                    ));
                }
                depth -= 1;
                toks.push(Tok::Close);
                i += 1;
                continue;
            }
            '(' | '+' | '-' if c == '(' || chars.get(i + 1).is_some_and(|&(_, n)| n == '(') => {
                let occur = (c != '(').then_some(c);
                i += if c == '(' { 1 } else { 2 };
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!("parentheses nest deeper than {MAX_DEPTH} levels"));
                }
                toks.push(Tok::Open(occur));
                continue;
            }
            _ => {}
        }
        // A term: [+-]? (field:)? ( "phrase" | word )
        let mut j = i;
        let occur = match c {
            '+' | '-' => {
                j += 1;
                Some(c)
            }
            _ => None,
        };
        let word_start = j;
        while j < chars.len() && is_word_char(chars[j].1) {
            j += 1;
        }
        let prefix: String = chars[word_start..j].iter().map(|(_, c)| c).collect();
        if j < chars.len() && chars[j].1 == '"' && (prefix.is_empty() || prefix.ends_with(':')) {
            let close = chars[j + 1..]
                .iter()
                .position(|&(_, c)| c == '"')
                .ok_or_else(|| {
                    format!(
                        "unbalanced quote: the '\"' at column {} is never closed",
                        j + 1
                    )
                })?;
            let text: String = chars[j + 1..j + 1 + close].iter().map(|(_, c)| c).collect();
            let field = prefix.strip_suffix(':').map(str::to_string);
            toks.push(Tok::Term {
                occur,
                field,
                text,
                quoted: true,
            });
            i = j + close + 2;
            continue;
        }
        if j < chars.len() && chars[j].1 == '"' {
            return Err(format!(
                "a quote at column {} is glued to a word; put a space before the phrase",
                j + 1
            ));
        }
        i = j;
        if prefix.is_empty() {
            // A lone '+' or '-'.
            continue;
        }
        match (occur, prefix.as_str()) {
            (None, "AND") => toks.push(Tok::Op("AND")),
            (None, "OR") => toks.push(Tok::Op("OR")),
            (None, "NOT") => toks.push(Tok::Op("NOT")),
            _ => {
                let (field, text) = split_field(&prefix);
                toks.push(Tok::Term {
                    occur,
                    field: field.map(str::to_string),
                    text: text.to_string(),
                    quoted: false,
                });
            }
        }
    }
    if depth > 0 {
        return Err("unbalanced parenthesis: a '(' is never closed".into());
    }
    Ok(toks)
}

/// The query as echoed in messages: quoted and escaped (control characters cannot reach the
/// terminal), and shortened, so a 100,000-character query does not flood the error.
pub fn shown(query: &str) -> String {
    const SHOWN_CHARS: usize = 80;
    let n = query.chars().count();
    if n <= SHOWN_CHARS {
        return format!("{query:?}");
    }
    let head: String = query.chars().take(SHOWN_CHARS).collect();
    format!("{head:?}… ({n} characters)")
}

/// A checked query, rewritten for tantivy's parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    pub tantivy: String,
    /// Groups whose aliases were added, by path (for `--explain`-style messages and tests).
    pub expanded: Vec<String>,
}

/// Words of a term after dropping characters the analyzer ignores anyway; `"` and `\` would be
/// syntax inside tantivy's quotes.
fn clean_text(text: &str) -> String {
    text.chars()
        .map(|c| if c == '"' || c == '\\' { ' ' } else { c })
        .collect()
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", clean_text(text).trim())
}

fn has_words(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// Checks the query and rewrites it: fields checked against `fields`, aliases expanded.
pub fn rewrite(query: &str, fields: &[&str], gazetteer: &Gazetteer) -> Result<Rewritten, String> {
    let n = query.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(format!(
            "the query is {n} characters long; at most {MAX_QUERY_CHARS} are accepted"
        ));
    }
    let query: String = query
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let toks = lex(&query)?;
    for t in &toks {
        if let Tok::Term { field: Some(f), .. } = t
            && !fields.contains(&f.as_str())
        {
            return Err(format!(
                "unknown field {f:?} in the query; searchable fields are: {}",
                fields.join(", ")
            ));
        }
    }
    let any_term = toks.iter().any(|t| matches!(t, Tok::Term { .. }));
    // Terms without words (punctuation, `""`) would vanish from the rewrite and leave its
    // operators and parentheses without operands; drop them before the checks see them.
    let toks: Vec<Tok> = toks
        .into_iter()
        .filter(|t| !matches!(t, Tok::Term { text, .. } if !has_words(text)))
        .collect();
    check_positive(&toks).map_err(|missing| match (missing, any_term) {
        (Missing::Query, true) => {
            "the query has no word to search for (only excluded terms or punctuation); add a word"
                .to_string()
        }
        (Missing::Query, false) => {
            "the query is empty; give at least one word to search for".into()
        }
        (Missing::Group, _) => "a group in parentheses has no word to search for (only \
                                excluded terms); add one inside it, or exclude the whole \
                                group with -( )"
            .into(),
        (Missing::Empty, _) => {
            "empty parentheses: put at least one word inside them, or remove them".into()
        }
    })?;
    let mut out = Vec::new();
    let mut expanded = BTreeSet::new();
    let mut i = 0;
    let mut prev_not = false;
    while i < toks.len() {
        match &toks[i] {
            Tok::Op(op) => {
                if matches!(
                    toks.get(i + 1),
                    None | Some(Tok::Op("AND" | "OR")) | Some(Tok::Close)
                ) || (*op != "NOT" && (out.is_empty() || prev_is_open(&toks, i)))
                {
                    return Err(format!("the operator {op} needs a term on each side"));
                }
                if *op == "NOT"
                    && matches!(
                        toks.get(i + 1),
                        Some(Tok::Term { occur: Some(_), .. }) | Some(Tok::Open(Some(_)))
                    )
                {
                    return Err(
                        "NOT cannot be followed by + or - (NOT -word excludes twice, \
                                NOT +word contradicts itself); write NOT word, or -word"
                            .into(),
                    );
                }
                out.push(op.to_string());
                prev_not = *op == "NOT";
                i += 1;
                continue;
            }
            Tok::Open(occur) => {
                out.push(format!("{}(", occur.map(String::from).unwrap_or_default()))
            }
            Tok::Close => out.push(")".into()),
            Tok::Term {
                occur,
                field,
                text,
                quoted: q,
            } => {
                if !has_words(text) {
                    if prev_not {
                        return Err("NOT must be followed by a word".into());
                    }
                    i += 1;
                    continue;
                }
                // A run of bare words may hold a multi-word alias ("Pakistani Taliban").
                let run = if occur.is_none() && field.is_none() && !q {
                    bare_run(&toks[i..])
                } else {
                    1
                };
                let pieces = if field.is_none() {
                    expand(&toks[i..i + run], gazetteer, &mut expanded)
                } else {
                    vec![term_text(&toks[i])]
                };
                out.extend(pieces);
                i += run;
                prev_not = false;
                continue;
            }
        }
        prev_not = false;
        i += 1;
    }
    Ok(Rewritten {
        tantivy: out.join(" "),
        expanded: expanded.into_iter().collect(),
    })
}

/// What [`check_positive`] found missing.
enum Missing {
    /// The whole query has no word that is not excluded.
    Query,
    /// A group in parentheses has none.
    Group,
    /// A group in parentheses is empty.
    Empty,
}

/// Checks that the query, and each group in it, has a word that is not excluded (by `-` or
/// NOT): a search for only excluded words matches nothing, and tantivy refuses it.
fn check_positive(toks: &[Tok]) -> Result<(), Missing> {
    struct Level {
        negated: bool,
        positive: bool,
        empty: bool,
    }
    let mut levels = vec![Level {
        negated: false,
        positive: false,
        empty: true,
    }];
    let mut prev_not = false;
    for t in toks {
        let negated = prev_not;
        prev_not = matches!(t, Tok::Op("NOT"));
        if let Some(level) = levels.last_mut() {
            level.empty &= matches!(t, Tok::Close);
        }
        match t {
            Tok::Term { occur, .. } if *occur != Some('-') && !negated => {
                if let Some(level) = levels.last_mut() {
                    level.positive = true;
                }
            }
            Tok::Open(occur) => levels.push(Level {
                negated: negated || *occur == Some('-'),
                positive: false,
                empty: true,
            }),
            Tok::Close => {
                let Some(group) = levels.pop() else {
                    continue;
                };
                if group.empty {
                    return Err(Missing::Empty);
                }
                if !group.positive {
                    return Err(Missing::Group);
                }
                if let Some(level) = levels.last_mut() {
                    level.positive |= !group.negated;
                }
            }
            _ => {}
        }
    }
    match levels.first() {
        Some(l) if l.positive => Ok(()),
        _ => Err(Missing::Query),
    }
}

fn prev_is_open(toks: &[Tok], i: usize) -> bool {
    i > 0 && matches!(toks[i - 1], Tok::Open(_) | Tok::Op(_))
}

/// How many tokens from the start are bare words (no prefix, field or quotes).
fn bare_run(toks: &[Tok]) -> usize {
    toks.iter()
        .take_while(|t| {
            matches!(
                t,
                Tok::Term {
                    occur: None,
                    field: None,
                    quoted: false,
                    ..
                }
            )
        })
        .count()
        .max(1)
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

/// Emits the terms `toks`, replacing every group name among them by a disjunction of the name
/// as typed and the group's aliases.
fn expand(toks: &[Tok], gazetteer: &Gazetteer, expanded: &mut BTreeSet<String>) -> Vec<String> {
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
        out.extend(toks[k..first].iter().map(term_text));
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
        let mut alts = vec![format!("({})", typed.join(" "))];
        for alias in group.expansion_aliases() {
            if seen.insert(normalize_name(alias)) {
                alts.push(quoted(alias));
            }
        }
        let occur = match &toks[first] {
            Tok::Term { occur: Some(o), .. } => o.to_string(),
            _ => String::new(),
        };
        out.push(format!("{occur}({})", alts.join(" OR ")));
        k = last + 1;
    }
    out.extend(toks[k..].iter().map(term_text));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaz() -> Gazetteer {
        Gazetteer::from_toml(crate::groups::DEFAULT_GAZETTEER, "g").unwrap()
    }

    fn rw(q: &str) -> Result<Rewritten, String> {
        rewrite(q, &["title", "text"], &gaz())
    }

    #[test]
    fn plain_words_are_quoted() {
        assert_eq!(
            rw("counterterrorism dialogue").unwrap().tantivy,
            "\"counterterrorism\" \"dialogue\""
        );
        assert_eq!(rw("a^2 b*").unwrap().tantivy, "\"a^2\" \"b*\"");
    }

    #[test]
    fn operators_phrases_fields_and_prefixes_survive() {
        let r = rw("\"joint statement\" AND NOT title:washington -police +(trust OR security)")
            .unwrap();
        assert_eq!(
            r.tantivy,
            "\"joint statement\" AND NOT title:\"washington\" -\"police\" +( \"trust\" OR \"security\" )"
        );
    }

    #[test]
    fn aliases_expand() {
        let r = rw("Daesh").unwrap();
        assert_eq!(r.expanded, vec!["ISIS"]);
        assert!(r.tantivy.contains("\"Da’ish\""), "{}", r.tantivy);
        assert!(
            !r.tantivy.contains("\"IS\""),
            "ambiguous acronym not expanded: {}",
            r.tantivy
        );
        let r = rw("Pakistani Taliban attacks").unwrap();
        assert_eq!(r.expanded, vec!["TTP"]);
        assert!(
            r.tantivy.starts_with("((\"Pakistani\" \"Taliban\") OR "),
            "{}",
            r.tantivy
        );
        assert!(r.tantivy.ends_with(" \"attacks\""), "{}", r.tantivy);
        assert!(r.tantivy.contains("\"TTP\""));
        let r = rw("ISKP").unwrap();
        assert!(r.tantivy.contains("\"ISIS-Khorasan\""), "{}", r.tantivy);
        let r = rw("-daesh talks").unwrap();
        assert!(r.tantivy.starts_with("-((\"daesh\") OR"), "{}", r.tantivy);
        let r = rw("\"Pakistani Taliban\"").unwrap();
        assert_eq!(r.expanded, vec!["TTP"]);
        let r = rw("\"Pakistani Taliban leaders\"").unwrap();
        assert!(r.expanded.is_empty(), "a longer phrase is not a name");
        assert!(rw("title:ttp").unwrap().expanded.is_empty());
        assert!(rw("what is let").unwrap().expanded.is_empty());
    }

    #[test]
    fn malformed_queries_get_clear_errors() {
        let cases = [
            ("\"unbalanced", "unbalanced quote"),
            ("(a OR b", "never closed"),
            ("a)", "closes nothing"),
            ("author:kamran", "unknown field \"author\""),
            ("", "empty"),
            ("   ", "empty"),
            ("-ttp", "no word to search for"),
            ("a OR", "needs a term"),
            ("AND a", "needs a term"),
            ("x\"y\"", "glued"),
            // Found by `cargo fuzz run query`: these reached tantivy as "( )", "a OR".
            ("(((\0\0)x))", "empty parentheses"),
            ("-(a) NOT (b)", "no word to search for"),
            ("x ()", "empty parentheses"),
            ("a OR \"\"", "needs a term"),
            ("a OR ...", "needs a term"),
            ("+\u{5}\0 NOT c", "no word to search for"),
            ("a (NOT b)", "a group in parentheses has no word"),
            ("x NOT -y", "excludes twice"),
            ("+(a KR b) NOT -|iskp|c", "excludes twice"),
            ("NOT +7(b) NOT (b) x", "NOT cannot be followed by + or -"),
        ];
        for (q, want) in cases {
            let err = rw(q).unwrap_err();
            assert!(err.contains(want), "{q:?}: {err}");
        }
        assert!(
            rw(&"a".repeat(MAX_QUERY_CHARS + 1))
                .unwrap_err()
                .contains("at most")
        );
        assert!(rw(&"(".repeat(40)).unwrap_err().contains("nest"));
    }

    #[test]
    fn long_queries_are_shortened_in_messages() {
        assert_eq!(shown("a\u{1b}b"), "\"a\\u{1b}b\"");
        let long = "x".repeat(100_000);
        let s = shown(&long);
        assert!(s.len() < 120 && s.ends_with("… (100000 characters)"), "{s}");
    }

    #[test]
    fn control_characters_are_spaces() {
        assert_eq!(rw("a\u{0}b\tc").unwrap().tantivy, "\"a\" \"b\" \"c\"");
    }
}
