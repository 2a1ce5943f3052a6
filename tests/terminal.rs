//! The analyst's terminal (issue 5), through the real binaries: `search --facets`,
//! `--per-article`, `--fields`, `facets`, `show`, `timeline`, completions, man pages, help
//! examples, and colour / progress bar in a pseudo-terminal.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::*;
use serde_json::Value;

/// `talash --index IDX ARGS...`; must succeed; stdout.
fn talash_ok(idx: &Path, args: &[&str]) -> String {
    let mut all = vec!["--index", idx.to_str().unwrap()];
    all.extend_from_slice(args);
    let r = run(TALASH, &all);
    assert_eq!(r.code, 0, "talash {args:?} failed: {}", r.stderr);
    r.stdout
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

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

// ---------------------------------------------------------------------------------------------
// A small corpus written here, with every expected count derived from this description alone.

/// One article of the small corpus: its outlet, date, and paragraphs with the groups each one
/// names (the names used are unambiguous gazetteer names; titles name no group).
struct Art {
    id: &'static str,
    outlet: Option<&'static str>,
    date: Option<&'static str>,
    paras: &'static [(&'static str, &'static [&'static str])],
}

const SMALL: &[Art] = &[
    Art {
        id: "a1",
        outlet: Some("Alpha Times"),
        date: Some("2022-01-15"),
        paras: &[
            ("Zebra report: the TTP claimed the attack.", &["TTP"]),
            (
                "Zebra report: ISIS-Khorasan was also named.",
                &["ISIS/Khorasan"],
            ),
            ("Zebra report: a quiet paragraph.", &[]),
            ("Zebra report: the TTP again.", &["TTP"]),
        ],
    },
    Art {
        id: "a2",
        outlet: Some("Beta Post"),
        date: Some("2022-03"),
        paras: &[
            ("Zebra note: the TTP spoke.", &["TTP"]),
            ("Zebra note: the Balochistan Liberation Army too.", &["BLA"]),
        ],
    },
    Art {
        id: "a3",
        outlet: Some("Alpha Times"),
        date: Some("2024"),
        paras: &[
            ("Zebra memo: Daesh cells.", &["ISIS"]),
            ("Zebra memo: nothing named.", &[]),
        ],
    },
    Art {
        id: "a4",
        outlet: None,
        date: None,
        paras: &[("Zebra scrap: TTP and Daesh together.", &["TTP", "ISIS"])],
    },
];

fn small_index() -> &'static Path {
    static IDX: OnceLock<PathBuf> = OnceLock::new();
    IDX.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("terminal-small")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap()
            .keep();
        let corpus = dir.join("corpus");
        for a in SMALL {
            let mut front = format!("id = \"{}\"\ntitle = \"Report {}\"", a.id, a.id);
            if let Some(o) = a.outlet {
                front.push_str(&format!("\noutlet = \"{o}\""));
            }
            if let Some(d) = a.date {
                front.push_str(&format!("\ndate = \"{d}\""));
            }
            let body: Vec<&str> = a.paras.iter().map(|p| p.0).collect();
            write_article(&corpus, &format!("{}.md", a.id), &front, &body.join("\n\n"));
        }
        build_index(&corpus, "terminal-small")
    })
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

