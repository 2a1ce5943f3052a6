//! `talash export --to opensearch|quickwit`: the files parse, name every field of the schema,
//! hold every passage once, and the Quickwit NDJSON re-imported into Talash ranks the same.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// The field names of the shipped schema, read from index-schema/schema.toml.
fn schema_fields() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo().join("index-schema/schema.toml")).unwrap();
    let schema: toml::Value = toml::from_str(&text).unwrap();
    let fields: BTreeSet<String> = schema["field"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert!(fields.len() >= 11, "{fields:?}");
    fields
}

fn export(target: &str, name: &str) -> PathBuf {
    let dir = temp(name).keep().join("export");
    let idx = corpus_index().to_str().unwrap();
    let r = run(
        TALASH,
        &[
            "--index",
            idx,
            "export",
            "--to",
            target,
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("exported "), "{}", r.stdout);
    // Issue 21 item 8: counts in the right number, sizes as people read them.
    let first = r.stdout.lines().next().unwrap_or_default();
    assert!(first.contains(" passages for "), "{first}");
    assert!(
        first.ends_with(" kB") || first.ends_with(" MB") || first.ends_with(" B"),
        "{first}"
    );
    assert!(
        !first.contains(" 1 files") && !first.contains("bytes"),
        "{first}"
    );
    dir
}

/// Every line of the export's data parts, parsed, in part order.
fn ndjson(dir: &Path) -> Vec<Value> {
    let mut parts: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ndjson"))
        .collect();
    parts.sort();
    assert!(!parts.is_empty(), "no data part in {}", dir.display());
    parts
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{l}: {e}")))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The passage ids of the shipped corpus index, each once.
fn indexed_passages() -> u64 {
    let idx = corpus_index().to_str().unwrap();
    let r = run(
        TALASH,
        &["--index", idx, "facets", "--field", "group", "--json"],
    );
    let v: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    v["passages"].as_u64().unwrap()
}

fn assert_each_passage_once(docs: &[&Value]) {
    let ids: Vec<&str> = docs
        .iter()
        .map(|d| d["passage_id"].as_str().unwrap())
        .collect();
    let distinct: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), distinct.len(), "a passage appears twice");
    assert_eq!(ids.len() as u64, indexed_passages(), "every passage, once");
}

#[test]
fn the_opensearch_export_parses_and_maps_every_schema_field() {
    let dir = export("opensearch", "export-os");
    let body: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let props = body["mappings"]["properties"].as_object().unwrap();
    for f in schema_fields() {
        assert!(props.contains_key(&f), "mapping lacks {f}");
    }
    assert_eq!(props["date_from"]["type"], "date");
    assert_eq!(
        props["group"]["fields"]["tree"]["analyzer"],
        "talash_group_tree"
    );
    let analysis = &body["settings"]["analysis"];
    assert_eq!(
        analysis["tokenizer"]["talash_group_path"]["type"],
        "path_hierarchy"
    );
    assert_eq!(analysis["filter"]["talash_groups"]["type"], "synonym_graph");
    assert_eq!(props["text"]["search_analyzer"], "talash_english_search");
    let lines = ndjson(&dir);
    assert_eq!(
        lines.len() % 2,
        0,
        "an action line and a document line each"
    );
    let (actions, docs): (Vec<_>, Vec<_>) = lines.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    for ((_, a), (_, d)) in actions.iter().zip(&docs) {
        assert_eq!(a["index"]["_id"], d["passage_id"]);
        for key in d.as_object().unwrap().keys() {
            assert!(
                props.contains_key(key),
                "{key} is not mapped (dynamic: strict)"
            );
        }
    }
    let docs: Vec<&Value> = docs.into_iter().map(|(_, d)| d).collect();
    assert_each_passage_once(&docs);
    let dated = docs
        .iter()
        .find(|d| d["date"] == "2023-03")
        .expect("a month-dated passage");
    assert_eq!(
        (dated["date_from"].as_str(), dated["date_to"].as_str()),
        (Some("2023-03-01"), Some("2023-03-31"))
    );
}

