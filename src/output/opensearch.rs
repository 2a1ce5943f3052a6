//! The OpenSearch export: an index body (settings and mappings) close to Talash's schema, and
//! the passages as Bulk API NDJSON (docs/SCALE-OUT.md says how to load them and what differs).
//!
//! The mapping mirrors `index-schema/schema.toml` field by field. The text analyzer is the
//! shipped `english` one rebuilt from OpenSearch's parts: apostrophes removed (ours drops an
//! apostrophe inside a word), the standard tokenizer, lowercase, ASCII folding, Lucene's English
//! stop words (the list ours uses), Snowball English (the stemmer tantivy's `English` is) and
//! tokens of over 40 characters dropped. The gazetteer becomes a `synonym_graph` filter, which
//! OpenSearch allows in a search analyzer only: it plays the part of our alias expansion at
//! query time. Groups are keywords with a `path_hierarchy` sub-field, so `ISIS` finds
//! `ISIS/Khorasan` as `--group ISIS` does. A partial date keeps its span as two dates. The
//! author is analysed text, as in the schema, so `--author NAME` becomes a match on it.

use serde_json::{Map, Value, json};

use crate::date::DateSpan;
use crate::groups::Gazetteer;
use crate::search::stored::StoredPassage;

/// The longest token kept, as the shipped analyzer's `max_token_len`.
const MAX_TOKEN_LEN: usize = 40;

/// The body of `PUT /INDEX`: settings (analyzers) and mappings (every field of the schema).
pub fn index_body(gazetteer: &Gazetteer, shards: u32) -> Value {
    let words = ["lowercase", "asciifolding"];
    let index_chain: Vec<&str> = words
        .iter()
        .copied()
        .chain(["talash_stop", "talash_stem", "talash_long"])
        .collect();
    let search_chain: Vec<&str> = words
        .iter()
        .copied()
        .chain(["talash_groups", "talash_stop", "talash_stem", "talash_long"])
        .collect();
    let text = json!({
        "type": "text",
        "analyzer": "talash_english",
        "search_analyzer": "talash_english_search",
    });
    json!({
        "settings": {
            "index": { "number_of_shards": shards, "similarity": { "default": { "type": "BM25", "k1": 1.2, "b": 0.75 } } },
            "analysis": {
                "char_filter": {
                    "talash_apostrophes": { "type": "mapping", "mappings": ["'=>", "\u{2019}=>", "\u{2018}=>"] }
                },
                "filter": {
                    "talash_stop": { "type": "stop", "stopwords": "_english_" },
                    "talash_stem": { "type": "snowball", "language": "English" },
                    "talash_long": { "type": "length", "max": MAX_TOKEN_LEN },
                    "talash_groups": { "type": "synonym_graph", "synonyms": synonyms(gazetteer) }
                },
                "tokenizer": {
                    "talash_group_path": { "type": "path_hierarchy", "delimiter": "/" }
                },
                "analyzer": {
                    "talash_english": { "type": "custom", "char_filter": ["talash_apostrophes"], "tokenizer": "standard", "filter": index_chain },
                    "talash_english_search": { "type": "custom", "char_filter": ["talash_apostrophes"], "tokenizer": "standard", "filter": search_chain },
                    "talash_group_tree": { "type": "custom", "tokenizer": "talash_group_path" }
                }
            }
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "passage_id": { "type": "keyword" },
                "article_id": { "type": "keyword" },
                "passage_no": { "type": "long" },
                "title": text,
                "text": text,
                "group": {
                    "type": "keyword",
                    "fields": { "tree": { "type": "text", "analyzer": "talash_group_tree", "search_analyzer": "keyword", "fielddata": true } }
                },
                "group_evidence": { "type": "object", "enabled": false },
                "outlet": { "type": "keyword" },
                "outlet_name": { "type": "keyword" },
                "date": { "type": "date", "format": "strict_date||strict_year_month||strict_year" },
                "date_from": { "type": "date", "format": "strict_date" },
                "date_to": { "type": "date", "format": "strict_date" },
                "author": { "type": "text", "analyzer": "talash_english" },
                "kind": { "type": "keyword" },
                "url": { "type": "keyword", "index": false },
                "lang": { "type": "keyword" }
            }
        }
    })
}

/// One equivalence rule per group: every alias that Talash expands a query with (ambiguous
/// acronyms such as "IS" are left out, as in our expansion).
fn synonyms(gazetteer: &Gazetteer) -> Vec<String> {
    gazetteer
        .groups()
        .iter()
        .map(|g| {
            let mut names: Vec<String> =
                g.expansion_aliases().map(|a| a.replace(',', " ")).collect();
            names.dedup();
            names.join(", ")
        })
        .filter(|rule| rule.contains(','))
        .collect()
}

