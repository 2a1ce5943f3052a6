//! One article: TOML front matter between `+++` fences, then a Markdown body.

use std::path::{Path, PathBuf};

use toml::Value;

use crate::date::DateSpan;

/// The kinds of article the front matter may state.
pub const KINDS: &[&str] = &["news", "editorial", "op-ed", "analysis", "report", "other"];

/// The front-matter keys Talash reads; others are kept out of the index with a warning.
pub const KEYS: &[&str] = &[
    "id",
    "title",
    "outlet",
    "date",
    "author",
    "kind",
    "source_note",
];

/// A parsed article. The body is kept as written; cleaning and cutting happen later.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub outlet: Option<String>,
    pub date: Option<DateSpan>,
    pub author: Option<String>,
    pub kind: Option<String>,
    pub source_note: Option<String>,
    /// The page's address (saved web pages and web archives; `None` for other articles).
    pub url: Option<String>,
    /// The language the page declares (`en`, `fr-FR`), as written.
    pub lang: Option<String>,
    pub body: String,
    /// 1-based line of the file where the body starts, so errors can point into it.
    pub body_line: usize,
    pub path: PathBuf,
    /// Things worth telling the user that do not stop indexing (unknown keys).
    pub warnings: Vec<String>,
}

/// An error in one input file, with the line when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// Whether `id` is usable as an article id: it goes into passage ids and TREC runs, so no
/// white space and no `#`.
pub fn validate_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > 200 {
        return Err(format!("id {id:?} must be 1 to 200 characters"));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "id {id:?} contains {c:?}; use letters, digits, '-', '_' and '.' only"
        ));
    }
    Ok(())
}

struct FrontMatter<'a> {
    toml: &'a str,
    body: &'a str,
    body_line: usize,
}

