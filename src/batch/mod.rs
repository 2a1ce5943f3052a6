//! Batch query files: reading the four formats into queries, each bad line reported on its own.
//!
//! Analysts monitor lists of topics and researchers run whole test collections, so `talash batch`
//! reads a file of queries instead of one query. Four formats are read, chosen by extension or by
//! `--input-format`:
//!
//! - plain text (`.txt`): one query a line; its id is the line number;
//! - TSV (`.tsv`): `qid<TAB>query`;
//! - JSON lines (`.jsonl`): `{"id", "query", "group", "outlet", "since", "until", "hits"}`, the
//!   filters overriding the command line's for that query;
//! - TREC topics (`.trec`, `.topics`): `<top>` … `<num>` … `<title>` … `</top>`.
//!
//! Blank lines and lines starting with `#` are skipped. A bad line is an [`InputError`] naming the
//! file and line, and the other lines still run; running them is [`run`]'s job.

pub mod run;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::corpus::InputError;

/// Most hits one query may ask for (as `talash search --limit`).
pub const MAX_HITS: usize = 10_000;

/// The query-file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One query a line; the id is the line number.
    Text,
    /// `qid<TAB>query` a line.
    Tsv,
    /// One JSON object a line, with per-query filters.
    Jsonl,
    /// TREC topics: `<top>`, `<num>`, `<title>`.
    Trec,
}

impl InputFormat {
    /// The format a file's extension names.
    pub fn from_path(path: &Path) -> Result<InputFormat, String> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "txt" | "text" => Ok(InputFormat::Text),
            "tsv" => Ok(InputFormat::Tsv),
            "jsonl" | "ndjson" | "json" => Ok(InputFormat::Jsonl),
            "trec" | "topics" => Ok(InputFormat::Trec),
            _ => Err(format!(
                "cannot tell the format of {} from its extension {ext:?}; name it *.txt, *.tsv, \
                 *.jsonl or *.trec, or give --input-format text|tsv|jsonl|trec",
                path.display()
            )),
        }
    }
}

/// Filters one query sets for itself; `None` keeps the command line's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryFilters {
    pub groups: Option<Vec<String>>,
    pub outlets: Option<Vec<String>>,
    pub since: Option<String>,
    pub until: Option<String>,
}

/// One query of a query file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchQuery {
    pub qid: String,
    /// 1-based line of the file the query comes from, for error messages.
    pub line: usize,
    pub text: String,
    pub filters: QueryFilters,
    pub hits: Option<usize>,
}

/// A query file read: the good queries in file order and the bad lines.
#[derive(Debug, Clone, Default)]
pub struct QueryFile {
    pub queries: Vec<BatchQuery>,
    pub errors: Vec<InputError>,
}

/// Reads a query file. An unreadable file is the error; bad lines are in the result, every one
/// of them (`--strict` lists them all, then runs nothing).
pub fn read_query_file(path: &Path, format: InputFormat) -> Result<QueryFile, InputError> {
    let fail = |line, message| InputError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| fail(None, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        fail(
            Some(line),
            "invalid UTF-8; save the query file as UTF-8".into(),
        )
    })?;
    let file = parse_queries(&text, path, format);
    if file.queries.is_empty() && file.errors.is_empty() {
        return Err(fail(
            None,
            "no queries in the file (only blank lines and # comments)".into(),
        ));
    }
    Ok(file)
}

/// Parses a query file's text; `path` names it in errors.
pub fn parse_queries(text: &str, path: &Path, format: InputFormat) -> QueryFile {
    let mut sink = Sink {
        path: path.to_path_buf(),
        file: QueryFile::default(),
        seen: HashMap::new(),
    };
    match format {
        InputFormat::Trec => parse_trec(text, &mut sink),
        _ => {
            for (i, line) in text.lines().enumerate() {
                let n = i + 1;
                let t = line.trim();
                if t.is_empty() || t.starts_with('#') {
                    continue;
                }
                let parsed = match format {
                    InputFormat::Text => Ok(plain(n, t)),
                    InputFormat::Tsv => tsv(n, line),
                    _ => jsonl(n, t),
                };
                sink.push(n, parsed);
            }
        }
    }
    sink.file
}

/// Collects queries and errors, checking ids are unique.
struct Sink {
    path: PathBuf,
    file: QueryFile,
    /// qid → the line that used it first.
    seen: HashMap<String, usize>,
}