#[test]
fn the_quickwit_export_parses_and_maps_every_schema_field() {
    let dir = export("quickwit", "export-qw");
    let text = std::fs::read_to_string(dir.join("index-config.yaml")).unwrap();
    let config: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let mapping = &config["doc_mapping"];
    assert_eq!(mapping["timestamp_field"].as_str(), Some("date_from"));
    let fields: HashMap<String, &serde_yaml::Value> = mapping["field_mappings"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f))
        .collect();
    for f in schema_fields() {
        assert!(fields.contains_key(&f), "doc mapping lacks {f}");
    }
    assert_eq!(fields["date_from"]["type"].as_str(), Some("datetime"));
    assert_eq!(fields["date_from"]["fast"].as_bool(), Some(true));
    assert_eq!(fields["text"]["tokenizer"].as_str(), Some("en_stem"));
    let docs = ndjson(&dir);
    for d in &docs {
        for key in d.as_object().unwrap().keys() {
            assert!(
                fields.contains_key(key),
                "{key} is not mapped (mode: strict)"
            );
        }
        for v in d.as_object().unwrap().values() {
            assert!(!v.is_null(), "strict mode: absent, not null");
        }
    }
    let refs: Vec<&Value> = docs.iter().collect();
    assert_each_passage_once(&refs);
    let khorasan = docs
        .iter()
        .find(|d| {
            d["group"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g == "ISIS/Khorasan")
        })
        .expect("a passage about ISIS/Khorasan");
    assert!(
        khorasan["group_tree"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "ISIS")
    );
}

/// A passage id as a JSONL article id ('#' is not allowed in one).
fn article_id_of(passage_id: &str) -> String {
    passage_id.replace('#', ".")
}

/// The exported passages as a Talash JSONL collection, one article a passage.
fn as_jsonl(docs: &[Value]) -> String {
    docs.iter()
        .map(|d| {
            let mut a = serde_json::json!({
                "id": article_id_of(d["passage_id"].as_str().unwrap()),
                "title": d["title"],
                "text": d["text"],
            });
            for (from, to) in [
                ("outlet_name", "outlet"),
                ("date", "date"),
                ("author", "author"),
                ("kind", "kind"),
            ] {
                if let Some(v) = d.get(from) {
                    a[to] = v.clone();
                }
            }
            format!("{a}\n")
        })
        .collect()
}

#[test]
fn the_quickwit_ndjson_reimports_into_talash_with_the_same_results() {
    let dir = export("quickwit", "export-reimport");
    let corpus = dir.parent().unwrap().join("reimport");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("passages.jsonl"), as_jsonl(&ndjson(&dir))).unwrap();
    let idx = dir.parent().unwrap().join("index");
    index_ok(&corpus, &idx, &["--quiet", "--jsonl-passages", "article"]);
    // Every match (the corpus has 52 passages), compared as (score, passage) sets: ids with
    // '.' for '#' settle ties in another order.
    let queries: [&[&str]; 6] = [
        &["counterterrorism"],
        &["TTP"],
        &["\"joint statement\""],
        &["dialogue", "--since", "2024"],
        &["Daesh", "--group", "ISIS"],
        &["cooperation", "--outlet", "the express tribune"],
    ];
    let mut compared = 0;
    for q in queries {
        let all: Vec<&str> = q.iter().copied().chain(["--limit", "100"]).collect();
        let ranked = |idx: &Path, map: &dyn Fn(&str) -> String| {
            let mut rows: Vec<(String, String)> = search_in(idx, &all)
                .iter()
                .map(|h| {
                    (
                        format!("{:.4}", h["score"].as_f64().unwrap()),
                        map(field(h, "passage_id")),
                    )
                })
                .collect();
            rows.sort();
            rows
        };
        let want = ranked(corpus_index(), &|p| format!("{}#1", article_id_of(p)));
        let got = ranked(&idx, &|p| p.to_string());
        assert!(!want.is_empty(), "{q:?} finds nothing");
        assert_eq!(got, want, "{q:?}");
        compared += want.len();
    }
    assert!(compared > 20, "{compared}");
}

#[test]
fn an_index_with_an_undated_passage_is_exported_for_quickwit_without_a_timestamp_field() {
    // Quickwit refuses a document that lacks the timestamp field, so an undated passage must
    // not meet one; every other passage still carries its date span.
    let root = temp_kept("export-undated");
    let corpus = root.join("corpus");
    write_article(
        &corpus,
        "dated.md",
        "id = \"dated\"\ntitle = \"Dated\"\ndate = \"2024-05-02\"",
        "The harbour reopened after the storm.",
    );
    write_article(
        &corpus,
        "undated.md",
        "id = \"undated\"\ntitle = \"Undated\"",
        "Ships waited in the bay for days.",
    );
    let idx = root.join("index");
    index_ok(&corpus, &idx, &["--quiet"]);
    let dir = root.join("export");
    talash_ok(&idx, &["export", "--to", "quickwit", dir.to_str().unwrap()]);
    let text = std::fs::read_to_string(dir.join("index-config.yaml")).unwrap();
    let config: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert!(
        config["doc_mapping"].get("timestamp_field").is_none(),
        "{text}"
    );
    let docs = ndjson(&dir);
    assert_eq!(docs.len(), 2);
    let undated = docs.iter().find(|d| d["article_id"] == "undated").unwrap();
    assert!(undated.get("date_from").is_none(), "{undated}");
    let dated = docs.iter().find(|d| d["article_id"] == "dated").unwrap();
    assert_eq!(dated["date_from"], "2024-05-02");
}
