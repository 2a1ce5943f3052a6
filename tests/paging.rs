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
