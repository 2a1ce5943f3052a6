//! The query language: lexing, validation, alias expansion, and a safe rewrite for tantivy.
//!
//! Talash reads the user's query itself before tantivy does, for three reasons: errors must say
//! what is wrong in the user's terms (an unbalanced quote at column 12, an unknown field and the
//! valid ones); group aliases must be expanded (`Daesh` also searches "Da’ish", "ISIS", ...);
//! and tantivy's grammar gives meaning to characters (`^ * [ ] { } ~ ! \`) that users paste
//! from articles. Every word and phrase is re-emitted quoted, so only the syntax documented here
//! reaches tantivy: words, "phrases", AND / OR / NOT, (grouping), +required, -excluded,
//! field:word and field:"phrase". A `Word:` whose Word is not a field of the schema is text
//! (`ISLAMABAD: Pakistan ...`, `Note:TTP`, `http://...`), so pasted sentences are safe.
//!
//! [`Syntax::Words`] reads a line as words only (what `talash batch` does with query files by
//! default): no character is syntax, so nothing a line holds can make it fail.
//!
//! A query without operators or parentheses (the common case, and every words query) is also
//! given as [`Clause`]s, which the engine weighs: repeated analysed terms merged and weighted
//! by 1 + ln(count), a group's aliases scored as one occurrence of the group.
//!
//! Size: lexing, the checks and the clause list are one pass over one token list, and their
//! unit tests (alias expansion's too) are kept beside them; alias expansion itself is in
//! [`aliases`].

use std::collections::BTreeSet;

use crate::groups::Gazetteer;

mod aliases;
use aliases::{Piece, expand};

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

/// Splits `word` into an optional `field:` prefix and the rest; a prefix that names no field
/// in `fields` is not split off (`ISLAMABAD:`, `Note:TTP`, `http://...` are text).
fn split_field<'a>(word: &'a str, fields: &[&str]) -> (Option<&'a str>, &'a str) {
    if let Some((f, rest)) = word.split_once(':')
        && fields.contains(&f)
    {
        return (Some(f), rest);
    }
    (None, word)
}

/// A word or phrase term without occur or field.
fn text_term(occur: Option<char>, text: String, quoted: bool) -> Tok {
    Tok::Term {
        occur,
        field: None,
        text,
        quoted,
    }
}

/// The query read as words only: every whitespace-separated chunk is a word, whatever it
/// holds (quotes, parentheses, `:`, `-`, AND/OR/NOT are text).
fn lex_words(query: &str) -> Vec<Tok> {
    query
        .split_whitespace()
        .map(|w| text_term(None, w.to_string(), false))
        .collect()
}

fn lex(query: &str, fields: &[&str]) -> Result<Vec<Tok>, String> {
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
            let mut field = prefix.strip_suffix(':').map(str::to_string);
            // `Note:"a phrase"`: not a field, so the word before the colon is text too.
            if let Some(f) = field.take_if(|f| !f.is_empty() && !fields.contains(&f.as_str())) {
                toks.push(text_term(occur, f, false));
            }
            toks.push(Tok::Term {
                occur,
                field: field.filter(|f| !f.is_empty()),
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
                let (field, text) = split_field(&prefix, fields);
                match (field, text.split_once(':')) {
                    // `Note:TTP`, `http://...`: two words, the colon is not syntax.
                    (None, Some((head, rest))) if !head.is_empty() => {
                        toks.push(text_term(occur, head.to_string(), false));
                        toks.push(text_term(occur, rest.to_string(), false));
                    }
                    _ => toks.push(Tok::Term {
                        occur,
                        field: field.map(str::to_string),
                        text: text.to_string(),
                        quoted: false,
                    }),
                }
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

/// How a query's text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Syntax {
    /// The query language: phrases, operators, fields, prefixes.
    #[default]
    Talash,
    /// Words only: no character is syntax; a hyphenated word is its words, not a phrase.
    Words,
}

/// A checked query, rewritten for tantivy's parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    pub tantivy: String,
    /// Groups whose aliases were added, by path (for `--explain`-style messages and tests).
    pub expanded: Vec<String>,
    /// The query as a list of clauses, when it has no operators or parentheses: the engine
    /// builds and weighs these itself (see [`Clause`]); `None` leaves it to tantivy's parser.
    pub flat: Option<Vec<Clause>>,
}

/// One top-level clause of a query without operators or parentheses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// `+` (required), `-` (excluded) or none.
    pub occur: Option<char>,
    pub part: Part,
}

/// What a [`Clause`] searches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A word, a phrase or `field:term`, as text for tantivy's parser (without the occur).
    /// `word` is the bare word as typed, when it is one (not quoted, no field).
    Text {
        tantivy: String,
        word: Option<String>,
    },
    /// A group named in the query: the name as typed and the group's aliases, each as text
    /// for tantivy's parser; scored as one occurrence of the group, not as extra words.
    Concept {
        group: String,
        alternatives: Vec<String>,
    },
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
    rewrite_as(query, fields, gazetteer, Syntax::Talash)
}

