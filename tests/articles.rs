//! Article-level ranking (`search --by-article`): exact against a brute-force aggregation of
//! every matching passage, deterministic on ties.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;

/// A corpus of articles with several paragraphs each, whose words vary by a fixed rule so that
/// articles match the test queries with different numbers of passages and strengths.
fn varied_corpus(dir: &Path, articles: usize) {
    let words = [
        "ceasefire",
        "militants",
        "border",
        "dialogue",
        "sanctions",
        "attack",
        "province",
        "talks",
        "security",
        "envoy",
        "refugees",
        "drone",
    ];
    for a in 0..articles {
        let mut body = String::new();
        for p in 0..(1 + a % 5) {
            let mut para = Vec::new();
            for w in 0..(8 + (a * 7 + p * 3) % 20) {
                para.push(words[(a * 5 + p * 11 + w * w) % words.len()]);
            }
            body.push_str(&para.join(" "));
            body.push_str(".\n\n");
        }
        write_article(
            dir,
            &format!("a{a:03}.md"),
            &format!("id = \"a{a:03}\"\ntitle = \"Report {a}\"\ndate = \"2024-01-01\""),
            &body,
        );
    }
}

struct Row {
    id: String,
    score: f64,
    matched: u64,
}

fn by_article(idx: &Path, query: &str, agg: &str, limit: usize) -> Vec<Row> {
    let n = limit.to_string();
    search_in(
        idx,
        &[query, "--by-article", "--aggregate", agg, "--limit", &n],
    )
    .iter()
    .map(|h| Row {
        id: field(h, "article_id").to_string(),
        score: h["score"].as_f64().unwrap_or(f64::NAN),
        matched: h["matched_passages"].as_u64().unwrap_or(0),
    })
    .collect()
}

/// The brute force: every matching passage (passage search with a limit above the corpus
/// size), folded per article in the test, then sorted by score and article id.
fn brute_force(idx: &Path, query: &str, agg: &str, limit: usize) -> Vec<Row> {
    let all = search_in(idx, &[query, "--limit", "10000"]);
    let mut per: HashMap<String, Vec<f64>> = HashMap::new();
    for h in &all {
        per.entry(field(h, "article_id").to_string())
            .or_default()
            .push(h["score"].as_f64().unwrap_or(f64::NAN));
    }
    let mut rows: Vec<Row> = per
        .into_iter()
        .map(|(id, scores)| {
            let max = scores.iter().cloned().fold(f64::MIN, f64::max);
            let sum: f64 = scores.iter().sum();
            let score = match agg {
                "max" => max,
                "sum" => sum,
                "maxplus" => {
                    max + f64::from(talash::search::articles::MAXPLUS_WEIGHT) * (sum - max)
                }
                other => panic!("unknown aggregation {other}"),
            };
            Row {
                id,
                score,
                matched: scores.len() as u64,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.id.cmp(&b.id))
    });
    rows.truncate(limit);
    rows
}

#[test]
fn top_articles_equal_a_brute_force_aggregation() {
    let tmp = temp("articles");
    varied_corpus(tmp.path(), 60);
    // Two indexing threads write two segments here, so the cross-segment merge is exercised.
    let idx = build_index(tmp.path(), "articles-exact");
    for query in [
        "ceasefire",
        "border talks",
        "drone attack province",
        "envoy",
    ] {
        for agg in ["max", "sum", "maxplus"] {
            let got = by_article(&idx, query, agg, 10);
            let want = brute_force(&idx, query, agg, 10);
            assert_eq!(got.len(), want.len(), "{query} {agg}");
            assert_eq!(
                got.len(),
                10,
                "{query}: the corpus has more than 10 matches"
            );
            let got_refs: Vec<&Row> = got.iter().collect();
            assert_rows_match(&format!("{query} {agg}"), &got_refs, &want);
            for (g, w) in got.iter().zip(&want) {
                if g.id == w.id {
                    assert_eq!(g.matched, w.matched, "{query} {agg} {}", g.id);
                }
            }
        }
    }
}

