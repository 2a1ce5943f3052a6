//! `talash show`: a passage in its article, with neighbouring passages for context.

use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::{AllQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Term};

use crate::error::usage;
use crate::groups::Evidence;
use crate::search::{Engine, Hit};

/// How much of the article to show around the passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// This many passages before and after.
    Around(usize),
    /// Every passage of the article.
    Article,
}

/// One passage as shown, flagged when it is the one asked for.
#[derive(Debug, Clone, Serialize)]
pub struct ShownPassage {
    pub passage_id: String,
    pub passage_no: u64,
    pub groups: Vec<String>,
    /// Why each group was tagged.
    pub group_evidence: Vec<Evidence>,
    pub text: String,
    pub target: bool,
    /// The passage is its article's title alone (an article with no body): its `text` is
    /// the title, which `talash show` prints once, above.
    pub title_is_text: bool,
}

/// A passage with its article's metadata and its neighbours, in article order.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub passage_id: String,
    pub article_id: String,
    pub title: String,
    pub outlet: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    pub kind: Option<String>,
    /// How many passages the whole article has.
    pub article_passages: usize,
    pub passages: Vec<ShownPassage>,
}

const FIND_IDS: &str = "passage ids look like ARTICLE-ID#N and are printed by \
`talash search QUERY` after each rank (or `talash search QUERY --json | jq -r .passage_id`); \
article ids, as `talash search QUERY --by-article` prints them, show the whole article";

fn docs_with(engine: &Engine, field: Field, value: &str) -> Result<Vec<DocAddress>> {
    let q = TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    );
    let docs = engine
        .searcher()
        .search(&q, &DocSetCollector)
        .context("cannot look up the passage")?;
    Ok(docs.into_iter().collect())
}

/// Finds the passage `id` and the passages around it. An article id (no `#N`, as
/// `--by-article` prints) shows the whole article with no passage marked.
pub fn show(engine: &Engine, id: &str, window: Window) -> Result<Shown> {
    let f = &engine.open.fields;
    let (article_part, window, marked) = match id.rsplit_once('#') {
        Some((article, _)) => (article, window, true),
        None => (id, Window::Article, false),
    };
    if article_part.is_empty() {
        return Err(usage(format!("{id:?} is not a passage id: {FIND_IDS}")));
    }
    let searcher = engine.searcher();
    // Stored passages are read through the hit reader; no query, so no highlights.
    let snippets = engine.snippet_generator(&AllQuery)?;
    // A passage id is stored, not indexed: its article's passages are looked up instead.
    let mut all: Vec<Hit> = docs_with(engine, f.article_id, article_part)?
        .into_iter()
        .map(|addr| engine.hit(&searcher, &snippets, 0, 0.0, addr))
        .collect::<Result<_>>()?;
    all.sort_by_key(|h| h.passage_no);
    let at = if marked {
        all.iter().position(|h| h.passage_id == id)
    } else {
        (!all.is_empty()).then_some(0)
    };
    let Some(at) = at else {
        return Err(if all.is_empty() {
            anyhow!(
                "no {} {id:?} in the index at {}; {FIND_IDS}",
                if marked { "passage" } else { "article" },
                engine.open.dir.display()
            )
        } else {
            anyhow!(
                "no passage {id:?} in the index: article {article_part:?} has passages #1 to #{}",
                all.len()
            )
        });
    };
    let range = match window {
        Window::Article => 0..all.len(),
        Window::Around(n) => {
            at.saturating_sub(n)..(at.saturating_add(n).saturating_add(1)).min(all.len())
        }
    };
    let article_passages = all.len();
    let target = all[at].clone();
    let passages = all[range]
        .iter()
        .map(|h| ShownPassage {
            passage_id: h.passage_id.clone(),
            passage_no: h.passage_no,
            groups: h.groups.clone(),
            group_evidence: h.group_evidence.clone(),
            text: h.text.clone(),
            target: marked && h.passage_id == id,
            title_is_text: h.title_is_text,
        })
        .collect();
    Ok(Shown {
        passage_id: if marked {
            id.to_string()
        } else {
            target.passage_id.clone()
        },
        article_id: target.article_id,
        title: target.title,
        outlet: target.outlet,
        date: target.date,
        author: target.author,
        kind: target.kind,
        article_passages,
        passages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzing::{Passage, engine_of};

    /// Article `m` of five passages, written out of order over two segments, and article `n`.
    fn engine() -> Engine {
        let p = |id, text| -> Passage { (id, "Monsoon", "Dawn", "2024-07", &[], text) };
        let first = [p("m#4", "four"), p("n#1", "other"), p("m#1", "one")];
        let second = [p("m#5", "five"), p("m#2", "two"), p("m#3", "three")];
        engine_of(&[&first, &second]).unwrap()
    }

    fn shown_ids(s: &Shown) -> Vec<&str> {
        s.passages.iter().map(|p| p.passage_id.as_str()).collect()
    }

    #[test]
    fn the_window_is_the_passages_around_in_article_order() {
        let e = engine();
        let s = show(&e, "m#3", Window::Around(1)).unwrap();
        assert_eq!(shown_ids(&s), ["m#2", "m#3", "m#4"]);
        let targets: Vec<bool> = s.passages.iter().map(|p| p.target).collect();
        assert_eq!(targets, [false, true, false]);
        assert_eq!((s.article_id.as_str(), s.article_passages), ("m", 5));
        assert_eq!(s.passages[1].text, "three");
        assert_eq!(s.outlet.as_deref(), Some("Dawn"));
        assert_eq!(
            shown_ids(&show(&e, "m#3", Window::Around(0)).unwrap()),
            ["m#3"]
        );
    }

    #[test]
    fn the_window_stops_at_the_article_ends() {
        let e = engine();
        let first = show(&e, "m#1", Window::Around(2)).unwrap();
        assert_eq!(shown_ids(&first), ["m#1", "m#2", "m#3"]);
        let last = show(&e, "m#5", Window::Around(usize::MAX)).unwrap();
        assert_eq!(shown_ids(&last), ["m#1", "m#2", "m#3", "m#4", "m#5"]);
        let all = show(&e, "m#2", Window::Article).unwrap();
        assert_eq!(all.passages.len(), 5);
    }

    #[test]
    fn unknown_passages_are_explained() {
        let e = engine();
        let err = show(&e, "m#9", Window::Article).unwrap_err().to_string();
        assert!(err.contains("has passages #1 to #5"), "{err}");
        let err = show(&e, "zz#1", Window::Article).unwrap_err().to_string();
        assert!(err.contains("no passage \"zz#1\""), "{err}");
        let err = show(&e, "zz", Window::Article).unwrap_err().to_string();
        assert!(err.contains("no article \"zz\""), "{err}");
        let err = show(&e, "#1", Window::Article).unwrap_err();
        assert_eq!(
            crate::error::exit_status(&err),
            2,
            "not an id: a usage error"
        );
    }

    #[test]
    fn an_article_id_shows_the_whole_article_unmarked() {
        let e = engine();
        let s = show(&e, "m", Window::Around(1)).unwrap();
        assert_eq!(shown_ids(&s), ["m#1", "m#2", "m#3", "m#4", "m#5"]);
        assert!(s.passages.iter().all(|p| !p.target));
    }
}
