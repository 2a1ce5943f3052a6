//! `talash batch`: golden TREC runs for each query-file format, thread-count independence,
//! bad lines reported with file and line, `--strict`.
//!
//! The goldens in tests/data/batch/*.run are the runs of the query files on the shipped corpus.
//! After a deliberate change to ranking or the corpus, regenerate them with
//! `TALASH_BLESS=1 cargo test --test batch` and review the diff before committing.

mod common;

use std::path::Path;

use common::{Run, batch_data, corpus_index, talash_in, temp_kept};

fn batch(idx: &Path, args: &[&str]) -> Run {
    talash_in(idx, &[&["batch"], args].concat())
}

/// Runs `queries` with 1 and 2 threads, checks both equal the golden, returns the run.
fn check_golden(queries: &str, golden: &str, extra: &[&str]) -> String {
    let q = batch_data(queries);
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let mut args = vec![q.to_str().unwrap(), "--hits", "5", "--threads", threads];
        args.extend_from_slice(extra);
        let r = batch(corpus_index(), &args);
        assert_eq!(
            r.code, 0,
            "{queries} with {threads} thread(s): {}",
            r.stderr
        );
        outputs.push(r.stdout);
    }
    assert_eq!(
        outputs[0], outputs[1],
        "{queries}: 1 and 2 threads give different runs"
    );
    let path = batch_data(golden);
    if std::env::var_os("TALASH_BLESS").is_some() {
        std::fs::write(&path, &outputs[0]).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read golden {}: {e}; create it with TALASH_BLESS=1",
            path.display()
        )
    });
    assert_eq!(
        outputs[0],
        want,
        "{queries}: the run differs from {}; if the change is intended, regenerate with TALASH_BLESS=1",
        path.display()
    );
    outputs.swap_remove(0)
}

/// Checks a TREC run's shape: six columns, ranks from 1, scores not increasing, ties by id.
fn check_trec_shape(run: &str, tag: &str) {
    let mut prev: Option<(String, usize, f32, String)> = None;
    for line in run.lines() {
        let cols: Vec<&str> = line.split(' ').collect();
        assert_eq!(cols.len(), 6, "{line}");
        assert_eq!(cols[1], "Q0");
        assert_eq!(cols[5], tag);
        let rank: usize = cols[3].parse().unwrap();
        let score: f32 = cols[4].parse().unwrap();
        match &prev {
            Some((q, r, s, d)) if q == cols[0] => {
                assert_eq!(rank, r + 1, "{line}");
                assert!(
                    score < *s || (score == *s && cols[2] > d.as_str()),
                    "{line}"
                );
            }
            _ => assert_eq!(rank, 1, "{line}"),
        }
        prev = Some((cols[0].into(), rank, score, cols[2].into()));
    }
}

#[test]
fn plain_text_run_matches_golden() {
    // These two files use the query language ("phrases", -excluded): read them in it.
    let run = check_golden("queries.txt", "txt.run", &["--query-syntax", "talash"]);
    check_trec_shape(&run, "talash");
    // Ids are line numbers: the first query is on line 2, after the comment.
    assert!(run.starts_with("2 Q0 "), "{run}");
    assert!(run.lines().any(|l| l.starts_with("5 Q0 ")), "{run}");
}

#[test]
fn tsv_run_matches_golden() {
    let run = check_golden(
        "queries.tsv",
        "tsv.run",
        &["--run-tag", "tsvrun", "--query-syntax", "talash"],
    );
    check_trec_shape(&run, "tsvrun");
    let ids: Vec<&str> = run.lines().map(|l| l.split(' ').next().unwrap()).collect();
    let mut order = ids.clone();
    order.dedup();
    assert_eq!(order, ["landberg", "ttp", "phrase", "dialogue", "daesh"]);
}