impl Sink {
    /// Records one line's outcome.
    fn push(&mut self, line: usize, parsed: Result<BatchQuery, String>) {
        let checked = parsed.and_then(|q| match self.seen.get(&q.qid) {
            Some(first) => Err(format!(
                "query id {:?} is already used on line {first}; ids must be unique in a run",
                q.qid
            )),
            None => Ok(q),
        });
        match checked {
            Ok(q) => {
                self.seen.insert(q.qid.clone(), line);
                self.file.queries.push(q);
            }
            Err(message) => {
                self.file.errors.push(InputError {
                    path: self.path.clone(),
                    line: Some(line),
                    message,
                });
            }
        }
    }
}

/// Checks a query id: it becomes a column of a TREC run, so no white space.
pub fn validate_qid(qid: &str) -> Result<(), String> {
    if qid.is_empty() || qid.chars().count() > 100 {
        return Err(format!("query id {qid:?} must be 1 to 100 characters"));
    }
    if qid.chars().any(char::is_whitespace) {
        return Err(format!(
            "query id {qid:?} contains white space; a TREC run needs ids without spaces"
        ));
    }
    Ok(())
}

fn query(line: usize, qid: String, text: &str) -> Result<BatchQuery, String> {
    validate_qid(&qid)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(format!(
            "query {qid:?} is empty; write the query text after the id"
        ));
    }
    Ok(BatchQuery {
        qid,
        line,
        text: text.to_string(),
        filters: QueryFilters::default(),
        hits: None,
    })
}

fn plain(line: usize, text: &str) -> BatchQuery {
    BatchQuery {
        qid: line.to_string(),
        line,
        text: text.to_string(),
        filters: QueryFilters::default(),
        hits: None,
    }
}

fn tsv(line: usize, raw: &str) -> Result<BatchQuery, String> {
    let Some((qid, text)) = raw.split_once('\t') else {
        return Err(
            "no tab: a TSV query line is `qid<TAB>query` (use --input-format text for one query a line)"
                .into(),
        );
    };
    query(line, qid.trim().to_string(), text)
}

/// The keys a JSONL query line may have.
const JSONL_KEYS: &str = "id, query, group, outlet, since, until, hits";

fn jsonl(line: usize, raw: &str) -> Result<BatchQuery, String> {
    let value: Value = serde_json::from_str(raw).map_err(|e| {
        // serde's message ends with "at line 1 column N"; the line is ours to give.
        let what = e.to_string();
        let what = what.rsplit_once(" at line ").map_or(what.as_str(), |w| w.0);
        format!(
            "invalid JSON at column {}: {what}; a query line is an object like {{\"id\": \"q1\", \"query\": \"TTP attack\", \"group\": \"TTP\"}}",
            e.column()
        )
    })?;
    let Value::Object(map) = value else {
        return Err(format!(
            "expected a JSON object with keys {JSONL_KEYS}, found {}",
            type_name(&value)
        ));
    };
    if let Some(bad) = map
        .keys()
        .find(|k| !JSONL_KEYS.split(", ").any(|known| known == k.as_str()))
    {
        return Err(format!("unknown key {bad:?}; the keys are {JSONL_KEYS}"));
    }
    let qid = match map.get("id") {
        None => line.to_string(),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        Some(other) => {
            return Err(format!(
                "\"id\" must be a string or a whole number, found {}",
                type_name(other)
            ));
        }
    };
    let text = match map.get("query") {
        Some(Value::String(s)) => s.as_str(),
        None => return Err("missing \"query\": every line needs the query text".into()),
        Some(other) => {
            return Err(format!(
                "\"query\" must be a string, found {}",
                type_name(other)
            ));
        }
    };
    let mut q = query(line, qid, text)?;
    q.filters = QueryFilters {
        groups: string_list(&map, "group")?,
        outlets: string_list(&map, "outlet")?,
        since: string(&map, "since")?,
        until: string(&map, "until")?,
    };
    q.hits = match map.get("hits") {
        None => None,
        Some(v) => match v.as_u64() {
            Some(n @ 1..) if n as usize <= MAX_HITS => Some(n as usize),
            _ => {
                return Err(format!(
                    "\"hits\" must be a whole number from 1 to {MAX_HITS}, found {v}"
                ));
            }
        },
    };
    Ok(q)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn string(map: &serde_json::Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "{key:?} must be a string, found {}",
            type_name(other)
        )),
    }
}

