//! Plain text (`*.txt`) and Markdown without front matter: the title is the first line, the
//! rest is the body, and what the file cannot say (date, outlet) comes from the user's
//! `talash-index --date/--outlet` ([`Defaults`]). What was guessed is said in a warning.

use std::path::Path;

use super::article::{Article, InputError, validate_id};
use crate::date::DateSpan;

/// What the user gives for articles that do not say it themselves (`--date`, `--outlet`):
/// text files and bare Markdown always, saved pages and web archive records when the page
/// has no such metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Defaults {
    pub date: Option<DateSpan>,
    pub outlet: Option<String>,
}

/// Whether a text starts with `+++` front matter (after a byte order mark).
pub fn has_front_matter(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split_inclusive('\n')
        .next()
        .is_some_and(|l| l.trim_end() == "+++")
}

/// A text or Markdown file: with front matter as [`Article::parse`] reads it, else bare (see
/// the module's doc).
pub fn parse(text: &str, path: &Path, defaults: &Defaults) -> Result<Article, InputError> {
    if has_front_matter(text) {
        return Article::parse(text, path);
    }
    let fail = |line: Option<usize>, message: String| InputError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n').enumerate();
    let (title_line, title) = lines
        .by_ref()
        .map(|(i, l)| (i + 1, l.trim()))
        .find(|(_, l)| !l.is_empty())
        .ok_or_else(|| fail(None, "file has no text".into()))?;
    let title = title.trim_start_matches('#').trim().to_string();
    let offset: usize = text
        .split_inclusive('\n')
        .take(title_line)
        .map(str::len)
        .sum();
    let id = id_from_path(path);
    validate_id(&id).map_err(|m| fail(None, m))?;
    let mut said = vec![format!("title {title:?} from line {title_line}")];
    said.push(match &defaults.date {
        Some(d) => format!("date {d} from --date"),
        None => "no date (give --date)".into(),
    });
    said.push(match &defaults.outlet {
        Some(o) => format!("outlet {o:?} from --outlet"),
        None => "no outlet (give --outlet)".into(),
    });
    let warning = format!(
        "{}: no front matter, so guessed: {}; id {id:?} from the file name",
        path.display(),
        said.join(", ")
    );
    Ok(Article {
        id,
        title,
        outlet: defaults.outlet.clone(),
        date: defaults.date,
        author: None,
        kind: None,
        source_note: None,
        url: None,
        lang: None,
        body: text[offset..].to_string(),
        body_line: title_line + 1,
        path: path.to_path_buf(),
        warnings: vec![warning],
    })
}

/// The id of an article from a file: the file's name without `.gz` and its extension, with
/// anything but letters, digits, `-`, `_` and `.` turned into `-` (saved pages are often named
/// after their title, with spaces).
pub fn id_from_path(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = strip_suffix_ci(&name, ".gz").unwrap_or(&name);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let mut id = String::with_capacity(stem.len());
    for c in stem.chars() {
        let keep = c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
        let c = if keep { c } else { '-' };
        if !(c == '-' && id.ends_with('-')) {
            id.push(c);
        }
    }
    let mut id: String = id.trim_matches('-').chars().take(200).collect();
    if id.is_empty() {
        id = "page".into();
    }
    id
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_is_the_title_and_the_flags_give_the_rest() {
        let defaults = Defaults {
            date: Some(DateSpan::parse("2024-05").unwrap()),
            outlet: Some("Dawn".into()),
        };
        let a = parse(
            "\n\n# Talks resume\nFirst paragraph.\n\nSecond.\n",
            Path::new("d/my notes.txt"),
            &defaults,
        )
        .unwrap();
        assert_eq!(a.title, "Talks resume");
        assert_eq!(a.id, "my-notes");
        assert_eq!(a.body, "First paragraph.\n\nSecond.\n");
        assert_eq!(a.body_line, 4);
        assert_eq!(a.date.unwrap().to_string(), "2024-05");
        assert_eq!(a.outlet.as_deref(), Some("Dawn"));
        assert!(
            a.warnings[0].contains("title \"Talks resume\" from line 3"),
            "{:?}",
            a.warnings
        );
        assert!(a.warnings[0].contains("date 2024-05 from --date"));
        let bare = parse("T\nBody.\n", Path::new("x.md"), &Defaults::default()).unwrap();
        assert!(bare.warnings[0].contains("no date (give --date)"));
        assert!(bare.date.is_none() && bare.outlet.is_none());
    }

    #[test]
    fn front_matter_is_read_as_always() {
        let a = parse(
            "+++\ntitle = \"T\"\n+++\nBody.\n",
            Path::new("x.txt"),
            &Defaults::default(),
        )
        .unwrap();
        assert_eq!(a.title, "T");
        assert!(a.warnings.is_empty());
        let e = parse("  \n\n", Path::new("x.txt"), &Defaults::default()).unwrap_err();
        assert!(e.message.contains("no text"));
    }
}
