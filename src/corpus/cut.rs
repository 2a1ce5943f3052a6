//! Cutting an article into passages: the paragraphs of a Markdown body (markup and
//! boilerplate removed), passages of at most `max_words` words cut from them, a JSONL record
//! as one passage, and an article with no body as its title alone.

use crate::corpus::article::Article;
use crate::corpus::clean::Boilerplate;
use crate::corpus::jsonl;
use crate::corpus::passage::{self, JsonlUnit, PassageId, PassageSettings};

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

/// The passages of an article as the schema's passage settings say: a JSONL collection's
/// article is one passage under [`JsonlUnit::Article`]; otherwise see [`passages`].
///
/// An article whose body has no text (or only its title again) is its title alone: one
/// passage whose text is the title ([`title_is_text`]), which the indexer then indexes as the
/// passage's text and not a second time as its title. Without it such an article could not be
/// found at all (1,617 of CACM's 3,204 records are a title alone, holding 146 of its 796
/// judged relevant documents); scored as a title beside an empty text it ranked below records
/// with an abstract that match the title and the abstract both, so CACM lost MAP; scored as a
/// short text it gained (docs/RELEVANCE.md).
pub fn passages_for(
    article: &Article,
    boilerplate: &Boilerplate,
    settings: &PassageSettings,
) -> Vec<Passage> {
    let cut = if settings.jsonl == JsonlUnit::Article && jsonl::is_jsonl_file(&article.path) {
        let text = paragraphs(&article.body, boilerplate).join(" ");
        match text.trim().is_empty() {
            true => Vec::new(),
            false => vec![Passage {
                id: PassageId::new(&article.id, 1),
                text,
            }],
        }
    } else {
        passages(article, boilerplate, settings.max_words)
    };
    // Compared word by word, lazily: the first differing word ends it, so a long body costs
    // nothing here (joining every body's words measured 2.5% of a full build).
    let body = || cut.iter().flat_map(|p| p.text.split_whitespace());
    if has_words(&article.title)
        && (body().next().is_none() || body().eq(article.title.split_whitespace()))
    {
        return vec![Passage {
            id: PassageId::new(&article.id, 1),
            text: article.title.clone(),
        }];
    }
    cut
}

/// Whether `passages` (from [`passages_for`]) are the article's title alone, as its text.
pub fn title_is_text(article: &Article, passages: &[Passage]) -> bool {
    matches!(passages, [p] if p.text == article.title && has_words(&p.text))
}

/// Whether `text` holds anything but white space: the one test of "has a title" that cutting,
/// [`title_is_text`] and the indexer's title copies share.
pub fn has_words(text: &str) -> bool {
    text.split_whitespace().next().is_some()
}

/// Cuts an article's body into passages numbered from 1.
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    fn rules() -> Boilerplate {
        Boilerplate::from_toml(crate::schema::DEFAULT_BOILERPLATE, "b").unwrap()
    }

    #[test]
    fn words_are_anything_but_unicode_white_space() {
        for blank in ["", " ", "\t\n", "\u{a0}\u{2003}"] {
            assert!(!has_words(blank), "{blank:?}");
        }
        for text in ["a", " \u{a0}Dawn ", "-"] {
            assert!(has_words(text), "{text:?}");
        }
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
    fn an_article_without_body_text_is_its_title_alone() {
        let settings = |jsonl| PassageSettings {
            max_words: 120,
            jsonl,
            title_in_text: 0,
        };
        let md = |body: &str| {
            let text = format!("+++\nid = \"a\"\ntitle = \"A  short title\"\n+++\n{body}");
            Article::parse(&text, Path::new("a.md")).unwrap()
        };
        for body in ["", "\n\n", "A short\ntitle\n"] {
            let a = md(body);
            let ps = passages_for(&a, &rules(), &settings(JsonlUnit::Paragraph));
            assert_eq!(ps.len(), 1, "{body:?}");
            assert_eq!(
                (ps[0].id.to_string(), ps[0].text.as_str()),
                ("a#1".into(), "A  short title")
            );
            assert!(title_is_text(&a, &ps), "{body:?}");
        }
        let a = md("A short title, and more.\n");
        let ps = passages_for(&a, &rules(), &settings(JsonlUnit::Paragraph));
        assert_eq!(ps[0].text, "A short title, and more.");
        assert!(!title_is_text(&a, &ps));
        // A JSONL record with an empty text, read whole or cut.
        let mut j = md("");
        j.path = PathBuf::from("c.jsonl");
        for unit in [JsonlUnit::Article, JsonlUnit::Paragraph] {
            let ps = passages_for(&j, &rules(), &settings(unit));
            assert!(title_is_text(&j, &ps), "{unit:?}");
        }
        // Neither title nor text: nothing to index.
        j.title = " ".into();
        assert!(passages_for(&j, &rules(), &settings(JsonlUnit::Article)).is_empty());
    }
}