fn string_list(
    map: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<Option<Vec<String>>, String> {
    let bad = |v: &Value| {
        format!(
            "{key:?} must be a string or a list of strings, found {}",
            type_name(v)
        )
    };
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(|| bad(v)))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(bad(other)),
    }
}

/// A TREC topic being read.
struct Topic {
    start: usize,
    num: Option<String>,
    title: Option<(usize, String)>,
    /// The tag whose text continues on the following lines.
    open: Option<String>,
}

/// Reads TREC topic files: `<num>` and `<title>` inside `<top>` … `</top>`; a tag's text may
/// go on over the next lines, and closing tags (`</title>`) are allowed.
fn parse_trec(text: &str, sink: &mut Sink) {
    let mut topic: Option<Topic> = None;
    let mut last = 0;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        last = n;
        let t = line.trim();
        let Some(top) = topic.as_mut() else {
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if t.starts_with("<top>") {
                topic = Some(Topic {
                    start: n,
                    num: None,
                    title: None,
                    open: None,
                });
                continue;
            }
            let err = format!(
                "expected <top> to start a topic, found {:?}; a TREC topic is <top> <num> ID <title> QUERY </top>",
                clip(t)
            );
            sink.push(n, Err(err));
            continue;
        };
        if t.starts_with("</top>") {
            let done = finish_topic(topic.take(), n);
            sink.push(done.0, done.1);
            continue;
        }
        if let Some(rest) = t.strip_prefix('<').filter(|r| !r.starts_with('/')) {
            let (tag, value) = rest.split_once('>').unwrap_or((rest, ""));
            let tag = tag.trim().to_lowercase();
            let value = strip_closing(value, &tag);
            match tag.as_str() {
                "num" => top.num = Some(strip_label(value, "Number:").to_string()),
                "title" => top.title = Some((n, strip_label(value, "Topic:").to_string())),
                _ => {}
            }
            top.open = Some(tag);
        } else if !t.starts_with("</") && !t.is_empty() {
            // A continuation line of the open tag.
            match top.open.as_deref() {
                Some("title") => {
                    if let Some((_, title)) = top.title.as_mut() {
                        if !title.is_empty() {
                            title.push(' ');
                        }
                        title.push_str(strip_closing(t, "title"));
                    }
                }
                Some("num") if top.num.as_deref().is_some_and(str::is_empty) => {
                    top.num = Some(strip_label(strip_closing(t, "num"), "Number:").to_string());
                }
                _ => {}
            }
        }
    }
    if let Some(top) = topic {
        let err = format!("the <top> on line {} is never closed by </top>", top.start);
        sink.push(last.max(top.start), Err(err));
    }
}

fn finish_topic(topic: Option<Topic>, end: usize) -> (usize, Result<BatchQuery, String>) {
    let Some(top) = topic else {
        return (end, Err("</top> without <top>".into()));
    };
    let Some(num) = top.num.filter(|n| !n.is_empty()) else {
        return (
            top.start,
            Err("topic has no <num>; write <num> Number: ID after <top>".into()),
        );
    };
    match top.title {
        Some((line, title)) => (line, query(line, num, &title)),
        None => (
            top.start,
            Err(format!(
                "topic {num:?} has no <title>; the title is the query that runs"
            )),
        ),
    }
}

fn strip_closing<'a>(value: &'a str, tag: &str) -> &'a str {
    let value = value.trim();
    value
        .strip_suffix(&format!("</{tag}>"))
        .unwrap_or(value)
        .trim()
}

fn strip_label<'a>(value: &'a str, label: &str) -> &'a str {
    let v = value.trim();
    match v.get(..label.len()) {
        Some(head) if head.eq_ignore_ascii_case(label) => v[label.len()..].trim(),
        _ => v,
    }
}

