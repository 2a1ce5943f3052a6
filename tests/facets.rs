//! Facet counts through the real binaries: `search --facets` (tree, `--facet-year`, plain
//! output) and `talash facets`, on the small corpus (expected counts derived from its
//! description) and on the shipped corpus (against its front matter and filtered searches).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::small::*;
use common::*;
use serde_json::Value;

/// The `{"facets": ...}` line of `search --facets --json`, and the hits before it.
fn search_facets(idx: &Path, args: &[&str]) -> (Vec<Value>, Value) {
    let mut all = vec!["search", "--json", "--facets"];
    all.extend_from_slice(args);
    let mut lines = json_lines(&talash_ok(idx, &all));
    let last = lines.pop().expect("a facets line");
    assert!(
        last.get("facets").is_some(),
        "last line is not facets: {last}"
    );
    (lines, last["facets"].clone())
}

/// Facet nodes flattened to path → passages (and articles when present).
fn flatten(nodes: &Value, out: &mut BTreeMap<String, (u64, Option<u64>)>) {
    for n in nodes.as_array().into_iter().flatten() {
        out.insert(
            n["path"].as_str().unwrap().to_string(),
            (n["passages"].as_u64().unwrap(), n["articles"].as_u64()),
        );
        flatten(&n["children"], out);
    }
}

/// Expected passages and articles per group path (a passage counts once for each ancestor).
fn expected_groups() -> BTreeMap<String, (u64, BTreeSet<&'static str>)> {
    let mut out: BTreeMap<String, (u64, BTreeSet<&str>)> = BTreeMap::new();
    for a in SMALL {
        for (_, groups) in a.paras {
            let mut paths = BTreeSet::new();
            for g in *groups {
                let segs: Vec<&str> = g.split('/').collect();
                for d in 1..=segs.len() {
                    paths.insert(segs[..d].join("/"));
                }
            }
            for p in paths {
                let e = out.entry(p).or_default();
                e.0 += 1;
                e.1.insert(a.id);
            }
        }
    }
    out
}

/// Expected passages and articles per key of an article (outlet, year, ...).
fn expected_by(key: impl Fn(&Art) -> Option<String>) -> BTreeMap<String, (u64, u64)> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for a in SMALL {
        if let Some(k) = key(a) {
            let e = out.entry(k).or_default();
            e.0 += a.paras.len() as u64;
            e.1 += 1;
        }
    }
    out
}

#[test]
fn search_facets_on_the_small_corpus_equal_counts_from_its_description() {
    let (hits, facets) = search_facets(small_index(), &["zebra", "--limit", "2"]);
    assert_eq!(hits.len(), 2, "the page stays two hits");
    assert_eq!(facets["matching_passages"], total_passages());
    let mut got = BTreeMap::new();
    flatten(&facets["group"], &mut got);
    let want: BTreeMap<String, (u64, Option<u64>)> = expected_groups()
        .into_iter()
        .map(|(k, v)| (k, (v.0, None)))
        .collect();
    assert_eq!(got, want);
    // ISIS/Khorasan sits under ISIS in the tree.
    let isis = facets["group"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["value"] == "ISIS")
        .unwrap();
    assert_eq!(isis["children"][0]["path"], "ISIS/Khorasan");

    let mut outlets = BTreeMap::new();
    for n in facets["outlet"].as_array().unwrap() {
        outlets.insert(
            n["value"].as_str().unwrap().to_string(),
            n["passages"].as_u64().unwrap(),
        );
    }
    let want: BTreeMap<String, u64> = expected_by(|a| a.outlet.map(str::to_string))
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect();
    assert_eq!(outlets, want);

    let mut years = BTreeMap::new();
    flatten(&facets["year"], &mut years);
    let want: BTreeMap<String, (u64, Option<u64>)> =
        expected_by(|a| a.date.map(|d| d[..4].to_string()))
            .into_iter()
            .map(|(k, v)| (k, (v.0, None)))
            .collect();
    assert_eq!(years, want);
}

