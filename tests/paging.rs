//! Pages of results and `--per-article`: pages concatenate to one long page (even with tied
//! scores), and at most N passages per article are kept, the best ones.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::small::*;
use common::*;

#[test]
fn per_article_keeps_at_most_n_per_article_and_pages_consistently() {
    let idx = small_index();
    let all = search_in(idx, &["zebra", "--limit", "100"]);
    assert_eq!(all.len() as u64, total_passages());
    for n in [1usize, 2] {
        let per = n.to_string();
        let collapsed = search_in(idx, &["zebra", "--per-article", &per, "--limit", "100"]);
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for h in &collapsed {
            *counts
                .entry(field(h, "article_id").to_string())
                .or_default() += 1;
        }
        assert!(counts.values().all(|&c| c <= n), "{counts:?}");
        // Every article is there with min(n, its passages).
        for a in SMALL {
            assert_eq!(counts.get(a.id).copied(), Some(a.paras.len().min(n)));
        }
        // Pages of 1 concatenate to the single long page.
        let mut paged = Vec::new();
        for offset in 0..collapsed.len() + 1 {
            let off = offset.to_string();
            let page = search_in(
                idx,
                &[
                    "zebra",
                    "--per-article",
                    &per,
                    "--limit",
                    "1",
                    "--offset",
                    &off,
                ],
            );
            paged.extend(page.iter().map(|h| field(h, "passage_id").to_string()));
        }
        let whole: Vec<String> = collapsed
            .iter()
            .map(|h| field(h, "passage_id").to_string())
            .collect();
        assert_eq!(paged, whole);
    }
}

#[test]
fn pages_concatenate_to_one_long_page_even_with_tied_scores() {
    // The small corpus's passages are near-identical, so many scores tie.
    let idx = small_index();
    let whole: Vec<String> = search_in(idx, &["zebra", "--limit", "100"])
        .iter()
        .map(|h| field(h, "passage_id").to_string())
        .collect();
    let mut paged = Vec::new();
    for offset in (0..whole.len() + 2).step_by(2) {
        let off = offset.to_string();
        for h in search_in(idx, &["zebra", "--limit", "2", "--offset", &off]) {
            paged.push(field(&h, "passage_id").to_string());
        }
    }
    assert_eq!(paged, whole);
}

// ---------------------------------------------------------------------------------------------
// The shipped corpus.

#[test]
fn per_article_one_never_repeats_an_article_on_the_shipped_corpus() {
    let idx = corpus_index();
    let all = search_in(idx, &[BROAD, "--limit", "10000"]);
    let one = search_in(idx, &[BROAD, "--per-article", "1", "--limit", "100"]);
    let ids: Vec<&str> = one.iter().map(|h| field(h, "article_id")).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
    let every: BTreeSet<&str> = all.iter().map(|h| field(h, "article_id")).collect();
    assert_eq!(
        unique, every,
        "each matching article keeps its best passage"
    );
    // The kept passage is the article's best one.
    for h in &one {
        let best = all
            .iter()
            .find(|a| field(a, "article_id") == field(h, "article_id"))
            .unwrap();
        assert_eq!(h["score"], best["score"]);
    }
}

/// Issue 21, item 6: a page past the end says how many results there were, on stderr, with
/// exit status 1; in passages and in articles.
#[test]
fn paging_past_the_end_says_how_many_there_were() {
    let idx = corpus_index();
    let all = search_in(idx, &["TTP", "--limit", "1000"]);
    let r = talash_in(idx, &["search", "TTP", "--offset", "500"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr.trim(),
        format!("No more results: {} in total.", all.len())
    );
    let r = talash_in(idx, &["search", "TTP", "--by-article", "--offset", "500"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("No more results: 5 in total."),
        "{}",
        r.stderr
    );
}

/// Issue 21, item 6: `--count` prints "N passages in M articles" (only when asked), the same
/// numbers as `talash facets` and the timeline count, with `--by-article` too.
#[test]
fn count_prints_passages_and_articles_only_when_asked() {
    let idx = corpus_index();
    let plain = talash_ok(idx, &["search", "TTP", "-n", "1"]);
    assert!(!plain.contains("passages in"), "{plain}");
    let text = talash_ok(idx, &["search", "TTP", "-n", "1", "--count"]);
    let last = text.lines().last().unwrap();
    let (passages, articles) = totals_in(idx, &["TTP"]);
    assert_eq!(
        last,
        format!("{passages} passages in {articles} articles"),
        "{text}"
    );
    let timeline = talash_ok(idx, &["timeline", "TTP"]);
    assert!(
        timeline.contains(&format!("Total: {passages} passages, {articles} articles")),
        "{timeline}"
    );
    let one = talash_ok(idx, &["search", "Landberg", "--count"]);
    assert!(one.trim_end().ends_with("1 passage in 1 article"), "{one}");
    // By article too: the same line, after the rows, never dropped silently.
    let rows = talash_ok(
        idx,
        &["search", "TTP", "--by-article", "-n", "1", "--count"],
    );
    assert_eq!(
        rows.lines().last().unwrap(),
        format!("{passages} passages in {articles} articles"),
        "{rows}"
    );
    let json = json_lines(&talash_ok(
        idx,
        &[
            "search",
            "TTP",
            "--by-article",
            "-n",
            "1",
            "--count",
            "--json",
        ],
    ));
    assert!(json[0].get("article_id").is_some(), "{json:?}");
    assert_eq!(json[1]["totals"]["passages"], passages, "{json:?}");
    assert_eq!(json[1]["totals"]["articles"], articles, "{json:?}");
}

/// Issue 21, item 6: `--sort date|-date|score`.
#[test]
fn sort_orders_by_date_either_way() {
    let idx = corpus_index();
    let dates = |sort: &str| -> Vec<String> {
        search_in(idx, &["Pakistan", "--sort", sort, "--limit", "100"])
            .iter()
            .map(|h| field(h, "date").to_string())
            .collect()
    };
    let oldest = dates("date");
    let newest = dates("-date");
    assert!(oldest.len() > 5);
    let mut sorted = oldest.clone();
    sorted.sort();
    assert_eq!(oldest, sorted, "oldest first");
    sorted.reverse();
    assert_eq!(newest, sorted, "newest first");
    assert_ne!(dates("score"), oldest, "score order is another order");
    let r = talash_in(idx, &["search", "x", "--sort", "size"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("-date (newest first)"), "{}", r.stderr);
}
