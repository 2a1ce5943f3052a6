//! Issue 21 item 9: the `talash batch` and `talash eval` examples in --help work as written, on
//! the shipped corpus, with the files in examples/ (and the index found through TALASH_INDEX,
//! as an analyst sets it once).

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// The example command lines of `talash SUB --help`: its lines that start with `  talash `.
fn examples(sub: &str) -> Vec<Vec<String>> {
    let r = run(TALASH, &[sub, "--help"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<Vec<String>> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("  talash "))
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect();
    assert!(!lines.is_empty(), "no examples in talash {sub} --help");
    lines
}

/// Runs `talash ARGS` in `cwd` with TALASH_INDEX set to `idx`.
fn talash_at(cwd: &Path, idx: &Path, args: &[String]) -> Run {
    Command::new(TALASH)
        .args(args)
        .current_dir(cwd)
        .env("TALASH_INDEX", idx)
        .env_remove("NO_COLOR")
        .output()
        .expect("talash runs")
        .into()
}

#[test]
fn batch_and_eval_help_examples_run_as_written_on_the_shipped_corpus() {
    let t = temp("helpex");
    // A copy of the repository's examples/ in a fresh working folder, so run.txt lands there.
    let ex = t.path().join("examples");
    std::fs::create_dir_all(&ex).unwrap();
    for name in ["topics.tsv", "topics.trec", "qrels.txt", "monitor.jsonl"] {
        std::fs::copy(repo().join("examples").join(name), ex.join(name)).unwrap();
    }
    let idx = build_index(&repo().join("corpus"), "helpex-index");

    let batch = examples("batch");
    let eval = examples("eval");
    assert!(batch.iter().any(|a| a.contains(&"--output".to_string())));
    for args in batch.iter().chain(&eval) {
        let r = talash_at(t.path(), &idx, args);
        assert_eq!(r.code, 0, "talash {}: {}", args.join(" "), r.stderr);
        match (args[0].as_str(), args.contains(&"--format".to_string())) {
            ("batch", true) => {
                let hits = json_lines(&r.stdout);
                assert!(!hits.is_empty(), "talash {}: no hits", args.join(" "));
                // Every hit is on or after the --since the example gives.
                for h in &hits {
                    assert!(field(h, "date") >= "2023", "{h}");
                }
            }
            ("batch", false) => {}
            ("eval", _) => {
                // The run found the judged articles: MAP well above zero, each query listed
                // when --per-query asks.
                let map: f64 = r
                    .stdout
                    .lines()
                    .find_map(|l| {
                        let mut w = l.split_whitespace();
                        (w.next() == Some("map") && w.next() == Some("all"))
                            .then(|| w.next()?.parse().ok())
                            .flatten()
                    })
                    .unwrap_or_else(|| panic!("no map line: {}", r.stdout));
                assert!(map > 0.5, "map {map}: {}", r.stdout);
                if args.contains(&"--per-query".to_string()) {
                    for qid in ["landberg", "peshawar", "khorasan"] {
                        assert!(r.stdout.contains(qid), "{qid}: {}", r.stdout);
                    }
                }
            }
            (other, _) => panic!("unexpected example: talash {other}"),
        }
    }
    // The article run names articles, which the judgments judge.
    let run_txt = std::fs::read_to_string(t.path().join("run.txt")).unwrap();
    assert!(run_txt.contains("landberg Q0 et-2023-03-06-counter-terror-dialogue 1 "));
    // The TREC topics example (--topic-field title+desc) ran every topic, into a run the same
    // judgments score.
    assert!(
        batch
            .iter()
            .any(|a| a.contains(&"--topic-field".to_string()))
    );
    let desc = std::fs::read_to_string(t.path().join("run-desc.txt")).unwrap();
    for qid in [
        "landberg",
        "ttp-threat",
        "peshawar",
        "khorasan",
        "financing",
        "intelligence",
    ] {
        assert!(desc.contains(&format!("{qid} Q0 ")), "{qid}: {desc}");
    }
    let eval = [
        "eval",
        "examples/qrels.txt",
        "run-desc.txt",
        "--metrics",
        "map",
    ];
    let r = talash_at(t.path(), &idx, &eval.map(String::from));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let map: f64 = r
        .stdout
        .split_whitespace()
        .last()
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("no map: {}", r.stdout));
    assert!(map > 0.5, "title+desc map {map}: {}", r.stdout);
}
