//! `--proximity` in `talash search` and `talash batch`: passages where the query's words stand
//! together rank first, and the matches stay the query's own.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;

/// Four articles of the same words in different orders: plain BM25 ties them on any query
/// of their words.
fn orders_index() -> &'static Path {
    static IDX: OnceLock<PathBuf> = OnceLock::new();
    IDX.get_or_init(|| {
        let dir = temp_kept("proximity");
        let corpus = dir.join("corpus");
        for (id, body) in [
            ("a", "Dense graphs and sparse matrices of rows."),
            ("b", "Sparse graphs and dense matrices of rows."),
            ("c", "Matrices of rows and dense sparse graphs."),
            ("d", "Rows of matrices and sparse dense graphs."),
        ] {
            let front = format!("id = \"{id}\"\ntitle = \"Notes\"\ndate = \"2024-05-01\"");
            write_article(&corpus, &format!("{id}.md"), &front, body);
        }
        let idx = dir.join("index");
        index_ok(&corpus, &idx, &["--quiet"]);
        idx
    })
}

fn ids_and_scores(hits: &[serde_json::Value]) -> Vec<(String, f64)> {
    hits.iter()
        .map(|h| {
            let score = h["score"].as_f64().unwrap_or(f64::NAN);
            (field(h, "article_id").to_string(), score)
        })
        .collect()
}

#[test]
fn search_ranks_the_phrase_first_and_matches_the_same_passages() {
    let idx = orders_index();
    let plain = ids_and_scores(&search_in(idx, &["sparse matrices"]));
    assert_eq!(plain.len(), 4, "{plain:?}");
    assert!(
        plain.iter().all(|h| h.1 == plain[0].1),
        "plain BM25 ties: {plain:?}"
    );
    for by in [&[][..], &["--by-article"][..]] {
        let args = [&["sparse matrices", "--proximity"][..], by].concat();
        let near = ids_and_scores(&search_in(idx, &args));
        assert_eq!(near.len(), 4, "{by:?}: {near:?}");
        assert_eq!(near[0].0, "a", "{by:?}: a has the phrase: {near:?}");
        assert!(near[0].1 > near[1].1, "{by:?}: {near:?}");
    }
    // Spaced as the query spaces it: "matrices of rows" is in a, b and c, not in d.
    let near = ids_and_scores(&search_in(idx, &["matrices of rows", "--proximity"]));
    assert_eq!(near.last().map(|h| h.0.as_str()), Some("d"), "{near:?}");
    assert!(near[2].1 > near[3].1, "d scores below, not tied: {near:?}");
    // An excluded word still excludes; feedback runs on top of it.
    let near = search_in(idx, &["sparse matrices -dense", "--proximity"]);
    assert!(near.is_empty(), "every article has \"dense\": {near:?}");
    let fb = search_in(
        idx,
        &["sparse matrices", "--proximity", "--prf", "rm3:2:3:0.7"],
    );
    assert_eq!(fb.len(), 4, "feedback on top: {fb:?}");
    assert_eq!(field(&fb[0], "article_id"), "a", "{fb:?}");
}

#[test]
fn batch_ranks_the_phrase_first_on_passages_and_articles() {
    let idx = orders_index();
    let dir = temp_kept("proximity-batch");
    let q = dir.join("q.tsv");
    std::fs::write(&q, "1\tsparse matrices\n2\tthe rows of matrices\n").unwrap();
    let q = q.to_str().unwrap();
    for docid in ["passage", "article"] {
        let r = talash_in(idx, &["batch", q, "--docid", docid, "--proximity"]);
        assert_eq!(r.code, 0, "{docid}: {}", r.stderr);
        let first = |qid: &str| {
            r.stdout
                .lines()
                .find(|l| l.starts_with(&format!("{qid} ")))
                .and_then(|l| l.split_whitespace().nth(2))
                .map(|d| d.split('#').next().unwrap_or(d).to_string())
        };
        assert_eq!(first("1").as_deref(), Some("a"), "{docid}: {}", r.stdout);
        assert_eq!(first("2").as_deref(), Some("d"), "{docid}: {}", r.stdout);
        let lines = |s: &str| s.lines().count();
        let plain = talash_in(idx, &["batch", q, "--docid", docid]);
        assert_eq!(
            lines(&r.stdout),
            lines(&plain.stdout),
            "{docid}: the same matches"
        );
    }
}

/// On the shipped corpus: a query of the words runs with the flag in both commands.
#[test]
fn proximity_runs_on_the_shipped_corpus() {
    let plain = search_json(&["counter terrorism dialogue", "-n", "5"]);
    let near = search_json(&["counter terrorism dialogue", "-n", "5", "--proximity"]);
    assert_eq!(near.len(), plain.len());
    let score = |h: &serde_json::Value| h["score"].as_f64().unwrap_or(0.0);
    assert!(
        score(&near[0]) > score(&plain[0]),
        "the best passage has the words together: {near:?}"
    );
    let q = batch_data("queries.tsv");
    let q = q.to_string_lossy();
    let r = talash_in(corpus_index(), &["batch", &q, "--proximity", "--hits", "5"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