#[test]
fn jsonl_run_matches_golden_and_applies_own_filters() {
    let run = check_golden("queries.jsonl", "jsonl.run", &[]);
    check_trec_shape(&run, "talash");
    // "hits": 3 caps that query below --hits 5.
    assert!(run.lines().filter(|l| l.starts_with("isis ")).count() <= 3);
    // The outlet and date filters leave only Express Tribune passages from March 2023 or before.
    for line in run.lines().filter(|l| l.starts_with("tribune ")) {
        assert!(line.contains(" et-2023-03-"), "{line}");
    }
    for line in run.lines().filter(|l| l.starts_with("ttp-2024 ")) {
        assert!(line.contains("-2024-") || line.contains("-2025-"), "{line}");
    }
}

#[test]
fn trec_topics_run_matches_golden() {
    let run = check_golden("queries.trec", "trec.run", &["--docid", "article"]);
    check_trec_shape(&run, "talash");
    // Article ids, each at most once per query.
    for q in ["301", "302", "303"] {
        let docs: Vec<&str> = run
            .lines()
            .filter(|l| l.starts_with(&format!("{q} ")))
            .map(|l| l.split(' ').nth(2).unwrap())
            .collect();
        assert!(!docs.is_empty(), "{q}: {run}");
        assert!(docs.iter().all(|d| !d.contains('#')), "{docs:?}");
        let mut unique = docs.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), docs.len(), "{docs:?}");
    }
}