/// Splits `+++` front matter from the body. Lines are counted from 1.
fn split_front_matter(text: &str) -> Result<FrontMatter<'_>, (Option<usize>, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Err((
            Some(1),
            "missing front matter: an article starts with a line `+++`, then TOML keys \
             (id, title, outlet, date, ...), then another `+++` line, then the body \
             (see corpus/README.md)"
                .into(),
        ));
    }
    let start = first.len();
    let mut offset = start;
    for (i, line) in lines.enumerate() {
        if line.trim_end() == "+++" {
            return Ok(FrontMatter {
                toml: &text[start..offset],
                body: &text[offset + line.len()..],
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err((
        Some(1),
        "front matter opened with `+++` on line 1 is never closed by a `+++` line".into(),
    ))
}

/// The front matter as TOML would read it, when it is written the simple way articles are:
/// one `key = "string"` or `key = YYYY-MM-DD` a line, blank lines and `#` comments; `None` for
/// anything else (escapes, other types, a key written twice...), which the TOML parser then
/// reads, and reports. Parsing every article's front matter with the full parser was a
/// twentieth of the preparing thread's time; a test compares the two.
fn simple_front_matter(toml: &str) -> Option<toml::Table> {
    // TOML refuses control characters anywhere (comments included) but tab and a line end; a
    // carriage return must end a line. Left to the TOML parser, which says where.
    let mut chars = toml.chars().peekable();
    while let Some(c) = chars.next() {
        let line_end = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
        if is_toml_control(c) && !line_end {
            return None;
        }
    }
    let mut table = toml::Table::new();
    for line in toml.lines() {
        let line = line.trim_matches([' ', '\t']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=')?;
        let key = key.trim_end_matches([' ', '\t']);
        let value = value.trim_start_matches([' ', '\t']);
        let bare = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if key.is_empty() || !key.chars().all(bare) || table.contains_key(key) {
            return None;
        }
        let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            Some(s) if !s.contains(['"', '\\']) && !s.chars().any(is_toml_control) => {
                Value::String(s.to_string())
            }
            Some(_) => return None,
            None if is_plain_date(value) => Value::Datetime(value.parse().ok()?),
            None => return None,
        };
        table.insert(key.to_string(), value);
    }
    Some(table)
}

/// The characters a TOML basic string may not hold as they are (tab is allowed).
fn is_toml_control(c: char) -> bool {
    (c.is_ascii_control() && c != '\t') || c == '\u{7f}'
}

/// `YYYY-MM-DD`, digits only (TOML checks the ranges when parsing it).
fn is_plain_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

impl Article {
    /// Parses a whole file's text. `path` names the file in errors and gives the default id.
    pub fn parse(text: &str, path: &Path) -> Result<Article, InputError> {
        let fail = |line: Option<usize>, message: String| InputError {
            path: path.to_path_buf(),
            line,
            message,
        };
        let fm = split_front_matter(text).map_err(|(l, m)| fail(l, m))?;
        let simple = simple_front_matter(fm.toml);
        let table: toml::Table =
            simple
                .map_or_else(|| toml::from_str(fm.toml), Ok)
                .map_err(|e| {
                    let line = e.span().map(|s| line_of(fm.toml, s.start) + 1);
                    fail(
                        line,
                        format!("invalid front matter: {}", e.message().trim()),
                    )
                })?;
        let key_line = |key: &str| {
            fm.toml
                .lines()
                .position(|l| l.trim_start().starts_with(key))
                .map(|i| i + 2)
        };
        let get_str = |key: &str| -> Result<Option<String>, InputError> {
            match table.get(key) {
                None => Ok(None),
                Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
                Some(other) => Err(fail(
                    key_line(key),
                    format!(
                        "`{key}` must be a string in quotes, found {}",
                        other.type_str()
                    ),
                )),
            }
        };
        let id = match get_str("id")? {
            Some(id) => id,
            None => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        validate_id(&id).map_err(|m| fail(key_line("id"), m))?;
        let title = get_str("title")?.ok_or_else(|| {
            fail(Some(1), "missing `title` in the front matter: every article needs a title, e.g. title = \"Counterterror talks\"".into())
        })?;
        let date = match table.get("date") {
            None => None,
            Some(Value::Datetime(d)) => Some(d.to_string()),
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                return Err(fail(
                    key_line("date"),
                    format!(
                        "`date` must be a date like \"2024-05-13\", found {}",
                        other.type_str()
                    ),
                ));
            }
        };
        let date = date
            .map(|d| DateSpan::parse(&d))
            .transpose()
            .map_err(|m| fail(key_line("date"), m))?;
        let kind = get_str("kind")?;
        if let Some(k) = &kind
            && !KINDS.contains(&k.as_str())
        {
            return Err(fail(
                key_line("kind"),
                format!("kind {k:?} is not one of: {}", KINDS.join(", ")),
            ));
        }
        let warnings = table
            .keys()
            .filter(|k| !KEYS.contains(&k.as_str()))
            .map(|k| {
                format!(
                    "{}:{}: unknown front-matter key `{k}` ignored; known keys: {}",
                    path.display(),
                    key_line(k).unwrap_or(1),
                    KEYS.join(", ")
                )
            })
            .collect();
        Ok(Article {
            id,
            title,
            outlet: get_str("outlet")?,
            date,
            author: get_str("author")?,
            kind,
            source_note: get_str("source_note")?,
            url: None,
            lang: None,
            body: fm.body.to_string(),
            body_line: fm.body_line,
            path: path.to_path_buf(),
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Article, InputError> {
        Article::parse(text, Path::new("a/x.md"))
    }

    /// The simple reading must be TOML's wherever it reads at all, and must leave to TOML
    /// what it cannot read the same way.
    #[test]
    fn simple_front_matter_reads_as_toml_does() {
        let pieces = [
            "id = \"a\"\n",
            "title = \"T\"\n",
            "title = \"T\\\"q\"\n",
            "date = 2023-03-09\n",
            "date = 2023-13-09\n",
            "date = \"2023\"\n",
            "kind=\"news\"\n",
            "  x = \"é\"  \n",
            "# c\n",
            "\n",
            "\r\n",
            "n = 1\n",
            "a b = \"x\"\n",
            "k = 'lit'\n",
            "k = \"\"\n",
            "k = \"a\" # c\n",
            "k = \"a\tb\"\n",
            "k = \"a\u{1}b\"\n",
            "[t]\n",
            "# c\u{1}\n",
            "k = \"v\"\r\r\n",
            "\r",
            "# \u{7f}\n",
            "k = \"x\"y\"\n",
            "= \"v\"\n",
            "k = \"unclosed\n",
            "date = 2023-03-09T10:00:00\n",
            "\"q\" = \"v\"\n",
        ];
        let mut read_simply = 0;
        for text in crate::testing::random_texts(&pieces, 20_000, 6) {
            let full = toml::from_str::<toml::Table>(&text);
            if let Some(simple) = simple_front_matter(&text) {
                read_simply += 1;
                assert_eq!(Ok(simple), full.map_err(|e| e.to_string()), "{text:?}");
            }
        }
        assert!(read_simply > 1_000, "{read_simply}");
    }

    const GOOD: &str = "+++\nid = \"et-1\"\ntitle = \"T\"\noutlet = \"The Express Tribune\"\n\
                        date = 2023-03-09\nkind = \"editorial\"\n+++\nBody one.\n\nBody two.\n";

    #[test]
    fn parses_front_matter_and_body() {
        let a = parse(GOOD).unwrap();
        assert_eq!(a.id, "et-1");
        assert_eq!(a.outlet.as_deref(), Some("The Express Tribune"));
        assert_eq!(a.date.unwrap().to_string(), "2023-03-09");
        assert_eq!(a.body, "Body one.\n\nBody two.\n");
        assert_eq!(a.body_line, 8);
        assert!(a.warnings.is_empty());
    }

    #[test]
    fn month_dates_and_default_id() {
        let a = parse("+++\ntitle = \"T\"\ndate = \"2023-03\"\n+++\nx\n").unwrap();
        assert_eq!(a.id, "x");
        assert_eq!(a.date.unwrap().to_string(), "2023-03");
    }

    #[test]
    fn errors_name_the_line_and_what_is_valid() {
        let cases = [
            ("no front matter\n", Some(1), "missing front matter"),
            ("+++\ntitle = \"T\"\n", Some(1), "never closed"),
            (
                "+++\ntitle = \"T\"\ndate = \"2023-02-30\"\n+++\n",
                Some(3),
                "expected YYYY-MM-DD",
            ),
            ("+++\noutlet = \"o\"\n+++\n", Some(1), "missing `title`"),
            (
                "+++\ntitle = \"T\"\nkind = \"blog\"\n+++\n",
                Some(3),
                "not one of: news",
            ),
            (
                "+++\ntitle = \"T\"\nid = \"a b\"\n+++\n",
                Some(3),
                "use letters",
            ),
            ("+++\ntitle = \"T\n+++\n", Some(2), "invalid front matter"),
            ("+++\ntitle = 3\n+++\n", Some(2), "must be a string"),
        ];
        for (text, line, want) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(err.line, line, "{text:?}: {err}");
            assert!(err.to_string().contains(want), "{text:?}: {err}");
            assert!(err.to_string().starts_with("a/x.md:"), "{err}");
        }
    }

    #[test]
    fn unknown_keys_warn() {
        let a = parse("+++\ntitle = \"T\"\ncolour = \"red\"\n+++\n").unwrap();
        assert_eq!(a.warnings.len(), 1);
        assert!(a.warnings[0].contains("a/x.md:3: unknown front-matter key `colour`"));
    }
}
