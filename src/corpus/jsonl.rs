//! JSON-lines collections: one article a line, `{"id", "title", "text", "date"?, "outlet"?,
//! "author"?, "kind"?, "url"?, "lang"?}`, as public test collections are distributed and as
//! `talash export --to jsonl` writes them (its `groups` key is read and ignored: groups are
//! tagged again from the text).
//!
//! Such files can hold millions of documents, so they are read line by line (never whole), and
//! each line becomes the same [`Article`] a Markdown file does: the text is the body, cut into
//! passages by the same pipeline. A bad line is an [`InputError`] naming the file and line.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::article::{Article, InputError, KINDS, validate_id};
use crate::date::DateSpan;

/// The keys a collection line may have.
pub const KEYS: &[&str] = &[
    "id", "title", "text", "date", "outlet", "author", "kind", "url", "lang", "groups",
];

/// Whether a corpus file is a JSON-lines collection (by extension).
pub fn is_jsonl_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"))
}

/// The articles of a JSONL file, one at a time, in file order.
pub struct JsonlArticles {
    path: PathBuf,
    reader: Box<dyn BufRead>,
    line: usize,
    buf: Vec<u8>,
    /// Unknown keys are reported once per file, not once per line.
    warned_unknown: bool,
    done: bool,
}

impl JsonlArticles {
    pub fn open(path: &Path) -> Result<JsonlArticles, InputError> {
        let file = std::fs::File::open(path).map_err(|e| InputError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read: {e}"),
        })?;
        Ok(Self::from_reader(path, Box::new(BufReader::new(file))))
    }

    pub fn from_reader(path: &Path, reader: Box<dyn BufRead>) -> JsonlArticles {
        JsonlArticles {
            path: path.to_path_buf(),
            reader,
            line: 0,
            buf: Vec::new(),
            warned_unknown: false,
            done: false,
        }
    }

    fn fail(&self, message: String) -> InputError {
        InputError {
            path: self.path.clone(),
            line: Some(self.line),
            message,
        }
    }

    /// Parses the current line.
    fn article(&mut self, text: &str) -> Result<Article, InputError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            let what = e.to_string();
            let what = what.rsplit_once(" at line ").map_or(what.as_str(), |w| w.0);
            self.fail(format!(
                "invalid JSON at column {}: {what}; each line is one object like {{\"id\": \"d1\", \"title\": \"...\", \"text\": \"...\"}}",
                e.column()
            ))
        })?;
        let Value::Object(map) = value else {
            return Err(self.fail(format!(
                "expected a JSON object with keys {}, found {value}",
                KEYS.join(", ")
            )));
        };
        let mut warnings = Vec::new();
        if !self.warned_unknown
            && let Some(k) = map.keys().find(|k| !KEYS.contains(&k.as_str()))
        {
            self.warned_unknown = true;
            warnings.push(format!(
                "{}:{}: unknown key {k:?} ignored (and any further unknown keys in this file); known keys: {}",
                self.path.display(),
                self.line,
                KEYS.join(", ")
            ));
        }
        let get = |key: &str| -> Result<Option<String>, InputError> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
                Some(other) => Err(self.fail(format!("{key:?} must be a string, found {other}"))),
            }
        };
        let id = match map.get("id") {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) if n.is_u64() => n.to_string(),
            None => return Err(self.fail("missing \"id\": every line needs a unique id".into())),
            Some(other) => {
                return Err(self.fail(format!(
                    "\"id\" must be a string or a whole number, found {other}"
                )));
            }
        };
        validate_id(&id).map_err(|m| self.fail(m))?;
        let text = get("text")?.ok_or_else(|| {
            self.fail(format!(
                "article {id:?} has no \"text\"; the text is what gets indexed"
            ))
        })?;
        let date = get("date")?
            .filter(|d| !d.is_empty())
            .map(|d| DateSpan::parse(&d))
            .transpose()
            .map_err(|m| self.fail(format!("\"date\": {m}")))?;
        let kind = get("kind")?.filter(|k| !k.is_empty());
        if let Some(k) = &kind
            && !KINDS.contains(&k.as_str())
        {
            return Err(self.fail(format!(
                "\"kind\" {k:?} is not one of: {}",
                KINDS.join(", ")
            )));
        }
        let non_empty = |v: Option<String>| v.filter(|s| !s.is_empty());
        Ok(Article {
            id,
            // Some collections (MEDLINE) have no titles; the text is still searchable.
            title: get("title")?.unwrap_or_default(),
            outlet: non_empty(get("outlet")?),
            date,
            author: non_empty(get("author")?),
            kind,
            source_note: None,
            url: non_empty(get("url")?),
            lang: non_empty(get("lang")?),
            body: text,
            body_line: self.line,
            path: self.path.clone(),
            warnings,
        })
    }
}