#[test]
fn cli_filters_apply_to_every_query() {
    let q = batch_data("queries.tsv");
    let r = batch(
        corpus_index(),
        &[q.to_str().unwrap(), "--group", "ISIS", "--since", "2024"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.is_empty());
    for line in r.stdout.lines() {
        assert!(
            line.contains(" agencies-2024-") || line.contains(" blog-2025-"),
            "{line}"
        );
    }
    let bad = batch(corpus_index(), &[q.to_str().unwrap(), "--group", "nope"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("--group"), "{}", bad.stderr);
}

#[test]
fn jsonl_output_is_search_json_plus_qid() {
    let q = batch_data("queries.tsv");
    let dir = temp_kept("batch-out");
    let out = dir.join("run.jsonl");
    let r = batch(
        corpus_index(),
        &[
            q.to_str().unwrap(),
            "--format",
            "jsonl",
            "--hits",
            "2",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "the run goes to the file: {}",
        r.stdout
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let hits: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!hits.is_empty());
    let first = &hits[0];
    assert_eq!(first["qid"], "landberg");
    let search = common::search_json(&["Landberg", "-n", "1"]);
    for key in search[0].as_object().unwrap().keys() {
        assert_eq!(first[key], search[0][key], "field {key}");
    }
}

#[test]
fn bad_lines_are_reported_and_the_rest_runs() {
    let dir = temp_kept("batch-bad");
    let q = dir.join("q.jsonl");
    std::fs::write(
        &q,
        concat!(
            "{\"id\": \"ok1\", \"query\": \"Landberg\"}\n",
            "{\"id\": \"json\", \"query\": \"Landberg\"\n",
            "{\"id\": \"empty\", \"query\": \"  \"}\n",
            "\n",
            "{\"id\": \"grp\", \"query\": \"TTP\", \"group\": \"Nonexistent Front\"}\n",
            "{\"id\": \"date\", \"query\": \"TTP\", \"since\": \"2024-02-30\"}\n",
            "{\"id\": \"syntax\", \"query\": \"\\\"unclosed\"}\n",
            "{\"id\": \"ok2\", \"query\": \"Daesh\"}\n",
        ),
    )
    .unwrap();
    let talash = ["--query-syntax", "talash"];
    let r = batch(
        corpus_index(),
        &[&[q.to_str().unwrap(), "--hits", "2"][..], &talash].concat(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let file = q.display().to_string();
    for (line, want) in [
        (2, "invalid JSON"),
        (3, "is empty"),
        (5, "\"group\": unknown group"),
        (6, "\"since\": invalid date"),
        (7, "invalid query"),
    ] {
        let prefix = format!("talash: error: {file}:{line}: ");
        let found = r.stderr.lines().find(|l| l.starts_with(&prefix));
        assert!(
            found.is_some_and(|l| l.contains(want)),
            "want {prefix}…{want} in:\n{}",
            r.stderr
        );
    }
    assert!(r.stderr.contains("5 of 7 queries failed"), "{}", r.stderr);
    let qids: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert!(
        qids.contains(&"ok1") && qids.contains(&"ok2"),
        "{}",
        r.stdout
    );
    assert!(qids.iter().all(|q| *q == "ok1" || *q == "ok2"));

    let strict = batch(
        corpus_index(),
        &[&[q.to_str().unwrap(), "--strict"][..], &talash].concat(),
    );
    assert_eq!(strict.code, 1, "{}", strict.stderr);
    assert!(strict.stdout.is_empty(), "{}", strict.stdout);
    let errors: Vec<&str> = strict
        .stderr
        .lines()
        .filter(|l| l.starts_with("talash: error:"))
        .collect();
    // Issue 21 item 8: --strict lists every bad line (the same 5 as without it), not the first.
    assert_eq!(errors.len(), 5, "{}", strict.stderr);
    assert!(errors[0].contains(&format!("{file}:2: invalid JSON")));
    assert!(
        strict
            .stderr
            .contains("--strict: 5 bad lines (listed above); nothing was run"),
        "{}",
        strict.stderr
    );
}

/// Issue 19 item 1: read as words (the default), no line fails or is dropped, whatever it
/// holds; a line without a searchable word is reported on stderr and scored empty.
#[test]
fn lines_are_words_and_none_fails() {
    let dir = temp_kept("batch-words");
    let q = dir.join("q.tsv");
    let lines = [
        ("dateline", "ISLAMABAD: Pakistan and the United States"),
        ("colon", "nutrition: Note:TTP threat"),
        ("paren", "a (+) claim 1) about Landberg"),
        ("quote", "\"unclosed Landberg"),
        ("ops", "AND Landberg OR NOT"),
        ("url", "http://tribune.com.pk/story/1 dialogue"),
        ("dash", "-police +Daesh"),
        ("stop", "the of a (+)"),
    ];
    let text: String = lines.iter().map(|(id, q)| format!("{id}\t{q}\n")).collect();
    std::fs::write(&q, text).unwrap();
    let r = batch(corpus_index(), &[q.to_str().unwrap(), "--hits", "3"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let found: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    for (id, _) in &lines[..7] {
        assert!(found.contains(id), "{id} found nothing:\n{}", r.stdout);
    }
    assert!(!found.contains(&"stop"), "{}", r.stdout);
    let warning = format!(
        "talash: warning: {}:8: query \"stop\" is scored empty",
        q.display()
    );
    assert!(r.stderr.contains(&warning), "{}", r.stderr);
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
    // `-police +Daesh` as words: both are searched, nothing is excluded.
    let run = |extra: &[&str]| {
        let r = batch(
            corpus_index(),
            &[&[q.to_str().unwrap(), "--hits", "1000"][..], extra].concat(),
        );
        r.stdout.lines().filter(|l| l.starts_with("dash ")).count()
    };
    assert!(run(&[]) > run(&["--query-syntax", "talash"]));
    // The query language still has its syntax, and its errors.
    let r = batch(
        corpus_index(),
        &[q.to_str().unwrap(), "--query-syntax", "talash"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(":4: query \"quote\": invalid query"),
        "{}",
        r.stderr
    );
}

/// Issue 19 item 3: `--prf rm3[:DOCS:TERMS:WEIGHT]` runs every query again with feedback
/// terms; its results keep the plain run's best hits for a one-word query and add others.
#[test]
fn feedback_runs_on_passages_and_articles() {
    let q = batch_data("queries.tsv");
    let q = q.to_str().unwrap();
    for docid in ["passage", "article"] {
        let plain = batch(corpus_index(), &[q, "--docid", docid, "--hits", "50"]);
        let fb = batch(
            corpus_index(),
            &[q, "--docid", docid, "--hits", "50", "--prf", "rm3:3:5:0.5"],
        );
        assert_eq!(fb.code, 0, "{docid}: {}", fb.stderr);
        check_trec_shape(&fb.stdout, "talash");
        let count = |run: &str, qid: &str| {
            run.lines()
                .filter(|l| l.starts_with(&format!("{qid} ")))
                .count()
        };
        assert!(
            count(&fb.stdout, "landberg") >= count(&plain.stdout, "landberg"),
            "{docid}: feedback adds terms, so finds at least as much"
        );
        assert_ne!(plain.stdout, fb.stdout, "{docid}: feedback changes the run");
    }
    let bad = batch(corpus_index(), &[q, "--prf", "bo1"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("rm3:DOCS:TERMS:WEIGHT"),
        "{}",
        bad.stderr
    );
}

#[test]
fn format_comes_from_extension_or_flag() {
    let dir = temp_kept("batch-fmt");
    let q = dir.join("topics.list");
    std::fs::write(&q, "a\tLandberg\n").unwrap();
    let r = batch(corpus_index(), &[q.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--input-format"), "{}", r.stderr);
    let r = batch(
        corpus_index(),
        &[q.to_str().unwrap(), "--input-format", "tsv", "--hits", "1"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("a Q0 "), "{}", r.stdout);
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "# nothing\n\n").unwrap();
    let r = batch(corpus_index(), &[empty.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no queries"), "{}", r.stderr);
}

#[test]
fn ties_at_the_cut_off_go_to_the_smallest_ids() {
    // Four articles with the same text score the same. Files are indexed in path order, so
    // tantivy sees the ids in the order zz, yy, bb, aa; the run must still keep aa and bb.
    let dir = temp_kept("batch-ties");
    let corpus = dir.join("corpus");
    for (file, id) in [
        ("1.md", "zz"),
        ("2.md", "yy"),
        ("3.md", "bb"),
        ("4.md", "aa"),
    ] {
        common::write_article(
            &corpus,
            file,
            &format!("id = \"{id}\"\ntitle = \"Same\""),
            "Identical flutter text.\n",
        );
    }
    let idx = dir.join("index");
    let r = common::index_into(&corpus, &idx, &["--quiet", "--threads", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let q = dir.join("q.tsv");
    std::fs::write(&q, "t\tflutter\n").unwrap();
    for docid in ["passage", "article"] {
        let r = batch(
            &idx,
            &[q.to_str().unwrap(), "--hits", "2", "--docid", docid],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let docs: Vec<&str> = r
            .stdout
            .lines()
            .map(|l| l.split(' ').nth(2).unwrap())
            .collect();
        let want: Vec<String> = ["aa", "bb"]
            .iter()
            .map(|a| {
                if docid == "passage" {
                    format!("{a}#1")
                } else {
                    a.to_string()
                }
            })
            .collect();
        assert_eq!(docs, want, "{}", r.stdout);
    }
}

/// Issue 21 item 8: `batch --help` shows quotes, not the backslashes of the source.
#[test]
fn batch_help_has_no_literal_backslashes() {
    let r = common::run(common::TALASH, &["batch", "--help"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"hits\""), "{}", r.stdout);
    assert!(!r.stdout.contains('\\'), "{}", r.stdout);
}

/// The qids of a TREC run, each once, in run order.
fn run_qids(run: &str) -> Vec<String> {
    let mut qids: Vec<String> = Vec::new();
    for l in run.lines() {
        let q = l.split(' ').next().unwrap().to_string();
        if qids.last() != Some(&q) {
            qids.push(q);
        }
    }
    qids
}

/// Issue 21 item 9: `--topic-field` chooses the TREC parts that make the query, as
/// Pyserini's; examples/topics.trec holds the topics of examples/topics.tsv with <desc> and
/// <narr> written for them.
#[test]
fn topic_field_chooses_title_desc_narr_or_a_join() {
    let trec = common::repo().join("examples/topics.trec");
    let tsv = common::repo().join("examples/topics.tsv");
    let run_of = |file: &Path, extra: &[&str]| {
        let mut args = vec![file.to_str().unwrap(), "--docid", "article", "--hits", "10"];
        args.extend_from_slice(extra);
        let r = batch(corpus_index(), &args);
        assert_eq!(r.code, 0, "{extra:?}: {}", r.stderr);
        assert!(r.stderr.is_empty(), "{extra:?}: {}", r.stderr);
        r.stdout
    };
    // The titles are the TSV's queries: "Topic:" and "Number:" are labels, not query words.
    let title = run_of(&trec, &[]);
    assert_eq!(title, run_of(&tsv, &[]));
    assert_eq!(title, run_of(&trec, &["--topic-field", "title"]));
    let qids = run_qids(&title);
    assert_eq!(qids.len(), 6, "{title}");
    // Each other field is a different query for every topic, and no topic is lost.
    let mut runs = vec![title.clone()];
    for field in ["desc", "narr", "title+desc", "title+desc+narr"] {
        let run = run_of(&trec, &["--topic-field", field]);
        check_trec_shape(&run, "talash");
        assert_eq!(run_qids(&run), qids, "{field}");
        assert!(
            !runs.contains(&run),
            "{field} gives the run of another field"
        );
        runs.push(run);
    }
    // Anserini's names for the same parts, and Pyserini's --topics-format for the format.
    let copy = temp_kept("topic-field").join("topics.txt");
    std::fs::copy(&trec, &copy).unwrap();
    assert_eq!(
        run_of(
            &copy,
            &[
                "--topics-format",
                "trec",
                "--topic-field",
                "title+description"
            ]
        ),
        runs[3]
    );
}

#[test]
fn a_topic_without_the_field_is_reported_by_number_and_scored_empty() {
    let dir = temp_kept("topic-missing");
    let q = dir.join("classic.trec");
    // Classic TREC: labels, no closing tags, parts over several lines; 052 has no <desc>.
    std::fs::write(
        &q,
        "<top>\n<num> Number: 051\n<title> Topic: Landberg\n\n<desc> Description:\nWho led the\n\
         US delegation at the counterterrorism dialogue?\n\n<narr> Narrative:\nA relevant \
         article names the coordinator.\n</top>\n\n<top>\n<num> Number: 052\n<title> Topic: \
         Peshawar mosque\n</top>\n",
    )
    .unwrap();
    let file = q.to_str().unwrap();
    let r = batch(corpus_index(), &[file, "--topic-field", "desc"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(run_qids(&r.stdout), ["051"]);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "talash: warning: {file}:13: query \"052\" is scored empty: the topic has no <desc> \
             (--topic-field desc)"
        )
    );
    // With the title, 052 runs on its title alone, and says so.
    let r = batch(corpus_index(), &[file, "--topic-field", "desc+title"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(run_qids(&r.stdout), ["051", "052"]);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "talash: warning: {file}:13: topic \"052\" has no <desc>: its query is its <title> \
             only"
        )
    );
    // An empty topic still counts as a query that found nothing, for trec_eval's -c.
    let qrels = dir.join("qrels.txt");
    std::fs::write(
        &qrels,
        "051 0 et-2023-03-06-counter-terror-dialogue 1\n\
         052 0 eurasia-2023-03-pakistan-us-cooperation 1\n",
    )
    .unwrap();
    let run_file = dir.join("run.txt");
    let r = batch(
        corpus_index(),
        &[
            file,
            "--topic-field",
            "desc",
            "--docid",
            "article",
            "-o",
            run_file.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = common::run(
        common::TALASH,
        &[
            "eval",
            qrels.to_str().unwrap(),
            run_file.to_str().unwrap(),
            "--complete",
            "--metrics",
            "map",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("num_q                 \tall\t2"),
        "{}",
        r.stdout
    );
}

#[test]
fn bad_topic_fields_are_usage_errors() {
    let trec = common::repo().join("examples/topics.trec");
    let r = batch(
        corpus_index(),
        &[trec.to_str().unwrap(), "--topic-field", "summary"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("title, desc and narr"), "{}", r.stderr);
    // On a file that is not read as TREC topics, the flag would do nothing: refused.
    let tsv = common::repo().join("examples/topics.tsv");
    let r = batch(
        corpus_index(),
        &[tsv.to_str().unwrap(), "--topic-field", "desc"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--input-format trec"), "{}", r.stderr);
}
