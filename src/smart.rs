//! Converting SMART-format test collections (Cranfield, CISI, MEDLINE, ...) to what Talash
//! reads: a JSONL collection, a TSV query file and TREC qrels.
//!
//! SMART files are records: a line `.I <id>` starts one, then marker lines `.T` (title), `.A`
//! (authors), `.B` (source), `.W` (text), `.X`, ... each followed by the field's lines. The
//! judgment files differ between collections (`qid docid grade` for Cranfield, `qid docid 0 0.0`
//! for CISI, `qid 0 docid 1` for MEDLINE), so their columns are described by a pattern.
//! Cranfield's queries are numbered in file order in its judgments, not by their `.I` numbers
//! (see shared/data/cranfield/PROVENANCE.md), hence [`QueryIds::Order`], the default.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::corpus::InputError;

/// One SMART record: its `.I` id, the line it starts on, and its fields by marker letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub line: usize,
    pub fields: BTreeMap<char, String>,
}

impl Record {
    /// A field's lines joined by single spaces ("" when absent).
    pub fn field(&self, marker: char) -> String {
        self.fields
            .get(&marker)
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    }
}

fn fail(path: &Path, line: usize, message: String) -> InputError {
    InputError {
        path: path.to_path_buf(),
        line: Some(line),
        message,
    }
}

/// A field marker line (`.T`, `.W`, ...): its letter.
fn marker(line: &str) -> Option<char> {
    let mut chars = line.chars();
    if chars.next() != Some('.') {
        return None;
    }
    let letter = chars.next().filter(char::is_ascii_uppercase)?;
    chars
        .next()
        .is_none_or(char::is_whitespace)
        .then_some(letter)
}

/// Parses SMART records. Text outside a record or a field is an error naming its line.
pub fn parse_records(text: &str, path: &Path) -> Result<Vec<Record>, InputError> {
    let mut records: Vec<Record> = Vec::new();
    let mut field: Option<char> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end_matches('\r');
        match marker(line) {
            Some('I') => {
                let id = line[2..].trim();
                if id.is_empty() {
                    return Err(fail(path, n, "`.I` needs an id, e.g. `.I 12`".into()));
                }
                records.push(Record {
                    id: id.to_string(),
                    line: n,
                    fields: BTreeMap::new(),
                });
                field = None;
            }
            Some(letter) => {
                let Some(r) = records.last_mut() else {
                    return Err(fail(
                        path,
                        n,
                        format!(".{letter} before the first `.I` record line"),
                    ));
                };
                r.fields.entry(letter).or_default();
                field = Some(letter);
            }
            None if line.trim().is_empty() => {}
            None => match (records.last_mut(), field) {
                (Some(r), Some(f)) => {
                    let t = r.fields.entry(f).or_default();
                    t.push_str(line);
                    t.push('\n');
                }
                _ => {
                    return Err(fail(
                        path,
                        n,
                        "text outside a field: a SMART file is `.I id` records with `.T`, `.A`, `.B`, `.W` field lines".into(),
                    ));
                }
            },
        }
    }
    if records.is_empty() {
        return Err(InputError {
            path: path.to_path_buf(),
            line: None,
            message: "no `.I` records: not a SMART-format file".into(),
        });
    }
    Ok(records)
}

/// How queries are numbered in the judgments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryIds {
    /// 1, 2, 3, ... in file order (Cranfield; also right for CISI and MEDLINE).
    Order,
    /// The `.I` numbers, as written.
    Field,
}

/// The JSONL collection: `{"id", "title", "text", "author"?}` a line.
pub fn docs_jsonl(docs: &[Record]) -> String {
    let mut out = String::new();
    for d in docs {
        let mut obj = serde_json::Map::new();
        obj.insert("id".into(), d.id.clone().into());
        obj.insert("title".into(), d.field('T').into());
        obj.insert("text".into(), d.field('W').into());
        let author = d.field('A');
        if !author.is_empty() {
            obj.insert("author".into(), author.into());
        }
        let _ = writeln!(out, "{}", serde_json::Value::Object(obj));
    }
    out
}

/// A query as bag-of-words text: letters and digits, lower case. Talash's query language gives
/// meaning to `( ) - " :` and upper-case AND/OR/NOT, and the peers' parsers differ again; words
/// alone mean the same to all of them.
pub fn bag_of_words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The query file: `qid<TAB>query` a line, ids as `ids` says. Title and text both count.
pub fn queries_tsv(queries: &[Record], ids: QueryIds, path: &Path) -> Result<String, InputError> {
    let mut out = String::new();
    for (i, q) in queries.iter().enumerate() {
        let qid = match ids {
            QueryIds::Order => (i + 1).to_string(),
            QueryIds::Field => q.id.clone(),
        };
        let text = bag_of_words(&format!("{} {}", q.field('T'), q.field('W')));
        if text.is_empty() {
            return Err(fail(
                path,
                q.line,
                format!("query .I {} has no words", q.id),
            ));
        }
        let _ = writeln!(out, "{qid}\t{text}");
    }
    Ok(out)
}

/// What each column of a judgment line is: `q` query, `d` document, `r` relevance, `_` ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrelsColumns(Vec<char>);

