//! `talash show`: a passage with its neighbours, the whole article, and the errors for
//! unknown and malformed ids, on the small corpus (and an id copied from the shipped corpus).

mod common;

use common::small::*;
use common::*;
use serde_json::Value;

#[test]
fn show_returns_the_right_neighbours() {
    let idx = small_index();
    let shown = |args: &[&str]| -> Value {
        let mut all = vec!["show", "--json"];
        all.extend_from_slice(args);
        serde_json::from_str(talash_ok(idx, &all).trim()).unwrap()
    };
    let ids = |v: &Value| -> Vec<String> {
        v["passages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["passage_id"].as_str().unwrap().to_string())
            .collect()
    };
    let s = shown(&["a1#2", "--context", "1"]);
    assert_eq!(ids(&s), ["a1#1", "a1#2", "a1#3"]);
    assert_eq!(s["article_passages"], 4);
    assert_eq!(s["outlet"], "Alpha Times");
    let targets: Vec<bool> = s["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["target"].as_bool().unwrap())
        .collect();
    assert_eq!(targets, [false, true, false]);
    assert_eq!(s["passages"][1]["text"], SMALL[0].paras[1].0);
    assert_eq!(
        ids(&shown(&["a1#1", "--context", "2"])),
        ["a1#1", "a1#2", "a1#3"]
    );
    assert_eq!(ids(&shown(&["a1#4", "--context", "1"])), ["a1#3", "a1#4"]);
    assert_eq!(ids(&shown(&["a1#3", "--context", "0"])), ["a1#3"]);
    assert_eq!(
        ids(&shown(&["a1#3"])),
        ["a1#2", "a1#3", "a1#4"],
        "one by default"
    );
    assert_eq!(
        ids(&shown(&["a2#1", "--article"])),
        ["a2#1", "a2#2"],
        "--article shows the whole article"
    );

    // Plain output marks the passage asked for.
    let text = talash_ok(idx, &["show", "a1#2"]);
    let marked: Vec<&str> = text.lines().filter(|l| l.starts_with('▶')).collect();
    assert_eq!(marked, ["▶ a1#2 · groups: ISIS/Khorasan"], "{text}");
    assert!(text.contains("Alpha Times · 2022-01-15"), "{text}");
}

#[test]
fn show_explains_unknown_and_malformed_ids() {
    let idx = small_index().to_str().unwrap();
    let r = run(TALASH, &["--index", idx, "show", "nope#1"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no passage \"nope#1\""), "{}", r.stderr);
    assert!(r.stderr.contains("talash search"), "{}", r.stderr);
    let r = run(TALASH, &["--index", idx, "show", "a1#9"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("#1 to #4"), "{}", r.stderr);
    let r = run(TALASH, &["--index", idx, "show", "#1"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a passage id"), "{}", r.stderr);
    let r = run(TALASH, &["--index", idx, "show", "nope"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no article \"nope\""), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
}

/// Issue 21, item 7: `show` takes the article ids `--by-article` prints, and shows the
/// whole article.
#[test]
fn show_takes_the_article_ids_by_article_prints() {
    let idx = small_index();
    let rows = json_lines(&talash_ok(
        idx,
        &["search", "--by-article", "--json", "attack"],
    ));
    let id = rows[0]["article_id"].as_str().unwrap().to_string();
    let text = talash_ok(idx, &["show", &id]);
    assert!(text.contains(&format!("{id}#1")), "{text}");
    let shown: serde_json::Value =
        serde_json::from_str(talash_ok(idx, &["show", &id, "--json"]).trim()).unwrap();
    let passages = shown["passages"].as_array().unwrap();
    assert_eq!(
        passages.len() as u64,
        shown["article_passages"].as_u64().unwrap()
    );
    assert!(passages.iter().all(|p| p["target"] == false));
    assert!(!text.contains('▶'), "no passage is marked: {text}");
    // --context has no passage to count around: refused, not ignored.
    let r = talash_in(idx, &["show", &id, "--context", "1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("--context counts passages around a passage id")
            && r.stderr
                .contains("is an article id, which shows the whole article"),
        "{}",
        r.stderr
    );

    // On the shipped corpus, the id as plain `--by-article` prints it, copied from its row.
    let idx = corpus_index();
    let out = talash_ok(idx, &["search", "Landberg", "--by-article"]);
    let id = out
        .lines()
        .next()
        .and_then(|l| l.trim_start().strip_prefix("1. "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no first row: {out}"));
    assert_eq!(id, "et-2023-03-06-counter-terror-dialogue");
    let text = talash_ok(idx, &["show", id]);
    assert!(
        text.contains(&format!("{id} · passages 1-9 of 9")),
        "{text}"
    );
    for n in 1..=9 {
        assert!(text.contains(&format!("{id}#{n}")), "#{n}: {text}");
    }
}