#[test]
fn top_articles_stay_exact_after_an_update_rewrites_articles() {
    let tmp = temp("articles-update");
    varied_corpus(tmp.path(), 60);
    let idx = build_index(tmp.path(), "articles-update");
    // Rewrite a third of the articles with another's (multi-passage) body, and add new ones:
    // the update writes them into new segments, each article's passages in one.
    let body_of = |a: usize| {
        let text = std::fs::read_to_string(tmp.path().join(format!("a{a:03}.md"))).unwrap();
        let body = text.rsplit("+++").next().unwrap().to_string();
        format!("{body}\n\nThe envoy spoke of a ceasefire at the border.\n")
    };
    let rewrite = |id: String, from: usize| {
        let front = format!("id = \"{id}\"\ntitle = \"Rewritten\"\ndate = \"2024-02-01\"");
        write_article(tmp.path(), &format!("{id}.md"), &front, &body_of(from));
    };
    for a in 0..20 {
        rewrite(format!("a{a:03}"), a + 23);
    }
    for n in 0..30 {
        rewrite(format!("n{n:03}"), 30 + n);
    }
    index_ok(tmp.path(), &idx, &["--quiet", "--threads", "2"]);
    for query in ["ceasefire", "border talks", "envoy"] {
        for agg in ["max", "sum", "maxplus"] {
            let got = by_article(&idx, query, agg, 15);
            let want = brute_force(&idx, query, agg, 15);
            assert_eq!(got.len(), 15, "{query} {agg}");
            let got_refs: Vec<&Row> = got.iter().collect();
            assert_rows_match(&format!("updated {query} {agg}"), &got_refs, &want);
            for (g, w) in got.iter().zip(&want) {
                if g.id == w.id {
                    assert_eq!(g.matched, w.matched, "{query} {agg} {}", g.id);
                }
            }
        }
    }
}

/// The same articles with the same scores, up to f32 rounding of sums; ids may differ only
/// where scores tie within that rounding.
fn assert_rows_match(context: &str, got: &[&Row], want: &[Row]) {
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g.score - w.score).abs() < 1e-3 * w.score.abs().max(1.0),
            "{context}: {} {} vs {} {}",
            g.id,
            g.score,
            w.id,
            w.score
        );
        assert!(
            g.id == w.id || (g.score - w.score).abs() < 1e-3,
            "{context}: {} vs {}",
            g.id,
            w.id
        );
    }
}

#[test]
fn an_article_ranks_by_its_best_passage_under_max() {
    let idx = corpus_index();
    let passages = search_in(idx, &["Landberg", "--limit", "100"]);
    let articles = search_in(idx, &["Landberg", "--by-article"]);
    let top = &articles[0];
    assert_eq!(
        field(top, "article_id"),
        "et-2023-03-06-counter-terror-dialogue"
    );
    let best = &top["best_passage"];
    assert_eq!(field(best, "passage_id"), field(&passages[0], "passage_id"));
    assert_eq!(top["score"], passages[0]["score"]);
    let matched = passages
        .iter()
        .filter(|p| field(p, "article_id") == field(top, "article_id"))
        .count() as u64;
    assert_eq!(top["matched_passages"].as_u64(), Some(matched));
}

/// Four articles with the same title and `body`, so they score identically; their ids are
/// written in an order unlike their sort, so a tie broken by file order would show.
fn same_articles(dir: &Path, body: &str) {
    for id in ["zeta", "alpha", "mike", "bravo"] {
        write_article(
            dir,
            &format!("{id}.md"),
            &format!("id = \"{id}\"\ntitle = \"Same\""),
            body,
        );
    }
}

#[test]
fn equal_scores_rank_by_article_id_whatever_the_file_order() {
    let tmp = temp("articles");
    same_articles(
        tmp.path(),
        "The envoy met the delegation.\n\nNothing else happened.\n",
    );
    let idx = build_index(tmp.path(), "articles-ties");
    let ids: Vec<String> = by_article(&idx, "envoy", "max", 10)
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, ["alpha", "bravo", "mike", "zeta"]);
    let page: Vec<String> = search_in(&idx, &["envoy", "--by-article", "--offset", "1", "-n", "2"])
        .iter()
        .map(|h| field(h, "article_id").to_string())
        .collect();
    assert_eq!(page, ["bravo", "mike"]);
}

