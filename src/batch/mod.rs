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
//! - TREC topics (`.trec`, `.topics`): `<top>` … `<num>` … `<title>` … `<desc>` … `<narr>` …
//!   `</top>`, the query made of the parts a [`TopicField`] names (`--topic-field`).
//!
//! Blank lines and lines starting with `#` are skipped. A bad line is an [`InputError`] naming the
//! file and line, and the other lines still run; running them is [`run`]'s job.

pub mod run;
pub mod trec;

pub use trec::{TopicField, TopicPart};

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
    /// TREC topics: `<top>`, `<num>`, `<title>`, `<desc>`, `<narr>`.
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
    /// Why the query is scored empty without being searched, when the file says so: a TREC
    /// topic without any part `--topic-field` names.
    pub empty: Option<String>,
}

/// A query file read: the good queries in file order and the bad lines.
#[derive(Debug, Clone, Default)]
pub struct QueryFile {
    pub queries: Vec<BatchQuery>,
    pub errors: Vec<InputError>,
    /// What the file lacks that does not stop a query (a topic without one of the parts
    /// `--topic-field` names, run with the others).
    pub warnings: Vec<InputError>,
}

/// Reads a query file; `field` says which parts of a TREC topic make its query. An unreadable
/// file is the error; bad lines are in the result, every one of them (`--strict` lists them
/// all, then runs nothing).
pub fn read_query_file(
    path: &Path,
    format: InputFormat,
    field: &TopicField,
) -> Result<QueryFile, InputError> {
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
    let file = parse_queries(&text, path, format, field);
    if file.queries.is_empty() && file.errors.is_empty() {
        return Err(fail(
            None,
            "no queries in the file (only blank lines and # comments)".into(),
        ));
    }
    Ok(file)
}

/// Parses a query file's text; `path` names it in errors.
pub fn parse_queries(
    text: &str,
    path: &Path,
    format: InputFormat,
    field: &TopicField,
) -> QueryFile {
    let mut sink = Sink {
        path: path.to_path_buf(),
        file: QueryFile::default(),
        seen: HashMap::new(),
    };
    match format {
        InputFormat::Trec => {
            for item in trec::parse(text, field) {
                sink.take(item);
            }
        }
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
    /// Records what the TREC reader found: a topic becomes a query (scored empty when it has
    /// none of the parts asked for), with its warning if it lacks some.
    fn take(&mut self, item: trec::Item) {
        match item {
            trec::Item::Error(line, message) => self.push(line, Err(message)),
            trec::Item::Topic(t) => {
                let parsed = match t.empty {
                    Some(why) => validate_qid(&t.num).map(|()| BatchQuery {
                        qid: t.num,
                        line: t.line,
                        text: String::new(),
                        filters: QueryFilters::default(),
                        hits: None,
                        empty: Some(why),
                    }),
                    None => query(t.line, t.num, &t.text),
                };
                self.push(t.line, parsed);
                if let Some((line, why)) = t.warning {
                    self.warn(line, why);
                }
            }
        }
    }

    fn warn(&mut self, line: usize, message: String) {
        self.file.warnings.push(InputError {
            path: self.path.clone(),
            line: Some(line),
            message,
        });
    }

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
        empty: None,
    })
}

fn plain(line: usize, text: &str) -> BatchQuery {
    BatchQuery {
        qid: line.to_string(),
        line,
        text: text.to_string(),
        filters: QueryFilters::default(),
        hits: None,
        empty: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, format: InputFormat) -> QueryFile {
        parse_queries(text, Path::new("q"), format, &TopicField::default())
    }

    fn trec(text: &str, field: &str) -> QueryFile {
        parse_queries(
            text,
            Path::new("q"),
            InputFormat::Trec,
            &field.parse().unwrap(),
        )
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
                ("302", "Poliomyelitis"),
                ("303", ""),
            ]
        );
        assert_eq!(f.queries[0].line, 3);
        // A topic without the part asked for is kept, to be scored empty, and says why.
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(f.queries[2].line, 13);
        assert_eq!(
            f.queries[2].empty.as_deref(),
            Some("the topic has no <title> (--topic-field title)")
        );
        assert!(f.queries[..2].iter().all(|q| q.empty.is_none()));
    }

    /// TREC-1's topic 51 as the classic files write it: labels after the tags, no closing tag
    /// but </top>, text over several lines, and tags the query never uses between the parts.
    const CLASSIC: &str = "<top>
<head> Tipster Topic Description
<num> Number:  051
<dom> Domain:  International Economics
<title> Topic:  Airbus Subsidies

<desc> Description:
Document will discuss government assistance to Airbus Industrie, or mention a trade
dispute between Airbus and a U.S. aircraft producer over the issue of subsidies.

