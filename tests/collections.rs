//! JSONL collections in the indexer, `talash-smart` conversion and `talash eval` from the command
//! line, on small files the tests write.

mod common;

use common::{TALASH, index_and_run_collection, index_into, run, search_in, temp, temp_kept};

const GOOD: &str = concat!(
    "{\"id\": \"d1\", \"title\": \"Wing flutter\", \"text\": \"Flutter of a swept wing at high speed.\", \"date\": \"2024-05\", \"outlet\": \"Dawn\"}\n",
    "\n",
    "{\"id\": 2, \"title\": \"Heat transfer\", \"text\": \"Heat conduction in composite slabs.\"}\n",
);

#[test]
fn jsonl_collections_are_indexed_and_searchable() {
    let dir = temp_kept("jsonl-good");
    let docs = dir.join("docs.jsonl");
    std::fs::write(&docs, GOOD).unwrap();
    let idx = dir.join("index");
    let r = index_into(&dir, &idx, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Indexed 2 articles"), "{}", r.stderr);
    let hits = search_in(&idx, &["flutter"]);
    assert_eq!(hits[0]["passage_id"], "d1#1");
    assert_eq!(hits[0]["outlet"], "Dawn");
    assert_eq!(hits[0]["date"], "2024-05");
    let hits = search_in(&idx, &["slabs", "--outlet", "dawn"]);
    assert!(hits.is_empty());
    assert_eq!(search_in(&idx, &["slabs"])[0]["article_id"], "2");
}

#[test]
fn bad_jsonl_lines_name_file_and_line() {
    let dir = temp_kept("jsonl-bad");
    let docs = dir.join("docs.jsonl");
    let bad = format!(
        "{GOOD}{{\"id\": \"d3\", \"title\": \"x\"}}\n{{\"id\": \"d1\", \"text\": \"again\"}}\n"
    );
    std::fs::write(&docs, bad).unwrap();
    let idx = dir.join("index");
    let r = index_into(&docs, &idx, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let want = format!("{}:4: article \"d3\" has no \"text\"", docs.display());
    assert!(r.stderr.contains(&want), "{}", r.stderr);
    assert!(
        !idx.join("meta.json").exists(),
        "no index after a failed run"
    );

    let r = index_into(&docs, &idx, &["--keep-going"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(&want), "{}", r.stderr);
    let dup = format!(
        "{}:5: article id \"d1\" is already used by {}:1",
        docs.display(),
        docs.display()
    );
    assert!(r.stderr.contains(&dup), "{}", r.stderr);
    assert!(r.stderr.contains("Indexed 2 articles"), "{}", r.stderr);
    // The summary says what happened: lines were skipped, the file itself was indexed.
    let said = format!(
        "2 bad lines skipped in {} (listed above); the file's other lines were indexed",
        docs.display()
    );
    assert!(r.stderr.contains(&said), "{}", r.stderr);
    assert!(!r.stderr.contains("file skipped"), "{}", r.stderr);

    // One bad line in one file, one bad line in another, and a bad Markdown file.
    let one = dir.join("one");
    std::fs::create_dir_all(&one).unwrap();
    std::fs::write(one.join("a.jsonl"), format!("{GOOD}{{\"id\": \"d9\"\n")).unwrap();
    std::fs::write(
        one.join("b.jsonl"),
        "{\"id\": \"e1\", \"title\": \"E\", \"text\": \"Gust loads.\"}\n[]\n",
    )
    .unwrap();
    std::fs::write(
        one.join("c.md"),
        "+++\ntitle = \"x\"\ndate = \"2022-13\"\n+++\nbody\n",
    )
    .unwrap();
    let r = index_into(&one, &dir.join("index-one"), &["--keep-going"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let said = format!(
        "1 file skipped because of errors (listed above); 2 bad lines skipped in 2 JSONL files \
         ({}: 1, {}: 1; listed above); the files' other lines were indexed",
        one.join("a.jsonl").display(),
        one.join("b.jsonl").display()
    );
    assert!(r.stderr.contains(&said), "{}", r.stderr);
    assert!(r.stderr.contains("Indexed 3 articles"), "{}", r.stderr);
}

#[test]
fn smart_collections_convert_to_jsonl_queries_and_qrels() {
    let dir = temp_kept("smart");
    std::fs::write(
        dir.join("docs"),
        ".I 1\n.T\nswept wing flutter .\n.A\nsmith\n.W\nswept wing flutter at high speed .\n.I 2\n.T\nslabs .\n.W\nheat conduction in slabs .\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("queries"),
        ".I 001\r\n.W\r\nwing (flutter)?\r\n.I 004\r\n.W\r\nheat in slabs .\r\n",
    )
    .unwrap();
    std::fs::write(dir.join("qrels"), "1 1 2\n2 2 -1\n2 1 3\n").unwrap();
    let out = dir.join("out");
    let arg = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let (d, q, j, o) = (
        arg("docs"),
        arg("queries"),
        arg("qrels"),
        out.to_str().unwrap(),
    );
    let smart = env!("CARGO_BIN_EXE_talash-smart");
    let r = run(
        smart,
        &["--docs", &d, "--queries", &q, "--qrels", &j, "--out", o],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let queries = std::fs::read_to_string(out.join("queries.tsv")).unwrap();
    assert_eq!(queries, "1\twing flutter\n2\theat in slabs\n");
    let qrels = std::fs::read_to_string(out.join("qrels.txt")).unwrap();
    assert_eq!(qrels, "1 0 1 2\n2 0 2 -1\n2 0 1 3\n");

    // The whole loop: index, batch, eval.
    let run_file = index_and_run_collection(&out, &[]);
    let r = run(
        TALASH,
        &[
            "eval",
            out.join("qrels.txt").to_str().unwrap(),
            run_file.to_str().unwrap(),
            "--metrics",
            "P_1,recip_rank",
            "--per-query",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Query 1 finds doc 1 first (relevant); query 2 finds doc 2 first, judged -1 (not
    // relevant), so its first relevant document is doc 1, if found, at rank 2.
    assert!(
        r.stdout.contains("P_1                   \t1\t1.0000"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("P_1                   \t2\t0.0000"),
        "{}",
        r.stdout
    );

    // Judgments naming a query that is not there (ids misread) are refused with the line.
    std::fs::write(dir.join("qrels"), "1 1 2\n3 1 1\n").unwrap();
    let r = run(
        smart,
        &["--docs", &d, "--queries", &q, "--qrels", &j, "--out", o],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{j}:2: query \"3\"")),
        "{}",
        r.stderr
    );
}

#[test]
fn eval_reports_bad_input() {
    let dir = temp_kept("eval-bad");
    let qrels = dir.join("qrels");
    let run_file = dir.join("run");
    std::fs::write(&qrels, "1 0 a 1\n").unwrap();
    std::fs::write(&run_file, "1 Q0 a 1 1.5 t\n1 Q0 b 2\n").unwrap();
    let (q, rf) = (qrels.to_str().unwrap(), run_file.to_str().unwrap());
    let r = run(TALASH, &["eval", q, rf]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{rf}:2: expected 6 columns")),
        "{}",
        r.stderr
    );
    let r = run(TALASH, &["eval", q, rf, "--metrics", "ndcg_cut_x"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("ndcg_cut_K"), "{}", r.stderr);
    std::fs::write(&run_file, "1 Q0 a 1 1.5 t\n").unwrap();
    let r = run(TALASH, &["eval", q, rf, "--metrics", "map"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "num_q                 \tall\t1\nmap                   \tall\t1.0000\n"
    );
}

/// Issue 21 item 9: `talash eval` has the measures trec_eval users expect, by trec_eval's
/// names, printed as trec_eval prints them; the values are worked out by hand for a ranking
/// with an unjudged and a negatively judged document.
#[test]
fn eval_prints_ndcg_rprec_and_bpref_by_trec_eval_names() {
    let dir = temp("eval-measures");
    let (qrels, run_file) = (dir.path().join("qrels"), dir.path().join("run"));
    // R = 2 relevant (a, d), 2 judged non-relevant (b, c), e judged -1, x unjudged.
    std::fs::write(&qrels, "1 0 a 1\n1 0 b 0\n1 0 c 0\n1 0 d 1\n1 0 e -1\n").unwrap();
    let ranks = ["b", "x", "a", "e", "c", "d"];
    let lines: String = ranks
        .iter()
        .enumerate()
        .map(|(i, d)| format!("1 Q0 {d} {} {} t\n", i + 1, 6 - i))
        .collect();
    std::fs::write(&run_file, lines).unwrap();
    let (q, rf) = (qrels.to_str().unwrap(), run_file.to_str().unwrap());
    let r = run(TALASH, &["eval", q, rf, "--metrics", "ndcg,Rprec,bpref"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // nDCG: gains at ranks 3 and 6 against the ideal ranks 1 and 2. Rprec: no relevant one
    // in the first R = 2. bpref: a has 1 of the N = 2 judged non-relevant above it, d has 2.
    let ndcg = (1.0 / 4f64.log2() + 1.0 / 7f64.log2()) / (1.0 + 1.0 / 3f64.log2());
    let row = |m: &str, v: String| format!("{m:<22}\tall\t{v}\n");
    let want = [
        row("num_q", "1".into()),
        row("ndcg", format!("{ndcg:.4}")),
        row("Rprec", "0.0000".into()),
        row(
            "bpref",
            format!("{:.4}", ((1.0 - 1.0 / 2.0) + (1.0 - 2.0 / 2.0)) / 2.0),
        ),
    ]
    .concat();
    assert_eq!(r.stdout, want);
}
