//! Building tantivy documents: the one place a passage becomes a document, and the outlet keys
//! that both the documents and the `--outlet` filter use.

use tantivy::schema::Facet;
use tantivy::tokenizer::PreTokenizedString;
use tantivy::{TantivyDocument, doc};

use crate::corpus::{Article, Passage};
use crate::groups::Tag;
use crate::schema::Fields;

/// The facet key of an outlet: case and a leading "The" do not matter ("The Express Tribune" =
/// "express tribune").
pub fn outlet_key(name: &str) -> String {
    let lower = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let key = lower.strip_prefix("the ").unwrap_or(&lower);
    key.replace('/', "-")
}

/// The title copies a passage's text is indexed with: none, unless the passage is its
/// article's only one ([`TitleCopies::for_passages`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TitleCopies<'a> {
    title: &'a str,
    count: u8,
}

impl<'a> TitleCopies<'a> {
    pub(crate) const NONE: TitleCopies<'static> = TitleCopies {
        title: "",
        count: 0,
    };

    /// `setting` copies of `title` when the article is one passage (`passages` of them) and
    /// has a title; else none: in a longer article every passage would carry the same weighed
    /// title, which then outweighs what tells its passages apart (docs/RELEVANCE.md).
    pub(crate) fn for_passages(title: &'a str, passages: usize, setting: u8) -> TitleCopies<'a> {
        match passages == 1 && crate::corpus::has_words(title) {
            true => TitleCopies {
                title,
                count: setting,
            },
            false => TitleCopies::NONE,
        }
    }
}

pub fn outlet_facet(key: &str) -> Facet {
    Facet::from_path([key])
}

/// The fields every passage of `article` shares (ids, title, outlet, date, author, kind),
/// built once per article: the outlet's key and the date's text and facet are not worth
/// recomputing for each passage. [`passage_doc`] adds a passage's own fields to a clone.
///
/// When the title is also the article's one passage text (`title_is_text`, an article with
/// no body: `corpus::passages_for`), the title is stored but not indexed a second time (a
/// pre-tokenized value with no tokens), so it is scored once, as the short text it is.
pub(crate) fn article_doc(
    fields: &Fields,
    article: &Article,
    title_is_text: bool,
) -> TantivyDocument {
    let mut d = doc!(fields.article_id => article.id.clone());
    match title_is_text {
        false => d.add_text(fields.title, article.title.clone()),
        true => d.add_pre_tokenized_text(
            fields.title,
            PreTokenizedString {
                text: article.title.clone(),
                tokens: Vec::new(),
            },
        ),
    }
    if let Some(o) = &article.outlet {
        d.add_facet(fields.outlet, outlet_facet(&outlet_key(o)));
        d.add_text(fields.outlet_name, o);
    }
    if let Some(date) = &article.date {
        d.add_text(fields.date, date.to_string());
        d.add_u64(fields.date_start, date.first_day());
        d.add_u64(fields.date_end, date.last_day());
        d.add_facet(fields.date_facet, Facet::from_path(date.facet_segments()));
    }
    if let Some(a) = &article.author {
        d.add_text(fields.author, a);
    }
    if let Some(k) = &article.kind {
        d.add_text(fields.kind, k);
    }
    if let Some(u) = &article.url {
        d.add_text(fields.url, u);
    }
    if let Some(l) = &article.lang {
        d.add_text(fields.lang, l);
    }
    d
}

/// One passage's document: its article's shared fields, then its own. Each group tag is a
/// facet and, in `group_evidence`, one JSON value of its [`crate::groups::Evidence`] (the
/// field's values are in the order of the tags, sorted by path).
///
/// `title_copies` more values of `text` hold the title (`passages.title_in_text`, for an
/// article that is this one passage): indexed with the text, so they weigh the title inside
/// the text's BM25, and after it, so the passage's text is still the first value, the one
/// every reader shows (`search::stored`).
pub(crate) fn passage_doc(
    fields: &Fields,
    article: &TantivyDocument,
    passage: Passage,
    tags: &[Tag],
    title_copies: TitleCopies<'_>,
) -> TantivyDocument {
    let mut d = article.clone();
    d.add_text(fields.passage_id, passage.id.to_string());
    d.add_u64(fields.passage_no, u64::from(passage.id.n()));
    d.add_text(fields.text, passage.text);
    for _ in 0..title_copies.count {
        d.add_text(fields.text, title_copies.title);
    }
    for t in tags {
        d.add_facet(fields.group, t.path.facet());
        // Evidence is plain strings and numbers: serializing it cannot fail.
        if let Ok(json) = serde_json::to_string(&t.evidence) {
            d.add_text(fields.group_evidence, json);
        }
    }
    d
}