<smry> Summary:
Document will discuss government assistance to Airbus Industrie.

<narr> Narrative:
A relevant document will cite or discuss assistance to Airbus Industrie by the French,
German, British or Spanish government(s).

<con> Concept(s):
1.  Airbus Industrie
<fac> Factor(s):
<def> Definition(s):
</top>

<top>
<num> Number: 052
<title> Topic: South African Sanctions
<narr> Narrative:
A relevant document will discuss any aspect of South African sanctions.
</top>
";

    #[test]
    fn trec_labels_are_stripped_and_parts_run_to_the_next_tag() {
        let f = trec(CLASSIC, "title");
        assert_eq!(
            ids(&f),
            vec![
                ("051", "Airbus Subsidies"),
                ("052", "South African Sanctions")
            ]
        );
        assert_eq!(f.queries[0].line, 5);
        let f = trec(CLASSIC, "desc");
        assert_eq!(
            f.queries[0].text,
            "Document will discuss government assistance to Airbus Industrie, or mention a trade \
             dispute between Airbus and a U.S. aircraft producer over the issue of subsidies."
        );
        assert_eq!(f.queries[0].line, 7);
        let f = trec(CLASSIC, "narr");
        assert_eq!(
            f.queries[0].text,
            "A relevant document will cite or discuss assistance to Airbus Industrie by the \
             French, German, British or Spanish government(s)."
        );
        assert_eq!(
            f.queries[1].text,
            "A relevant document will discuss any aspect of South African sanctions."
        );
        let f = trec(CLASSIC, "title+desc");
        assert!(
            f.queries[0]
                .text
                .starts_with("Airbus Subsidies Document will discuss")
        );
        assert!(f.queries[0].text.ends_with("issue of subsidies."));
        assert!(f.errors.is_empty(), "{:?}", f.errors);
    }

    #[test]
    fn a_topic_without_a_part_asked_for_is_reported_by_number_never_dropped() {
        // 052 has no <desc>: alone, it is scored empty and says why.
        let f = trec(CLASSIC, "desc");
        assert_eq!(f.queries.len(), 2);
        assert!(f.errors.is_empty() && f.warnings.is_empty());
        let q = &f.queries[1];
        assert_eq!((q.qid.as_str(), q.text.as_str(), q.line), ("052", "", 24));
        assert_eq!(
            q.empty.as_deref(),
            Some("the topic has no <desc> (--topic-field desc)")
        );
        // With the title, it runs on its title, and a warning names the topic.
        let f = trec(CLASSIC, "title+desc");
        assert_eq!(f.queries[1].text, "South African Sanctions");
        assert!(f.queries[1].empty.is_none());
        let warnings: Vec<String> = f.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            ["q:24: topic \"052\" has no <desc>: its query is its <title> only"]
        );
        let f = trec(CLASSIC, "desc+narr+title");
        assert!(
            f.queries[1]
                .text
                .starts_with("A relevant document will discuss")
        );
        assert!(
            f.warnings[0]
                .message
                .contains("its <narr> and <title> only")
        );
    }

    #[test]
    fn trec_closing_tags_and_text_that_looks_like_a_tag() {
        let text = "<top>\n<num>7</num>\n<title>bombing</title>\n<desc>Attacks with\n<5 dead.</desc>\nstray text after a closed tag\n</top>\n";
        let f = trec(text, "title+desc");
        assert_eq!(ids(&f), vec![("7", "bombing Attacks with <5 dead.")]);
        // A <top> before the last one's </top>: the error says so, and both topics are read.
        let f = parse(
            "<top>\n<num> 1\n<title> first\n<top>\n<num> 2\n<title> second\n</top>\n",
            InputFormat::Trec,
        );
        assert_eq!(ids(&f), vec![("1", "first"), ("2", "second")]);
        assert_eq!(f.errors.len(), 1);
        assert_eq!(f.errors[0].line, Some(4));
        assert!(f.errors[0].message.contains("not closed by </top>"));
        // A label is stripped only with its colon.
        let f = trec(
            "<top>\n<num> 8\n<desc> Description of attacks\n</top>\n",
            "desc",
        );
        assert_eq!(ids(&f), vec![("8", "Description of attacks")]);
    }

    #[test]
    fn trec_unclosed_topic_is_an_error() {
        let f = parse("<top>\n<num> 1\n<title> x\n", InputFormat::Trec);
        assert!(f.queries.is_empty());
        assert!(f.errors[0].message.contains("never closed"));
    }

    #[test]
    fn every_bad_line_is_reported_not_only_the_first() {
        let f = parse("a\tx\nbad\nworse\nb\ty\n", InputFormat::Tsv);
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