#[test]
fn aggregate_needs_by_article_and_a_known_name() {
    let idx = corpus_index();
    let idx = idx.to_str().unwrap();
    let r = run(
        TALASH,
        &["--index", idx, "search", "TTP", "--aggregate", "sum"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--by-article"), "{}", r.stderr);
    let r = run(
        TALASH,
        &[
            "--index",
            idx,
            "search",
            "TTP",
            "--by-article",
            "--aggregate",
            "mean",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("max, sum, maxplus"), "{}", r.stderr);
}

/// `talash batch --docid article` over a query file: (qid, docid, score) per line, checked to
/// be a valid trec_eval run on the way.
fn batch_articles(idx: &Path, queries: &[&str], agg: &str, hits: usize) -> Vec<(String, Row)> {
    let dir = temp("articles");
    let file = dir.path().join("q.tsv");
    let lines: Vec<String> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| format!("q{i}\t{q}"))
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let n = hits.to_string();
    let r = run(
        TALASH,
        &[
            "--index",
            idx.to_str().unwrap(),
            "batch",
            file.to_str().unwrap(),
            "--docid",
            "article",
            "--aggregate",
            agg,
            "--hits",
            &n,
            "--threads",
            "2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut seen = std::collections::HashSet::new();
    let mut last: Option<(String, usize, f64)> = None;
    r.stdout
        .lines()
        .map(|line| {
            let cols: Vec<&str> = line.split(' ').collect();
            assert_eq!(cols.len(), 6, "a TREC run line has 6 columns: {line}");
            assert_eq!(cols[1], "Q0", "{line}");
            let (qid, docid) = (cols[0].to_string(), cols[2].to_string());
            let rank: usize = cols[3].parse().expect("rank");
            let score: f64 = cols[4].parse().expect("score");
            assert!(
                seen.insert((qid.clone(), docid.clone())),
                "duplicate: {line}"
            );
            match &last {
                Some((q, r, s)) if *q == qid => {
                    assert_eq!(rank, r + 1, "ranks run on: {line}");
                    assert!(score <= *s, "scores never rise: {line}");
                }
                _ => assert_eq!(rank, 1, "ranks start at 1: {line}"),
            }
            last = Some((qid.clone(), rank, score));
            (
                qid,
                Row {
                    id: docid,
                    score,
                    matched: 0,
                },
            )
        })
        .collect()
}

#[test]
fn batch_article_runs_hold_exactly_the_best_articles() {
    let tmp = temp("articles");
    varied_corpus(tmp.path(), 60);
    let idx = build_index(tmp.path(), "articles-batch");
    let queries = ["ceasefire", "border talks", "drone attack province"];
    for agg in ["max", "sum", "maxplus"] {
        let run = batch_articles(&idx, &queries, agg, 10);
        for (i, q) in queries.iter().enumerate() {
            let got: Vec<&Row> = run
                .iter()
                .filter(|(qid, _)| *qid == format!("q{i}"))
                .map(|(_, r)| r)
                .collect();
            let want = brute_force(&idx, q, agg, 10);
            assert_eq!(got.len(), 10, "{q} {agg}: --hits counts articles");
            assert_rows_match(&format!("{q} {agg}"), &got, &want);
        }
    }
}

#[test]
fn batch_article_ties_go_to_the_smaller_article_id() {
    let tmp = temp("articles");
    same_articles(
        tmp.path(),
        "The envoy met the delegation.\n\nThe envoy left.\n",
    );
    let idx = build_index(tmp.path(), "articles-batch-ties");
    for agg in ["max", "sum", "maxplus"] {
        let ids: Vec<String> = batch_articles(&idx, &["envoy"], agg, 3)
            .into_iter()
            .map(|(_, r)| r.id)
            .collect();
        assert_eq!(ids, ["alpha", "bravo", "mike"], "{agg}");
    }
}

#[test]
fn aggregate_in_batch_needs_docid_article() {
    let dir = temp("articles");
    let file = dir.path().join("q.txt");
    std::fs::write(&file, "TTP\n").unwrap();
    let idx = corpus_index().to_str().unwrap();
    let f = file.to_str().unwrap();
    let r = run(TALASH, &["--index", idx, "batch", f, "--aggregate", "sum"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--docid article"), "{}", r.stderr);
}

#[test]
fn a_jsonl_article_is_one_passage_unless_asked_to_cut() {
    let tmp = temp("articles");
    let c = tmp.path().join("c");
    std::fs::create_dir_all(&c).unwrap();
    let long = "The envoy spoke about border security at length. ".repeat(40);
    let doc = serde_json::json!({
        "id": "long1",
        "title": "A long report",
        "text": format!("{long}\n\nA second paragraph names the ceasefire."),
    });
    std::fs::write(c.join("docs.jsonl"), format!("{doc}\n")).unwrap();
    // Markdown beside it is still cut into paragraphs.
    write_article(
        &c,
        "md.md",
        "id = \"md\"\ntitle = \"Markdown\"",
        "First paragraph on the ceasefire.\n\nSecond paragraph on the ceasefire.\n",
    );
    let idx = tmp.path().join("idx");
    index_ok(&c, &idx, &[]);
    let hits = search_in(&idx, &["ceasefire", "--limit", "50"]);
    let ids: Vec<&str> = hits.iter().map(|h| field(h, "passage_id")).collect();
    assert!(ids.contains(&"long1#1"), "{ids:?}");
    assert!(!ids.iter().any(|i| i.starts_with("long1#2")), "{ids:?}");
    assert!(ids.contains(&"md#1") && ids.contains(&"md#2"), "{ids:?}");
    let whole = hits.iter().find(|h| field(h, "passage_id") == "long1#1");
    let text = field(whole.unwrap(), "text");
    assert!(
        text.starts_with("The envoy") && text.ends_with("ceasefire."),
        "{text}"
    );

    // Cutting on request is a change of configuration: a full build, more passages.
    let r = index_into(&c, &idx, &["--jsonl-passages", "paragraph"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("full build: the passage unit of JSONL collections"),
        "{}",
        r.stderr
    );
    let ids: Vec<String> = search_in(&idx, &["envoy OR ceasefire", "--limit", "50"])
        .iter()
        .map(|h| field(h, "passage_id").to_string())
        .collect();
    assert!(
        ids.iter().filter(|i| i.starts_with("long1#")).count() >= 3,
        "{ids:?}"
    );
}