fn clip(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, format: InputFormat) -> QueryFile {
        parse_queries(text, Path::new("q"), format)
    }

    fn ids(f: &QueryFile) -> Vec<(&str, &str)> {
        f.queries
            .iter()
            .map(|q| (q.qid.as_str(), q.text.as_str()))
            .collect()
    }

    #[test]
    fn plain_text_ids_are_line_numbers() {
        let f = parse("# topics\nTTP attack\n\n  Daesh  \n", InputFormat::Text);
        assert_eq!(ids(&f), vec![("2", "TTP attack"), ("4", "Daesh")]);
        assert!(f.errors.is_empty());
    }

    #[test]
    fn tsv_needs_a_tab_and_a_query() {
        let f = parse("a\tTTP\nno tab here\nb\t  \na\tdup\n", InputFormat::Tsv);
        assert_eq!(ids(&f), vec![("a", "TTP")]);
        let msgs: Vec<String> = f.errors.iter().map(|e| e.to_string()).collect();
        assert!(msgs[0].starts_with("q:2: no tab"), "{msgs:?}");
        assert!(msgs[1].starts_with("q:3: query \"b\" is empty"), "{msgs:?}");
        assert!(msgs[2].contains("already used on line 1"), "{msgs:?}");
    }

    #[test]
    fn jsonl_reads_filters_and_reports_bad_values() {
        let text = r#"{"id": "q1", "query": "TTP", "group": ["TTP", "BLA"], "since": "2024", "hits": 5}
{"id": 7, "query": "Daesh", "outlet": "Dawn"}
{"query": "x", "colour": 1}
{"id": "q3", "query": "x", "hits": 0}
{"id": "q4", "query": "x", "group": 3}
not json
[1]
"#;
        let f = parse(text, InputFormat::Jsonl);
        assert_eq!(ids(&f), vec![("q1", "TTP"), ("7", "Daesh")]);
        let q1 = &f.queries[0];
        assert_eq!(q1.filters.groups, Some(vec!["TTP".into(), "BLA".into()]));
        assert_eq!(q1.filters.since.as_deref(), Some("2024"));
        assert_eq!(q1.hits, Some(5));
        assert_eq!(f.queries[1].filters.outlets, Some(vec!["Dawn".into()]));
        let lines: Vec<Option<usize>> = f.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![Some(3), Some(4), Some(5), Some(6), Some(7)]);
        assert!(f.errors[0].message.contains("unknown key \"colour\""));
        assert!(f.errors[1].message.contains("\"hits\" must be"));
        assert!(f.errors[2].message.contains("\"group\" must be"));
        assert!(f.errors[3].message.contains("invalid JSON"));
        assert!(f.errors[4].message.contains("found a list"));
    }

    #[test]
    fn trec_topics_take_num_and_title() {
        let text = "<top>\n<num> Number: 301\n<title> International\nOrganized Crime\n<desc> Description:\nstuff\n</top>\n\n<top>\n<num>302</num>\n<title>Poliomyelitis</title>\n</top>\n<top>\n<num> 303\n</top>\n";
        let f = parse(text, InputFormat::Trec);
        assert_eq!(
            ids(&f),
            vec![
                ("301", "International Organized Crime"),
                ("302", "Poliomyelitis")
            ]
        );
        assert_eq!(f.queries[0].line, 3);
        assert_eq!(f.errors.len(), 1);
        assert!(
            f.errors[0]
                .to_string()
                .starts_with("q:13: topic \"303\" has no <title>")
        );
    }

    #[test]
    fn trec_unclosed_topic_is_an_error() {
        let f = parse("<top>\n<num> 1\n<title> x\n", InputFormat::Trec);
        assert!(f.queries.is_empty());
        assert!(f.errors[0].message.contains("never closed"));
    }

    #[test]
    fn every_bad_line_is_reported_not_only_the_first() {
        let f = parse_queries("a\tx\nbad\nworse\nb\ty\n", Path::new("q"), InputFormat::Tsv);
        assert_eq!(ids(&f), vec![("a", "x"), ("b", "y")]);
        let lines: Vec<Option<usize>> = f.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![Some(2), Some(3)]);
    }

    #[test]
    fn formats_follow_extensions() {
        assert_eq!(
            InputFormat::from_path(Path::new("a/q.JSONL")),
            Ok(InputFormat::Jsonl)
        );
        assert_eq!(
            InputFormat::from_path(Path::new("q.topics")),
            Ok(InputFormat::Trec)
        );
        assert!(
            InputFormat::from_path(Path::new("q.csv"))
                .unwrap_err()
                .contains("--input-format")
        );
    }
}
