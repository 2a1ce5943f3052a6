//! The JSONL export (`talash export --to jsonl`): every indexed article as one JSON object a
//! line, `{"id", "title", "url", "date", "outlet", "author", "lang", "kind", "groups", "text"}`,
//! its passages in reading order with blank lines between. It reads back into `talash-index`
//! as a JSONL collection (`--jsonl-passages paragraph` gives back the same passages).

use serde_json::{Value, json};

use crate::search::stored::StoredPassage;

/// An article being gathered: its first passage, its passages' numbers and texts, and its
/// groups.
type Gathering = (StoredPassage, Vec<(u64, String)>, Vec<String>);

/// One article being gathered from its passages (which lie together in the index, in order:
/// an article is written as one batch, so into one segment).
#[derive(Default)]
pub struct ArticleLines {
    current: Option<Gathering>,
    /// Article ids already written, to catch an article whose passages are not together.
    written: std::collections::HashSet<String>,
    pub articles: u64,
}

impl ArticleLines {
    /// Takes the next passage; returns the line of the article it ends, if it starts another.
    pub fn push(&mut self, p: StoredPassage) -> anyhow::Result<Option<String>> {
        if let Some((first, _, _)) = &self.current
            && first.article_id == p.article_id
        {
            if let Some((_, texts, groups)) = &mut self.current {
                texts.push((p.passage_no, p.text));
                groups.extend(p.groups);
            }
            return Ok(None);
        }
        if self.written.contains(&p.article_id) {
            anyhow::bail!(
                "the passages of article {:?} are not together in the index; rebuild it with `talash-index --full`",
                p.article_id
            );
        }
        let done = self.finish();
        let texts = vec![(p.passage_no, p.text.clone())];
        let groups = p.groups.clone();
        self.current = Some((p, texts, groups));
        Ok(done)
    }

    /// The line of the article gathered so far, if any.
    pub fn finish(&mut self) -> Option<String> {
        let (first, mut texts, mut groups) = self.current.take()?;
        texts.sort_by_key(|(n, _)| *n);
        groups.sort();
        groups.dedup();
        let text: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
        self.written.insert(first.article_id.clone());
        self.articles += 1;
        let mut obj = json!({
            "id": first.article_id,
            "title": first.title,
            "url": first.url,
            "date": first.date,
            "outlet": first.outlet_name,
            "author": first.author,
            "lang": first.lang,
            "kind": first.kind,
            "groups": groups,
            "text": text.join("\n\n"),
        });
        if let Value::Object(map) = &mut obj {
            map.retain(|_, v| !v.is_null());
        }
        Some(format!("{obj}\n"))
    }
}
