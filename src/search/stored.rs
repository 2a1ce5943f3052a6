//! Reading stored passages: a ranked passage with its metadata and a highlighted snippet.

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::schema::{Facet, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::search::engine::Engine;

/// One ranked passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub passage_id: String,
    pub article_id: String,
    pub passage_no: u64,
    pub title: String,
    pub outlet: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    pub kind: Option<String>,
    pub groups: Vec<String>,
    pub text: String,
    pub snippet: String,
    /// Byte ranges of matched terms within `snippet`.
    pub highlights: Vec<(usize, usize)>,
}

impl Engine {
    /// Reads a stored passage into a hit.
    pub fn hit(
        &self,
        searcher: &Searcher,
        snippets: &SnippetGenerator,
        rank: usize,
        score: f32,
        addr: DocAddress,
    ) -> Result<Hit> {
        let doc: TantivyDocument = searcher.doc(addr).context("cannot read a stored passage")?;
        let f = &self.open.fields;
        let text_of = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let text = text_of(f.text).unwrap_or_default();
        let snippet = snippets.snippet(&text);
        let (snippet_text, highlights) = if snippet.is_empty() {
            (
                lead(&text, self.open.config.spec.search.snippet_chars),
                Vec::new(),
            )
        } else {
            // Mark a fragment cut out of a longer passage, as search engines do.
            let range = snippet.fragment_range();
            let prefix = if range.start > 0 { "… " } else { "" };
            let rest_has_words = text[range.end..].chars().any(char::is_alphanumeric);
            let suffix = if rest_has_words { " …" } else { "" };
            let shift = prefix.len();
            let ranges = snippet
                .highlighted()
                .iter()
                .map(|r| (r.start + shift, r.end + shift))
                .collect();
            (format!("{prefix}{}{suffix}", snippet.fragment()), ranges)
        };
        let groups = doc
            .get_all(f.group)
            .filter_map(|v| {
                v.as_facet().map(|s| {
                    Facet::from_encoded(s.as_bytes().to_vec())
                        .map(|f| f.to_path().join("/"))
                        .unwrap_or_default()
                })
            })
            .collect();
        Ok(Hit {
            rank,
            score,
            passage_id: text_of(f.passage_id).unwrap_or_default(),
            article_id: text_of(f.article_id).unwrap_or_default(),
            passage_no: doc
                .get_first(f.passage_no)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            title: text_of(f.title).unwrap_or_default(),
            outlet: text_of(f.outlet_name),
            date: text_of(f.date),
            author: text_of(f.author),
            kind: text_of(f.kind),
            groups,
            text,
            snippet: snippet_text,
            highlights,
        })
    }
}

/// The first `max_chars` characters of `text`, cut at a word boundary.
fn lead(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    match cut.rfind(char::is_whitespace) {
        Some(i) => cut[..i].to_string(),
        None => cut,
    }
}
