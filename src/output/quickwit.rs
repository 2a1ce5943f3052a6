//! The Quickwit export: an index config (YAML) with a doc mapping of every schema field, and the
//! passages as NDJSON for `quickwit tool local-ingest` (docs/SCALE-OUT.md).
//!
//! Quickwit offers fixed tokenizers (`raw`, `default`, `en_stem`, `whitespace`, ...), no stop
//! words, no synonyms and no path-hierarchy tokenizer. So the text fields use `en_stem` (the
//! closest to ours: lowercase and English stemming), group paths are written twice, as tagged
//! (`group`) and with their ancestors (`group_tree`, so `group_tree:ISIS` is `--group ISIS`),
//! and a partial date is its span `date_from`/`date_to`. `date_from` is the timestamp field
//! when every passage is dated: Quickwit refuses a document without its timestamp field
//! ("the document must contain field ...", quickwit-oss/quickwit#5356), so an index with
//! undated passages is exported without one (no time pruning of splits; the date fields are
//! still fast and filterable).

use serde_json::{Value, json};

use crate::output::opensearch::passage_fields;
use crate::search::stored::StoredPassage;

/// The index config, as YAML; `all_dated` says whether every passage has a date, which a
/// timestamp field requires.
pub fn index_config(index_id: &str, all_dated: bool) -> String {
    let raw =
        |name: &str| json!({ "name": name, "type": "text", "tokenizer": "raw", "fast": true });
    let text = |name: &str| json!({ "name": name, "type": "text", "tokenizer": "en_stem", "record": "position", "fieldnorms": true });
    let day = |name: &str| json!({ "name": name, "type": "datetime", "input_formats": ["%Y-%m-%d"], "output_format": "%Y-%m-%d", "fast": true, "fast_precision": "seconds" });
    let mut config = json!({
        "version": "0.8",
        "index_id": index_id,
        "doc_mapping": {
            "mode": "strict",
            "field_mappings": [
                raw("passage_id"),
                raw("article_id"),
                { "name": "passage_no", "type": "u64", "fast": true },
                text("title"),
                text("text"),
                { "name": "group", "type": "array<text>", "tokenizer": "raw", "fast": true },
                { "name": "group_tree", "type": "array<text>", "tokenizer": "raw", "fast": true },
                { "name": "group_evidence", "type": "array<json>", "indexed": false, "stored": true },
                raw("outlet"),
                raw("outlet_name"),
                raw("date"),
                day("date_from"),
                day("date_to"),
                { "name": "author", "type": "text", "tokenizer": "en_stem" },
                raw("kind"),
                { "name": "url", "type": "text", "tokenizer": "raw", "indexed": false },
                raw("lang"),
            ],
        },
        "search_settings": { "default_search_fields": ["title", "text"] },
        "indexing_settings": { "commit_timeout_secs": 30 },
    });
    let mut out = String::from(
        "# Quickwit index config written by `talash export --to quickwit` (docs/SCALE-OUT.md).\n",
    );
    if all_dated {
        config["doc_mapping"]["timestamp_field"] = "date_from".into();
    } else {
        out.push_str(
            "# No timestamp_field: some passages are undated, and Quickwit refuses a document\n\
             # without its timestamp field.\n",
        );
    }
    yaml(&config, 0, &mut out);
    out
}

/// Every group path with its ancestors, once each: `ISIS/Khorasan` gives `ISIS` too.
pub fn group_tree(groups: &[String]) -> Vec<String> {
    let mut tree: Vec<String> = Vec::new();
    for g in groups {
        let parts: Vec<&str> = g.split('/').collect();
        for depth in 1..=parts.len() {
            let path = parts[..depth].join("/");
            if !tree.contains(&path) {
                tree.push(path);
            }
        }
    }
    tree
}

/// A passage as one NDJSON line: the schema's fields, the date's span and the group tree.
pub fn document_line(p: &StoredPassage) -> String {
    let mut doc = passage_fields(p);
    // Quickwit's strict mode takes a missing field, not a null one, as "no value".
    doc.retain(|_, v| !v.is_null());
    doc.insert("group_tree".into(), group_tree(&p.groups).into());
    format!("{}\n", Value::Object(doc))
}

/// Block-style YAML of a JSON value. Strings are written as JSON strings, which YAML reads as
/// double-quoted scalars with the same escapes, so no value can be misread as another type.
fn yaml(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                out.push_str(&format!("{pad}{k}:"));
                scalar_or_block(x, indent, out);
            }
        }
        Value::Array(items) => {
            for x in items {
                match x {
                    Value::Object(_) | Value::Array(_) => {
                        let mut inner = String::new();
                        yaml(x, indent + 2, &mut inner);
                        // The first key goes on the dash's line.
                        out.push_str(&format!("{pad}- {}", inner.trim_start()));
                    }
                    _ => out.push_str(&format!("{pad}- {x}\n")),
                }
            }
        }
        _ => out.push_str(&format!("{pad}{v}\n")),
    }
}

fn scalar_or_block(x: &Value, indent: usize, out: &mut String) {
    match x {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            yaml(x, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            yaml(x, indent + 2, out);
        }
        _ => out.push_str(&format!(" {x}\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_trees_hold_each_ancestor_once() {
        let tree = group_tree(&["ISIS".into(), "ISIS/Khorasan".into(), "TTP".into()]);
        assert_eq!(tree, ["ISIS", "ISIS/Khorasan", "TTP"]);
        assert_eq!(group_tree(&["A/B/C".into()]), ["A", "A/B", "A/B/C"]);
    }

    #[test]
    fn the_timestamp_field_is_set_only_when_every_passage_is_dated() {
        assert!(index_config("t", true).contains("timestamp_field: \"date_from\""));
        let undated = index_config("t", false);
        assert!(
            !undated
                .lines()
                .any(|l| l.trim_start().starts_with("timestamp_field:")),
            "{undated}"
        );
        assert!(undated.contains("No timestamp_field"), "{undated}");
    }

    #[test]
    fn yaml_nests_maps_and_lists_of_maps() {
        let mut out = String::new();
        yaml(
            &json!({ "a": { "b": [ { "c": 1, "d": "x: y" }, "e" ] }, "f": [] }),
            0,
            &mut out,
        );
        assert_eq!(
            out,
            "a:\n  b:\n    - c: 1\n      d: \"x: y\"\n    - \"e\"\nf: []\n"
        );
    }
}