fn total_passages() -> u64 {
    SMALL.iter().map(|a| a.paras.len() as u64).sum()
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
    let r = run(TALASH, &["--index", idx, "show", "a1"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a passage id"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
}

#[test]
fn timeline_by_month_fills_gaps_and_sets_coarser_dates_apart() {
    let t: Value = serde_json::from_str(
        talash_ok(
            small_index(),
            &["timeline", "zebra", "--by", "month", "--json"],
        )
        .trim(),
    )
    .unwrap();
    let periods: Vec<(&str, u64, u64)> = t["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap(),
                p["passages"].as_u64().unwrap(),
                p["articles"].as_u64().unwrap(),
            )
        })
        .collect();
    // a1 (2022-01-15, 4 passages), nothing in February, a2 (2022-03, 2 passages).
    assert_eq!(
        periods,
        [("2022-01", 4, 1), ("2022-02", 0, 0), ("2022-03", 2, 1)]
    );
    // a3 is dated only "2024": not guessed into a month.
    assert_eq!(t["coarser"][0]["period"], "2024");
    assert_eq!(t["coarser"][0]["passages"], 2);
    assert_eq!(t["undated"]["passages"], 1);
    assert_eq!(t["total"]["passages"], total_passages());

    // By day, the month-only article joins the coarser list.
    let t: Value = serde_json::from_str(
        talash_ok(
            small_index(),
            &["timeline", "zebra", "--by", "day", "--json"],
        )
        .trim(),
    )
    .unwrap();
    assert_eq!(t["periods"].as_array().unwrap().len(), 1);
    let coarser: Vec<&str> = t["coarser"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(coarser, ["2022-03", "2024"]);
}

#[test]
fn timeline_chart_is_scaled_to_columns_with_eighth_blocks() {
    let idx = small_index().to_str().unwrap();
    let chart = |cols: &str| {
        let out = Command::new(TALASH)
            .args(["--index", idx, "timeline", "zebra", "--by", "year"])
            .env("COLUMNS", cols)
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    for cols in ["60", "120"] {
        let text = chart(cols);
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("20")).collect();
        // 2022 .. 2024, with 2023 shown as zero.
        assert_eq!(rows.len(), 3, "{text}");
        assert!(
            rows[1].starts_with("2023") && rows[1].contains(" 0 "),
            "{text}"
        );
        let width = cols.parse::<usize>().unwrap();
        for r in &rows {
            assert!(r.chars().count() <= width, "row wider than {width}: {r:?}");
        }
        // The largest period (2022: 6 passages) fills the bar to the edge.
        assert_eq!(rows[0].chars().count(), width, "{text}");
        // 2024 has 2 of 6: a third of the bar, ending in a partial block unless exact.
        let bar_len = |r: &str| r.chars().filter(|c| ('▏'..='█').contains(c)).count();
        assert!(bar_len(rows[2]) * 3 <= bar_len(rows[0]) + 3, "{text}");
        assert!(text.contains("Undated: 1 passage, 1 article"), "{text}");
    }
}

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

const BROAD: &str = "Pakistan OR terrorism OR counterterrorism OR TTP OR dialogue";

#[test]
fn search_facets_on_the_shipped_corpus_equal_filtered_search_counts() {
    let idx = corpus_index();
    let (hits, facets) = search_facets(idx, &[BROAD, "--limit", "3", "--facet-year", "2023"]);
    assert_eq!(hits.len(), 3);
    let all = search_in(idx, &[BROAD, "--limit", "10000"]);
    assert_eq!(facets["matching_passages"], all.len());
    assert!(all.len() > 3, "the facets must cover more than the page");
    // Each group's count equals the number of hits of the same search filtered to the group
    // (a term query on the facet, not the facet collector).
    let mut groups = BTreeMap::new();
    flatten(&facets["group"], &mut groups);
    assert!(groups.contains_key("ISIS/Khorasan"), "{groups:?}");
    for (path, (n, _)) in &groups {
        let filtered = search_in(idx, &[BROAD, "--group", path, "--limit", "10000"]);
        assert_eq!(*n, filtered.len() as u64, "group {path}");
    }
    for o in facets["outlet"].as_array().unwrap() {
        let name = o["value"].as_str().unwrap();
        let filtered = search_in(idx, &[BROAD, "--outlet", name, "--limit", "10000"]);
        assert_eq!(o["passages"], filtered.len(), "outlet {name}");
    }
    let mut years = BTreeMap::new();
    flatten(&facets["year"], &mut years);
    assert!(years.contains_key("2023/03"), "{years:?}");
    for (path, (n, _)) in &years {
        let d = path.replace('/', "-");
        let filtered = search_in(
            idx,
            &[BROAD, "--since", &d, "--until", &d, "--limit", "10000"],
        );
        assert_eq!(*n, filtered.len() as u64, "date {d}");
    }
}

#[test]
fn timeline_per_year_equals_since_until_counts() {
    let idx = corpus_index();
    for q in [BROAD, "TTP", "Daesh"] {
        let t: Value =
            serde_json::from_str(talash_ok(idx, &["timeline", q, "--json"]).trim()).unwrap();
        let periods = t["periods"].as_array().unwrap();
        assert!(!periods.is_empty());
        let mut sum = 0;
        for p in periods {
            let y = p["period"].as_str().unwrap();
            let hits = search_in(idx, &[q, "--since", y, "--until", y, "--limit", "10000"]);
            assert_eq!(p["passages"], hits.len(), "{q} in {y}");
            let articles: BTreeSet<&str> = hits.iter().map(|h| field(h, "article_id")).collect();
            assert_eq!(p["articles"], articles.len(), "{q} in {y}");
            sum += hits.len();
        }
        assert_eq!(t["total"]["passages"], sum, "{q}: every match is in a year");
    }
}

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

#[test]
fn fields_choose_what_plain_search_prints() {
    let idx = corpus_index();
    let ids = talash_ok(idx, &["search", "Landberg", "--fields", "id"]);
    assert_eq!(ids.trim(), "1. et-2023-03-06-counter-terror-dialogue#3");
    let two = talash_ok(idx, &["search", "Landberg", "--fields", "id,title"]);
    assert_eq!(
        two.lines().collect::<Vec<_>>(),
        [
            " 1. et-2023-03-06-counter-terror-dialogue#3",
            "    Counter-terror dialogue with US from today"
        ]
    );
    let r = run(
        TALASH,
        &[
            "--index",
            idx.to_str().unwrap(),
            "search",
            "Landberg",
            "--fields",
            "nope",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("snippet"),
        "valid values are listed: {}",
        r.stderr
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

// ---------------------------------------------------------------------------------------------
// Completions, man pages, help examples.

#[test]
fn completions_for_each_shell_name_the_subcommands() {
    for (shell, marker) in [
        ("bash", "_talash()"),
        ("zsh", "#compdef talash"),
        ("fish", "complete -c talash"),
    ] {
        let r = run(TALASH, &["completions", shell]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains(marker), "{shell}");
        for sub in ["search", "facets", "show", "timeline"] {
            assert!(r.stdout.contains(sub), "{shell} lacks {sub}");
        }
    }
    let r = run(TALASH_INDEX, &["--completions", "bash"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("talash-index") && r.stdout.contains("--keep-going"));
}

#[test]
fn man_pages_are_written_per_subcommand() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let d = dir.path().to_str().unwrap();
    let r = run(TALASH, &["man", "--dir", d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for page in [
        "talash.1",
        "talash-search.1",
        "talash-timeline.1",
        "talash-show.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.contains(".TH"), "{page} is roff");
        assert!(r.stdout.contains(page), "{page} is listed");
    }
    let search = std::fs::read_to_string(dir.path().join("talash-search.1")).unwrap();
    assert!(search.contains("per\\-article"), "options are documented");
    let r = run(TALASH, &["man"]);
    assert!(r.stdout.starts_with(".ie") || r.stdout.contains(".TH talash"));
    let r = run(TALASH_INDEX, &["--man", d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.path().join("talash-index.1").is_file());
}

/// Splits an example line into words, honouring single and double quotes.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (_, c) => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

#[test]
fn every_help_example_runs_and_finds_something_on_the_shipped_corpus() {
    let idx = corpus_index().to_str().unwrap();
    let mut ran = 0;
    for sub in ["", "search", "facets", "show", "timeline", "groups"] {
        let args: Vec<&str> = if sub.is_empty() {
            vec!["--help"]
        } else {
            vec![sub, "--help"]
        };
        let help = run(TALASH, &args).stdout;
        let examples = help.split("Examples:").nth(1).expect("an Examples section");
        for line in examples.lines().map(str::trim) {
            // Skip pipes and redirections, and commands that write files.
            if !line.starts_with("talash ")
                || line.contains(['|', '>'])
                || line.contains(" man ")
                || line.contains("completions")
            {
                continue;
            }
            let line = line.split(" # ").next().unwrap();
            let w = words(line);
            let mut all = vec!["--index", idx];
            all.extend(w[1..].iter().map(String::as_str));
            let r = run(TALASH, &all);
            assert_eq!(r.code, 0, "{line}: {}", r.stderr);
            assert!(
                !r.stdout.trim().is_empty() && !r.stdout.starts_with("No passages"),
                "{line} finds nothing"
            );
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} examples ran");
}

// ---------------------------------------------------------------------------------------------
// A real pseudo-terminal: colours and the progress bar appear there, not when piped.

/// Runs `cmd` (a shell command line) in a pseudo-terminal with util-linux `script`; returns
/// what the terminal received (stdout and stderr together). `None` when `script` is missing.
fn in_pty(cmd: &str, env: &[(&str, &str)]) -> Option<String> {
    let mut c = Command::new("script");
    c.args(["-qec", cmd, "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("TALASH_INDEX")
        .env("COLUMNS", "100");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().ok()?;
    assert!(out.status.success(), "{cmd}: {:?}", out);
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn script_available() -> bool {
    let ok = Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("TALASH_REQUIRE_SHARED").as_deref() != Ok("1"),
            "util-linux `script` is needed for the pseudo-terminal test (TALASH_REQUIRE_SHARED=1)"
        );
        eprintln!("SKIP: util-linux `script` not found; the pseudo-terminal test did not run");
    }
    ok
}

fn quoted(p: &Path) -> String {
    format!("'{}'", p.display())
}

#[test]
fn a_terminal_gets_colours_and_a_progress_bar_a_pipe_does_not() {
    if !script_available() {
        return;
    }
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let idx = dir.path().join("index");
    let corpus = repo().join("corpus");

    // Indexing in a terminal: the bar (block characters, articles count) and the summary.
    let tty = in_pty(
        &format!(
            "{} {} --index {}",
            TALASH_INDEX,
            quoted(&corpus),
            quoted(&idx)
        ),
        &[],
    )
    .unwrap();
    assert!(
        tty.contains("5/5 articles"),
        "no bar in a terminal: {tty:?}"
    );
    assert!(tty.contains('█'), "{tty:?}");
    assert!(tty.contains("\x1b["), "{tty:?}");
    assert!(tty.contains("Indexed 5 articles, 52 passages"), "{tty:?}");
    // --quiet: nothing at all.
    let quiet = in_pty(
        &format!(
            "{} {} --index {} --quiet --full",
            TALASH_INDEX,
            quoted(&corpus),
            quoted(&idx)
        ),
        &[],
    )
    .unwrap();
    assert!(!quiet.contains("articles"), "{quiet:?}");
    // Piped: the summary only. (--full: a re-run would otherwise be an update, which draws no
    // bar anywhere.)
    let piped = index_into(&corpus, &idx, &["--full"]);
    assert_eq!(piped.code, 0);
    assert!(
        piped.stderr.contains("Indexed 5 articles"),
        "{}",
        piped.stderr
    );
    assert!(!piped.stderr.contains('█') && !piped.stderr.contains("\x1b["));
    assert!(!piped.stderr.contains("5/5 articles"));

    // Searching: matches are coloured in a terminal, unless NO_COLOR or --color never.
    let search = format!("{} --index {} search Landberg", TALASH, quoted(&idx));
    let tty = in_pty(&search, &[]).unwrap();
    assert!(tty.contains("\x1b[1;31mLandberg\x1b[0m"), "{tty:?}");
    let no_color = in_pty(&search, &[("NO_COLOR", "1")]).unwrap();
    assert!(no_color.contains("Landberg") && !no_color.contains("\x1b["));
    let never = in_pty(&format!("{search} --color never"), &[]).unwrap();
    assert!(!never.contains("\x1b["), "{never:?}");
    let piped = run(
        TALASH,
        &["--index", idx.to_str().unwrap(), "search", "Landberg"],
    );
    assert!(piped.stdout.contains("Landberg") && !piped.stdout.contains("\x1b["));
    let always = run(
        TALASH,
        &[
            "--index",
            idx.to_str().unwrap(),
            "--color",
            "always",
            "search",
            "Landberg",
        ],
    );
    assert!(always.stdout.contains("\x1b[1;31m"));

    // The timeline draws coloured bars in a terminal, plain ones in a pipe.
    let tty = in_pty(
        &format!("{} --index {} timeline TTP", TALASH, quoted(&idx)),
        &[],
    )
    .unwrap();
    assert!(tty.contains("\x1b[36m█"), "{tty:?}");
}

// ---------------------------------------------------------------------------------------------
// The README's tour is real output.

#[test]
fn readme_tour_outputs_are_what_the_binaries_print() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split("### Seeing a result set")
        .nth(1)
        .and_then(|s| s.split("### Shell completions").next())
        .expect("the README has the tour section");
    let idx = corpus_index().to_str().unwrap();
    let mut checked = 0;
    for block in section.split("```console").skip(1) {
        let block = block.split("```").next().unwrap();
        // Each command starts with "$ " and its output runs to the next command.
        for chunk in block.split("\n$ ").map(|c| c.trim_start_matches("\n$ ")) {
            let chunk = chunk.trim_start_matches("$ ").trim_end();
            if chunk.is_empty() {
                continue;
            }
            let (cmd, want) = chunk.split_once('\n').unwrap_or((chunk, ""));
            let w = words(cmd);
            assert_eq!(w[0], "talash", "{cmd}");
            let out = Command::new(TALASH)
                .args(["--index", idx])
                .args(&w[1..])
                .env("COLUMNS", "80")
                .env_remove("NO_COLOR")
                .output()
                .unwrap();
            let got = String::from_utf8(out.stdout).unwrap();
            assert_eq!(
                got.trim_end(),
                want.trim_end(),
                "README output of `{cmd}` is stale; paste the new output above"
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} README commands checked");
}
