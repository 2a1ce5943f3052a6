//! `talash timeline`: periods with gaps filled, coarser and undated articles set apart, the
//! chart scaled to the terminal's columns, and per-year counts equal to filtered searches.

mod common;

use std::process::Command;

use common::small::*;
use common::*;
use serde_json::Value;

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

// ---------------------------------------------------------------------------------------------
// The shipped corpus.

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
            let (passages, articles) = totals_in(idx, &[q, "--since", y, "--until", y]);
            assert_eq!(p["passages"], passages, "{q} in {y}");
            assert_eq!(p["articles"], articles, "{q} in {y}");
            sum += passages;
        }
        assert_eq!(t["total"]["passages"], sum, "{q}: every match is in a year");
    }
}

/// Issue 21, item 4: a title match does not count every passage of its article. On
/// 2023-03-06 the article titled "Counter-terror dialogue ..." has 9 passages; the timeline
/// counts only those whose own text says "dialogue", as `text:dialogue` finds them.
#[test]
fn timeline_counts_passages_that_match_in_their_own_text() {
    let idx = corpus_index();
    let day = "2023-03-06";
    let t: Value = serde_json::from_str(
        talash_ok(
            idx,
            &[
                "timeline", "dialogue", "--by", "day", "--since", "2023-03", "--until", "2023-03",
                "--json",
            ],
        )
        .trim(),
    )
    .unwrap();
    let row = t["periods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["period"] == day)
        .expect("a row for the day")
        .clone();
    let own_text: Vec<Value> = search_in(idx, &["text:dialogue", "--limit", "1000"])
        .into_iter()
        .filter(|h| field(h, "date") == day)
        .collect();
    let titled: Vec<Value> = search_in(idx, &["dialogue", "--limit", "1000"])
        .into_iter()
        .filter(|h| field(h, "date") == day)
        .collect();
    assert!(
        titled.len() > own_text.len(),
        "the title matches more passages than the text"
    );
    assert_eq!(row["passages"], own_text.len(), "{row}");
    let plain = talash_ok(
        idx,
        &[
            "timeline", "dialogue", "--by", "day", "--since", "2023-03", "--until", "2023-03",
        ],
    );
    let line = plain.lines().find(|l| l.starts_with(day)).unwrap();
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols[1], own_text.len().to_string(), "{plain}");
}