impl std::str::FromStr for QrelsColumns {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let cols: Vec<char> = s.split_whitespace().flat_map(str::chars).collect();
        let count = |c| cols.iter().filter(|&&x| x == c).count();
        if cols.iter().any(|c| !"qdr_".contains(*c))
            || count('q') != 1
            || count('d') != 1
            || count('r') > 1
        {
            return Err(format!(
                "{s:?}: columns are q (query), d (document), r (relevance, optional) and _ (ignored), e.g. \"q d r\" (Cranfield), \"q d _ _\" (CISI), \"q _ d r\" (MEDLINE)"
            ));
        }
        Ok(QrelsColumns(cols))
    }
}

/// Converts judgments to TREC qrels (`qid 0 docid rel`). Without an `r` column every pair is
/// relevant (1); with `binary`, relevance > 0 becomes 1 and the rest 0. Pairs naming an unknown
/// query or document are errors: they mean the ids are misread (e.g. `.I` numbers vs order).
pub fn qrels_trec(
    text: &str,
    path: &Path,
    columns: &QrelsColumns,
    binary: bool,
    known_queries: &HashSet<String>,
    known_docs: &HashSet<String>,
) -> Result<String, InputError> {
    let mut out = String::new();
    let mut seen = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            continue;
        }
        if cols.len() < columns.0.len() {
            return Err(fail(
                path,
                n,
                format!(
                    "{} columns, expected {} ({})",
                    cols.len(),
                    columns.0.len(),
                    columns.0.iter().collect::<String>()
                ),
            ));
        }
        let (mut q, mut d, mut r) = ("", "", None);
        for (role, value) in columns.0.iter().zip(&cols) {
            match role {
                'q' => q = value,
                'd' => d = value,
                'r' => r = Some(*value),
                _ => {}
            }
        }
        let rel: i64 = match r {
            None => 1,
            Some(v) => v
                .parse()
                .map_err(|_| fail(path, n, format!("relevance {v:?} is not a whole number")))?,
        };
        let rel = if binary { i64::from(rel > 0) } else { rel };
        if !known_queries.contains(q) {
            return Err(fail(
                path,
                n,
                format!(
                    "query {q:?} is not in the query file (are queries numbered by file order or by .I? see --query-ids)"
                ),
            ));
        }
        if !known_docs.contains(d) {
            return Err(fail(
                path,
                n,
                format!("document {d:?} is not in the collection"),
            ));
        }
        if !seen.insert((q, d)) {
            return Err(fail(
                path,
                n,
                format!("query {q} and document {d} are judged twice"),
            ));
        }
        let _ = writeln!(out, "{q} 0 {d} {rel}");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = ".I 1\n.T\nwing in a\nslipstream .\n.A\nbrenckman,m.\n.B\nj. ae. 25\n.W\nexperimental study\nof a wing .\n.I 2\n.T\n.W\nshear flow .\n";

    #[test]
    fn records_and_fields() {
        let r = parse_records(DOCS, Path::new("d")).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].field('T'), "wing in a slipstream .");
        assert_eq!(r[0].field('W'), "experimental study of a wing .");
        assert_eq!(r[1].field('T'), "");
        let jsonl = docs_jsonl(&r);
        let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
        assert_eq!(first["author"], "brenckman,m.");
        assert_eq!(first["id"], "1");
    }

    #[test]
    fn queries_are_numbered_by_order_and_cleaned() {
        let q = parse_records(
            ".I 001\r\n.W\r\nwhat (e.g. 2-d) flows?\r\n.I 004\r\n.W\r\nheat .\r\n",
            Path::new("q"),
        )
        .unwrap();
        let tsv = queries_tsv(&q, QueryIds::Order, Path::new("q")).unwrap();
        assert_eq!(tsv, "1\twhat e g 2 d flows\n2\theat\n");
        let tsv = queries_tsv(&q, QueryIds::Field, Path::new("q")).unwrap();
        assert!(tsv.starts_with("001\t"));
    }

    #[test]
    fn qrels_follow_the_column_pattern() {
        let qs: HashSet<String> = ["1".to_string()].into();
        let ds: HashSet<String> = ["5".to_string(), "7".to_string()].into();
        let cols: QrelsColumns = "q d r".parse().unwrap();
        let out = qrels_trec("1 5 2\n1 7 -1\n", Path::new("r"), &cols, false, &qs, &ds).unwrap();
        assert_eq!(out, "1 0 5 2\n1 0 7 -1\n");
        let out = qrels_trec("1 5 2\n1 7 -1\n", Path::new("r"), &cols, true, &qs, &ds).unwrap();
        assert_eq!(out, "1 0 5 1\n1 0 7 0\n");
        let cisi: QrelsColumns = "q d _ _".parse().unwrap();
        let out = qrels_trec(
            "1     5\t0\t0.000000\n",
            Path::new("r"),
            &cisi,
            false,
            &qs,
            &ds,
        )
        .unwrap();
        assert_eq!(out, "1 0 5 1\n");
        let e = qrels_trec("2 5 1\n", Path::new("r"), &cols, false, &qs, &ds).unwrap_err();
        assert!(e.to_string().starts_with("r:1: query \"2\""), "{e}");
        assert!("q q".parse::<QrelsColumns>().is_err());
    }

    #[test]
    fn stray_text_is_an_error() {
        let e = parse_records("hello\n.I 1\n", Path::new("d")).unwrap_err();
        assert_eq!(e.line, Some(1));
    }
}