/// A day `YYYYMMDD` as `YYYY-MM-DD`.
pub fn iso_day(day: u64) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day / 10_000,
        day / 100 % 100,
        day % 100
    )
}

/// The span of a stored date: its first and last day (`2024-05` → 2024-05-01, 2024-05-31).
pub fn date_span(date: Option<&str>) -> Option<(String, String)> {
    let span = DateSpan::parse(date?).ok()?;
    Some((iso_day(span.first_day()), iso_day(span.last_day())))
}

/// Every schema field of a passage (absent values as null), plus the date's span.
pub fn passage_fields(p: &StoredPassage) -> Map<String, Value> {
    let mut doc = Map::new();
    let mut put = |k: &str, v: Value| {
        doc.insert(k.to_string(), v);
    };
    put("passage_id", p.passage_id.clone().into());
    put("article_id", p.article_id.clone().into());
    put("passage_no", p.passage_no.into());
    put("title", p.title.clone().into());
    put("text", p.text.clone().into());
    put("group", p.groups.clone().into());
    put(
        "group_evidence",
        serde_json::to_value(&p.group_evidence).unwrap_or(Value::Null),
    );
    put("outlet", p.outlet.clone().into());
    put("outlet_name", p.outlet_name.clone().into());
    put("date", p.date.clone().into());
    put("author", p.author.clone().into());
    put("kind", p.kind.clone().into());
    put("url", p.url.clone().into());
    put("lang", p.lang.clone().into());
    if let Some((from, to)) = date_span(p.date.as_deref()) {
        put("date_from", from.into());
        put("date_to", to.into());
    }
    doc
}

/// A passage as an OpenSearch document: the schema's fields plus the date's span.
pub fn document(p: &StoredPassage) -> Value {
    Value::Object(passage_fields(p))
}

/// The two Bulk API lines of a passage: the action (its id is the passage id, so loading
/// twice replaces rather than duplicates) and the document.
pub fn bulk_lines(index: &str, p: &StoredPassage) -> String {
    let action = json!({ "index": { "_index": index, "_id": p.passage_id } });
    format!("{action}\n{}\n", document(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(date: Option<&str>) -> StoredPassage {
        StoredPassage {
            passage_id: "a#2".into(),
            article_id: "a".into(),
            passage_no: 2,
            title: "T".into(),
            text: "Words \"quoted\"\nand a new line.".into(),
            groups: vec!["ISIS".into(), "ISIS/Khorasan".into()],
            group_evidence: Vec::new(),
            outlet: Some("express tribune".into()),
            outlet_name: Some("The Express Tribune".into()),
            date: date.map(String::from),
            author: None,
            kind: Some("news".into()),
            url: None,
            lang: Some("en".into()),
        }
    }

    #[test]
    fn a_partial_date_becomes_its_first_and_last_day() {
        let s = |d| date_span(Some(d)).unwrap();
        assert_eq!(s("2024-02"), ("2024-02-01".into(), "2024-02-29".into()));
        assert_eq!(s("2023"), ("2023-01-01".into(), "2023-12-31".into()));
        assert_eq!(s("2023-03-06"), ("2023-03-06".into(), "2023-03-06".into()));
        assert_eq!(date_span(None), None);
    }

    #[test]
    fn bulk_lines_are_an_action_and_a_document_on_one_line_each() {
        let lines = bulk_lines("talash", &passage(Some("2024-05")));
        let parsed: Vec<Value> = lines
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(parsed.len(), 2, "{lines}");
        assert_eq!(parsed[0]["index"]["_id"], "a#2");
        assert_eq!(parsed[1]["date_to"], "2024-05-31");
        assert_eq!(parsed[1]["text"], "Words \"quoted\"\nand a new line.");
        let undated = document(&passage(None));
        assert!(undated.get("date_from").is_none());
    }

    #[test]
    fn the_gazetteer_becomes_one_synonym_rule_a_group() {
        let config = crate::schema::Config::shipped().unwrap();
        let body = index_body(&config.gazetteer, 1);
        let rules = body["settings"]["analysis"]["filter"]["talash_groups"]["synonyms"]
            .as_array()
            .unwrap();
        let ttp = rules
            .iter()
            .filter_map(Value::as_str)
            .find(|r| r.contains("Pakistani Taliban"))
            .expect("a TTP rule");
        assert!(
            ttp.contains("TTP") && ttp.contains("Tehreek-e-Taliban"),
            "{ttp}"
        );
        assert!(
            rules
                .iter()
                .all(|r| !r.as_str().unwrap().split(", ").any(|a| a == "IS")),
            "ambiguous acronyms are not expanded"
        );
    }
}