/// [`rewrite`], reading the query in `syntax`. In [`Syntax::Words`] the only errors are a
/// query without any word (empty, or punctuation only).
pub fn rewrite_as(
    query: &str,
    fields: &[&str],
    gazetteer: &Gazetteer,
    syntax: Syntax,
) -> Result<Rewritten, String> {
    let n = query.chars().count();
    if n > MAX_QUERY_CHARS && syntax == Syntax::Talash {
        return Err(format!(
            "the query is {n} characters long; at most {MAX_QUERY_CHARS} are accepted"
        ));
    }
    let query: String = query
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let toks = match syntax {
        Syntax::Talash => lex(&query, fields)?,
        Syntax::Words => lex_words(&query),
    };
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
    let is_flat = toks.iter().all(|t| matches!(t, Tok::Term { .. }));
    let mut flat = Vec::new();
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
                let slice = &toks[i..i + run];
                let pieces = if field.is_none() {
                    expand(slice, gazetteer, &mut expanded)
                } else {
                    vec![Piece::Tok(0)]
                };
                for p in pieces {
                    out.push(p.render(slice));
                    if is_flat {
                        flat.push(p.clause(slice));
                    }
                }
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
        flat: is_flat.then_some(flat),
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
    fn a_word_before_a_colon_is_text_unless_it_is_a_field() {
        assert_eq!(
            rw("ISLAMABAD: Pakistan").unwrap().tantivy,
            "\"ISLAMABAD\" \"Pakistan\""
        );
        let r = rw("Note:TTP threat").unwrap();
        assert!(
            r.tantivy.starts_with("\"Note\" ((\"TTP\") OR ") && r.tantivy.ends_with(" \"threat\""),
            "{}",
            r.tantivy
        );
        assert_eq!(r.expanded, ["TTP"]);
        assert_eq!(
            rw("http://dawn.com/news").unwrap().tantivy,
            "\"http\" \"//dawn.com/news\""
        );
        assert_eq!(
            rw("byline:\"Kamran Yousaf\"").unwrap().tantivy,
            "\"byline\" \"Kamran Yousaf\""
        );
        assert_eq!(rw("title:Kabul").unwrap().tantivy, "title:\"Kabul\"");
        assert_eq!(
            rw("-text:\"a b\" x").unwrap().tantivy,
            "-text:\"a b\" \"x\""
        );
    }

    fn words(q: &str) -> Result<Rewritten, String> {
        rewrite_as(q, &["title", "text"], &gaz(), Syntax::Words)
    }

    #[test]
    fn words_have_no_syntax_and_never_fail_on_a_word() {
        for q in [
            "nutrition: a (+) claim 1) AND NOT -x",
            "\"unbalanced (open",
            "title:x OR",
            "boundary-layer ) ((",
        ] {
            let r = words(q).unwrap();
            let clauses = r.flat.expect("words are flat");
            assert!(
                clauses.iter().all(|c| c.occur.is_none()),
                "{q:?}: no + or - in words: {clauses:?}"
            );
            assert!(
                clauses
                    .iter()
                    .all(|c| matches!(&c.part, Part::Text { word: Some(_), .. })),
                "{q:?}: every clause is a bare word: {clauses:?}"
            );
        }
        assert!(words("(+) ... ---").unwrap_err().contains("no word"));
        assert!(words("   ").unwrap_err().contains("empty"));
        assert!(
            words(&"a ".repeat(MAX_QUERY_CHARS)).is_ok(),
            "no length limit"
        );
    }

    #[test]
    fn flat_queries_are_clauses_and_groups_are_one_concept() {
        let r = rw("designation BLA").unwrap();
        let flat = r.flat.unwrap();
        assert_eq!(flat.len(), 2, "{flat:?}");
        let Part::Concept {
            group,
            alternatives,
        } = &flat[1].part
        else {
            panic!("{flat:?}")
        };
        assert_eq!(group, "BLA");
        assert_eq!(alternatives[0], "\"BLA\"");
        assert!(
            alternatives
                .iter()
                .any(|a| a == "\"Balochistan Liberation Army\"")
        );
        assert!(
            rw("a OR b").unwrap().flat.is_none(),
            "operators: the parser's"
        );
        assert!(rw("(a b)").unwrap().flat.is_none());
        let flat = rw("+a -b \"c d\" title:e").unwrap().flat.unwrap();
        let occurs: Vec<Option<char>> = flat.iter().map(|c| c.occur).collect();
        assert_eq!(occurs, [Some('+'), Some('-'), None, None]);
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
