//! `talash eval` against trec_eval's own C code (PyPI `pytrec-eval-terrier`), on a real run:
//! Cranfield converted by talash-smart, indexed, run by `talash batch`.
//!
//! Needs the shared data (`$TALASH_SHARED/data/cranfield`, else `<repo>/../shared`) and a Python
//! with `pytrec_eval` (`$TALASH_PYTHON`, else `python3`). Without them the test prints why and
//! skips, unless `TALASH_REQUIRE_SHARED=1` (CI), where it fails.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{TALASH, required, run};

const METRICS: &str = "map,ndcg_cut_10,P_10,recall_100,recip_rank,ndcg,Rprec,bpref";

/// Skips (returns None) with a message, or fails in CI.
fn skip<T>(why: String) -> Option<T> {
    if required() {
        panic!("{why} (TALASH_REQUIRE_SHARED=1, so this is a failure)");
    }
    eprintln!("SKIPPED: {why}");
    None
}

fn cranfield() -> Option<PathBuf> {
    let shared = std::env::var_os("TALASH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::repo().join("../shared"));
    let dir = shared.join("data/cranfield");
    if dir.join("cran.all.1400").is_file() {
        Some(dir)
    } else {
        skip(format!(
            "no Cranfield collection at {}; set TALASH_SHARED",
            dir.display()
        ))
    }
}

fn python() -> Option<String> {
    let py = std::env::var("TALASH_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&py)
        .args(["-c", "import pytrec_eval"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some(py)
    } else {
        skip(format!(
            "{py} cannot import pytrec_eval; `pip install pytrec-eval-terrier` and set TALASH_PYTHON"
        ))
    }
}

/// trec_eval's per-query values through pytrec_eval, as {qid: {metric: value}}.
fn pytrec(py: &str, qrels: &Path, run_file: &Path) -> BTreeMap<String, BTreeMap<String, f64>> {
    let script = r#"
import json, sys, pytrec_eval
qrels, run = {}, {}
for line in open(sys.argv[1]):
    q, _, d, r = line.split()
    qrels.setdefault(q, {})[d] = int(r)
for line in open(sys.argv[2]):
    q, _, d, _, s, _ = line.split()
    run.setdefault(q, {})[d] = float(s)
ev = pytrec_eval.RelevanceEvaluator(qrels, set(sys.argv[3].split(",")))
print(json.dumps(ev.evaluate(run)))
"#;
    let out = Command::new(py)
        .args(["-c", script])
        .arg(qrels)
        .arg(run_file)
        .arg(METRICS)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "pytrec_eval failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("pytrec_eval prints JSON")
}

/// `talash eval --per-query` parsed into {qid: {metric: value}}, "all" included.
fn talash_eval(qrels: &Path, run_file: &Path) -> BTreeMap<String, BTreeMap<String, f64>> {
    let r = run(
        TALASH,
        &[
            "eval",
            qrels.to_str().unwrap(),
            run_file.to_str().unwrap(),
            "--metrics",
            METRICS,
            "--per-query",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut all: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for line in r.stdout.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "{line}");
        let v: f64 = cols[2].parse().unwrap();
        all.entry(cols[1].into())
            .or_default()
            .insert(cols[0].trim().into(), v);
    }
    all
}

/// Every per-query value and every mean agree to 4 decimals.
fn compare(qrels: &Path, run_file: &Path, py: &str) {
    let want = pytrec(py, qrels, run_file);
    let got = talash_eval(qrels, run_file);
    assert_eq!(got.len(), want.len() + 1, "queries evaluated differ");
    let close = |a: f64, b: f64| (a - b).abs() <= 0.5e-4 + 1e-9;
    for metric in METRICS.split(',') {
        let mut sum = 0.0;
        for (qid, values) in &want {
            let w = values[metric];
            sum += w;
            let g = got[qid][metric];
            assert!(
                close(g, w),
                "{metric} for query {qid}: talash {g}, trec_eval {w}"
            );
        }
        let mean = sum / want.len() as f64;
        let g = got["all"][metric];
        assert!(
            close(g, mean),
            "{metric} mean: talash {g}, trec_eval {mean}"
        );
    }
    assert_eq!(got["all"]["num_q"], want.len() as f64);
}

#[test]
fn eval_matches_trec_eval_on_a_cranfield_run() {
    let Some(cran) = cranfield() else { return };
    let Some(py) = python() else { return };
    let dir = common::temp("cranfield");
    let out = dir.path();
    // Graded judgments as Cranfield has them (1-4, and -1): gains and negatives both matter.
    let r = run(
        env!("CARGO_BIN_EXE_talash-smart"),
        &[
            "--docs",
            cran.join("cran.all.1400").to_str().unwrap(),
            "--queries",
            cran.join("cran.qry").to_str().unwrap(),
            "--qrels",
            cran.join("cranqrel").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let run_file = common::index_and_run_collection(out, &["--hits", "200"]);
    let qrels = out.join("qrels.txt");
    compare(&qrels, &run_file, &py);

    // The same run with scores rounded to whole numbers: many ties, which trec_eval breaks by
    // docid descending whatever the rank column says.
    let text = std::fs::read_to_string(&run_file).unwrap();
    let tied: String = text
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split(' ').collect();
            let s: f64 = c[4].parse().unwrap();
            format!("{} Q0 {} {} {:.0} tied\n", c[0], c[2], c[3], s)
        })
        .collect();
    let tied_file = out.join("tied.txt");
    std::fs::write(&tied_file, tied).unwrap();
    compare(&qrels, &tied_file, &py);
}