impl Iterator for JsonlArticles {
    type Item = Result<Article, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buf.clear();
            self.line += 1;
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => self.done = true,
                Ok(_) => {
                    let bytes = std::mem::take(&mut self.buf);
                    let result = match std::str::from_utf8(&bytes) {
                        Err(e) => Err(self.fail(format!(
                            "invalid UTF-8 at byte {} of the line; save the collection as UTF-8",
                            e.valid_up_to()
                        ))),
                        Ok(text) if text.trim().is_empty() => {
                            self.buf = bytes;
                            continue;
                        }
                        Ok(text) => self.article(text),
                    };
                    self.buf = bytes;
                    return Some(result);
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(self.fail(format!("cannot read: {e}"))));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Result<Article, InputError>> {
        JsonlArticles::from_reader(
            Path::new("c.jsonl"),
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        )
        .collect()
    }

    #[test]
    fn reads_articles_line_by_line() {
        let all = read(
            "{\"id\": 1, \"title\": \"T\", \"text\": \"Body.\", \"date\": \"2024-05\", \"outlet\": \"Dawn\", \"extra\": 1}\n\n{\"id\": \"b\", \"text\": \"No title.\"}\n",
        );
        assert_eq!(all.len(), 2);
        let a = all[0].as_ref().unwrap();
        assert_eq!(a.id, "1");
        assert_eq!(a.body, "Body.");
        assert_eq!(a.date.unwrap().to_string(), "2024-05");
        assert_eq!(a.outlet.as_deref(), Some("Dawn"));
        assert!(a.warnings[0].starts_with("c.jsonl:1: unknown key \"extra\""));
        let b = all[1].as_ref().unwrap();
        assert_eq!((b.id.as_str(), b.title.as_str(), b.body_line), ("b", "", 3));
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let all = read(concat!(
            "{\"id\": \"a\", \"text\": \"x\"}\n",
            "{\"id\": \"a b\", \"text\": \"x\"}\n",
            "{\"id\": \"c\"}\n",
            "{\"id\": \"d\", \"text\": \"x\", \"date\": \"2024-13\"}\n",
            "not json\n",
            "{\"text\": \"x\"}\n",
        ));
        let errs: Vec<String> = all
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errs.len(), 5, "{errs:?}");
        assert!(errs[0].starts_with("c.jsonl:2: id \"a b\""), "{errs:?}");
        assert!(errs[1].starts_with("c.jsonl:3: article \"c\" has no \"text\""));
        assert!(errs[2].starts_with("c.jsonl:4: \"date\": invalid date"));
        assert!(errs[3].starts_with("c.jsonl:5: invalid JSON at column"));
        assert!(errs[4].starts_with("c.jsonl:6: missing \"id\""));
    }

    #[test]
    fn invalid_utf8_is_a_line_error() {
        let mut bytes = b"{\"id\": \"a\", \"text\": \"x\"}\n".to_vec();
        bytes.extend_from_slice(b"{\"id\": \"b\", \"text\": \"\xff\"}\n");
        let all: Vec<_> =
            JsonlArticles::from_reader(Path::new("c.jsonl"), Box::new(std::io::Cursor::new(bytes)))
                .collect();
        assert!(all[0].is_ok());
        let e = all[1].as_ref().unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
