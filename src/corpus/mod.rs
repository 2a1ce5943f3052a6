//! Reading a corpus: finding article files, parsing them and cutting them into passages.

pub mod article;
pub mod clean;
pub mod jsonl;
pub mod passage;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use article::{Article, InputError};
pub use passage::PassageId;

use clean::Boilerplate;

/// One passage, ready to index with its article's metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub id: PassageId,
    pub text: String,
}

/// How a Markdown line sits in the paragraph structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// Continues the current paragraph.
    Plain,
    /// Starts a new paragraph (a list item), even without a blank line before it.
    Starts,
    /// A paragraph of its own (a heading).
    Alone,
}

/// What a Markdown line contributes: its kind and its text without the markup.
fn strip_markup(line: &str) -> (LineKind, &str) {
    let t = line.trim();
    let heading = t.trim_start_matches('#');
    if heading.len() < t.len() && t.len() - heading.len() <= 6 && heading.starts_with(' ') {
        return (LineKind::Alone, heading.trim());
    }
    if let Some(rest) = t.strip_prefix('>') {
        return (LineKind::Plain, rest.trim());
    }
    for marker in ["- ", "* ", "+ ", "• ", "– "] {
        if let Some(rest) = t.strip_prefix(marker) {
            return (LineKind::Starts, rest.trim());
        }
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &t[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return (LineKind::Starts, rest.trim());
        }
    }
    (LineKind::Plain, t)
}

/// The article body's paragraphs after boilerplate removal, lines joined by spaces.
pub fn paragraphs(body: &str, boilerplate: &Boilerplate) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for (_, line) in boilerplate.clean(body) {
        let (kind, text) = strip_markup(line);
        if (text.is_empty() || kind != LineKind::Plain) && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if kind == LineKind::Alone {
            out.push(text.to_string());
            continue;
        }
        if !text.is_empty() {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(text);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Cuts an article into passages numbered from 1.
pub fn passages(article: &Article, boilerplate: &Boilerplate, max_words: usize) -> Vec<Passage> {
    paragraphs(&article.body, boilerplate)
        .iter()
        .flat_map(|p| passage::cut_paragraph(p, max_words))
        .enumerate()
        .map(|(i, text)| Passage {
            id: PassageId::new(&article.id, i as u32 + 1),
            text,
        })
        .collect()
}

/// Files larger than this are refused: no article is this long, and reading one would only
/// waste memory (a 100 MB log pasted by mistake).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Whether a file in a corpus folder is an article. READMEs and hidden files are not.
pub fn is_article_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
    !name.starts_with('.')
        && !name.starts_with('_')
        && !name.eq_ignore_ascii_case("README.md")
        && matches!(ext.as_deref(), Some("md" | "markdown" | "jsonl"))
}

/// The article files under `paths` (files are taken as given; folders are walked), sorted.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| InputError {
            path: path.clone(),
            line: None,
            message: format!("cannot read corpus path: {e}"),
        })?;
        if meta.is_dir() {
            walk(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let err = |e: std::io::Error| InputError {
        path: dir.to_path_buf(),
        line: None,
        message: format!("cannot list folder: {e}"),
    };
    for entry in std::fs::read_dir(dir).map_err(err)? {
        let path = entry.map_err(err)?.path();
        if path.is_dir() {
            if !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                walk(&path, files)?;
            }
        } else if is_article_file(&path) {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads one file's text, refusing what is not an article: empty, too large, binary, not UTF-8.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let fail = |line: Option<usize>, message: String| InputError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| fail(None, format!("cannot read: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(fail(
            None,
            format!(
                "file is {} MB; an article file may be at most {} MB (is this really an article?)",
                size / 1_000_000,
                MAX_FILE_BYTES / 1_000_000
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(None, format!("cannot read: {e}")))?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(fail(
            None,
            "file is empty; an article needs front matter and a body".into(),
        ));
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(fail(
            Some(line),
            "file contains NUL bytes: it looks binary, not a UTF-8 text article".into(),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        fail(
            Some(line),
            format!("invalid UTF-8 at byte {at}; save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"),
        )
    })
}

/// Reads and parses one Markdown article file.
pub fn read_article(path: &Path) -> Result<Article, InputError> {
    Article::parse(&read_text(path)?, path)
}

/// Reports articles that share an id (ids must be unique: they name passages).
pub fn duplicate_ids(articles: &[Article]) -> Vec<InputError> {
    // In a JSONL collection an article is a line, so the line names it.
    let line = |a: &Article| jsonl::is_jsonl_file(&a.path).then_some(a.body_line);
    let mut first: HashMap<&str, &Article> = HashMap::new();
    let mut errors = Vec::new();
    for a in articles {
        if let Some(prev) = first.insert(&a.id, a) {
            let place = match line(prev) {
                Some(n) => format!("{}:{n}", prev.path.display()),
                None => prev.path.display().to_string(),
            };
            errors.push(InputError {
                path: a.path.clone(),
                line: line(a),
                message: format!(
                    "article id {:?} is already used by {place}; ids must be unique",
                    a.id
                ),
            });
            first.insert(&a.id, prev);
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Boilerplate {
        Boilerplate::from_toml(crate::schema::DEFAULT_BOILERPLATE, "b").unwrap()
    }

    #[test]
    fn paragraphs_follow_blank_lines_and_markup() {
        let body = "# Heading\nFirst line\nsame paragraph.\n\n- item one\n- item two\n\n> quoted\n> more\n";
        assert_eq!(
            paragraphs(body, &rules()),
            vec![
                "Heading",
                "First line same paragraph.",
                "item one",
                "item two",
                "quoted more"
            ]
        );
    }

    #[test]
    fn furniture_is_removed_before_cutting() {
        let body = "Text.\n\nPost a Comment\n\nPrevious Post Next Post\n";
        assert_eq!(paragraphs(body, &rules()), vec!["Text."]);
    }

    #[test]
    fn passages_are_numbered_from_one() {
        let a = Article::parse(
            "+++\nid = \"a\"\ntitle = \"T\"\n+++\nOne. Two.\n\nThree.\n",
            Path::new("a.md"),
        )
        .unwrap();
        let ps = passages(&a, &rules(), 1);
        let ids: Vec<String> = ps.iter().map(|p| p.id.to_string()).collect();
        assert_eq!(ids, vec!["a#1", "a#2", "a#3"]);
    }

    #[test]
    fn article_files_exclude_readmes() {
        assert!(is_article_file(Path::new("c/x.md")));
        assert!(!is_article_file(Path::new("c/README.md")));
        assert!(!is_article_file(Path::new("c/.x.md")));
        assert!(!is_article_file(Path::new("c/x.txt")));
        assert!(is_article_file(Path::new("c/collection.jsonl")));
    }
}