#[test]
fn facet_year_adds_the_months_of_that_year() {
    let (_, facets) = search_facets(small_index(), &["zebra", "--facet-year", "2022"]);
    let y2022 = facets["year"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["value"] == "2022")
        .unwrap();
    let months: Vec<(&str, u64)> = y2022["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["path"].as_str().unwrap(), m["passages"].as_u64().unwrap()))
        .collect();
    assert_eq!(months, [("2022/01", 4), ("2022/03", 2)]);
    // --facet-year needs --facets.
    let r = run(
        TALASH,
        &[
            "--index",
            small_index().to_str().unwrap(),
            "search",
            "zebra",
            "--facet-year",
            "2022",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn facets_command_on_the_small_corpus_has_passage_and_article_counts() {
    let lines = json_lines(&talash_ok(small_index(), &["facets", "--json"]));
    assert_eq!(lines.len(), 3);
    for l in &lines {
        assert_eq!(l["passages"], total_passages());
        assert_eq!(l["articles"], SMALL.len());
    }
    let mut groups = BTreeMap::new();
    flatten(&lines[0]["values"], &mut groups);
    let want: BTreeMap<String, (u64, Option<u64>)> = expected_groups()
        .into_iter()
        .map(|(k, v)| (k, (v.0, Some(v.1.len() as u64))))
        .collect();
    assert_eq!(groups, want);
    let ungrouped: u64 = SMALL
        .iter()
        .flat_map(|a| a.paras)
        .filter(|p| p.1.is_empty())
        .count() as u64;
    assert_eq!(lines[0]["without_value"]["passages"], ungrouped);

    let mut outlets = BTreeMap::new();
    for n in lines[1]["values"].as_array().unwrap() {
        outlets.insert(
            n["value"].as_str().unwrap().to_string(),
            (
                n["passages"].as_u64().unwrap(),
                n["articles"].as_u64().unwrap(),
            ),
        );
    }
    assert_eq!(outlets, expected_by(|a| a.outlet.map(str::to_string)));

    // Dates nest year > month > day, each level counting everything below it.
    let mut dates = BTreeMap::new();
    flatten(&lines[2]["values"], &mut dates);
    let mut want = BTreeMap::new();
    for depth in [4, 7, 10] {
        for (k, v) in expected_by(|a| {
            a.date
                .filter(|d| d.len() >= depth)
                .map(|d| d[..depth].replace('-', "/"))
        }) {
            want.insert(k, (v.0, Some(v.1)));
        }
    }
    assert_eq!(dates, want);
    assert_eq!(lines[2]["without_value"]["passages"], 1);

    // Text output names every value with both counts.
    let text = talash_ok(small_index(), &["facets", "--field", "outlet"]);
    assert!(text.contains("passages articles"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("Alpha Times")
                && l.split_whitespace().rev().take(2).collect::<Vec<_>>() == ["2", "6"]),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// The shipped corpus.

/// The front matter of the shipped corpus: article id → (outlet, date), read by this test.
fn shipped_front_matter() -> BTreeMap<String, (Option<String>, Option<String>)> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(repo().join("corpus")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !name.ends_with(".md") || name == "README.md" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let front = text.split("+++").nth(1).unwrap();
        let value = |key: &str| {
            front.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        let id = value("id").unwrap_or_else(|| name.trim_end_matches(".md").to_string());
        out.insert(id, (value("outlet"), value("date")));
    }
    out
}

#[test]
fn facets_command_on_the_shipped_corpus_matches_its_front_matter() {
    let idx = corpus_index();
    let front = shipped_front_matter();
    // Passages per article, from `show --article` (counted by article id, not by facet).
    let passages_of = |id: &str| -> u64 {
        let v: Value = serde_json::from_str(
            talash_ok(idx, &["show", &format!("{id}#1"), "--article", "--json"]).trim(),
        )
        .unwrap();
        v["passages"].as_array().unwrap().len() as u64
    };
    let mut per_outlet: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut per_year: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut total = 0;
    for (id, (outlet, date)) in &front {
        let n = passages_of(id);
        total += n;
        if let Some(o) = outlet {
            let e = per_outlet.entry(o.clone()).or_default();
            e.0 += n;
            e.1 += 1;
        }
        if let Some(d) = date {
            let e = per_year.entry(d[..4].to_string()).or_default();
            e.0 += n;
            e.1 += 1;
        }
    }
    let lines = json_lines(&talash_ok(idx, &["facets", "--json"]));
    assert_eq!(lines[1]["field"], "outlet");
    assert_eq!(lines[1]["passages"], total);
    assert_eq!(lines[1]["articles"], front.len());
    assert_eq!(counts(&lines[1]), per_outlet);
    assert_eq!(counts(&lines[2]), per_year);
}

/// A facet line of `talash facets --json`: value → (passages, articles).
fn counts(line: &serde_json::Value) -> BTreeMap<String, (u64, u64)> {
    line["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let count = |k: &str| n[k].as_u64().unwrap();
            let value = n["value"].as_str().unwrap().to_string();
            (value, (count("passages"), count("articles")))
        })
        .collect()
}

fn counted(idx: &std::path::Path, args: &[&str]) -> u64 {
    totals_in(idx, args).0
}

/// Facets count the passages whose own text matches (not every passage of an article whose
/// title matches): each count equals `--count` of the same search filtered to the value, a
/// tally over the article ids rather than the facet collector.
#[test]
fn search_facets_on_the_shipped_corpus_equal_filtered_search_counts() {
    let idx = corpus_index();
    let (hits, facets) = search_facets(idx, &[BROAD, "--limit", "3", "--facet-year", "2023"]);
    assert_eq!(hits.len(), 3);
    let all = search_in(idx, &[BROAD, "--limit", "10000"]);
    assert_eq!(facets["matching_passages"], counted(idx, &[BROAD]));
    assert!(facets["matching_passages"].as_u64().unwrap() <= all.len() as u64);
    assert!(all.len() > 3, "the facets must cover more than the page");
    let mut groups = BTreeMap::new();
    flatten(&facets["group"], &mut groups);
    assert!(groups.contains_key("ISIS/Khorasan"), "{groups:?}");
    for (path, (n, _)) in &groups {
        assert_eq!(*n, counted(idx, &[BROAD, "--group", path]), "group {path}");
    }
    for o in facets["outlet"].as_array().unwrap() {
        let name = o["value"].as_str().unwrap();
        assert_eq!(
            o["passages"],
            counted(idx, &[BROAD, "--outlet", name]),
            "outlet {name}"
        );
    }
    let mut years = BTreeMap::new();
    flatten(&facets["year"], &mut years);
    assert!(years.contains_key("2023/03"), "{years:?}");
    for (path, (n, _)) in &years {
        let d = path.replace('/', "-");
        assert_eq!(
            *n,
            counted(idx, &[BROAD, "--since", &d, "--until", &d]),
            "date {d}"
        );
    }
}

/// Issue 21 item 4: a title match lifts a passage's score but does not make it count. The hit
/// list of "dialogue" holds every passage of the articles titled so; `--count`, `--facets` and
/// the timeline count only the passages whose own text says it, as `text:dialogue` finds them,
/// and `--count` says how many more the list holds because of their title alone.
#[test]
fn counts_leave_out_passages_that_match_only_by_their_title() {
    let idx = corpus_index();
    let listed = search_in(idx, &["dialogue", "--limit", "1000"]);
    let own = search_in(idx, &["text:dialogue", "--limit", "1000"]);
    let articles: BTreeSet<&str> = own.iter().map(|h| field(h, "article_id")).collect();
    assert!(
        listed.len() > own.len() && !own.is_empty(),
        "{} listed, {} in their own text",
        listed.len(),
        own.len()
    );
    let (n, a) = (own.len(), articles.len());
    assert_eq!(totals_in(idx, &["dialogue"]), (n as u64, a as u64));
    let text = talash_ok(idx, &["search", "dialogue", "--count", "-n", "1"]);
    let more = listed.len() - n;
    let want = format!("{n} passages in {a} articles; {more} more passages match");
    assert!(text.lines().last().unwrap().starts_with(&want), "{text}");
    let (_, facets) = search_facets(idx, &["dialogue", "--limit", "1"]);
    assert_eq!(facets["matching_passages"], n as u64);
    let mut years = BTreeMap::new();
    flatten(&facets["year"], &mut years);
    assert_eq!(
        years.values().map(|v| v.0).sum::<u64>(),
        n as u64,
        "{years:?}"
    );
    let timeline = talash_ok(idx, &["timeline", "dialogue"]);
    assert!(
        timeline.contains(&format!("Total: {n} passages, {a} articles")),
        "{timeline}"
    );
}

#[test]
fn plain_facets_are_indented_trees_after_the_hits() {
    let text = talash_ok(corpus_index(), &["search", "Daesh", "--facets", "-n", "1"]);
    let at = text.find("Facets of all").expect("a facets block");
    let block = &text[at..];
    let isis = block
        .lines()
        .position(|l| l.starts_with("  ISIS "))
        .unwrap();
    let next = block.lines().nth(isis + 1).unwrap();
    assert!(next.starts_with("    Khorasan"), "{block}");
    assert!(
        block.contains("Outlet\n") && block.contains("Year\n"),
        "{block}"
    );
}
