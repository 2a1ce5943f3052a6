//! Counts in what the binaries say read as English for one and for many ("1 article", "1
//! query", "1 bad line skipped in FILE"), never "1 articles" or "file(s)" (issue 21 item 8).

mod common;

use common::*;

/// `text` (a run's stdout or stderr) says `want`.
#[track_caller]
fn says(text: &str, want: &str) {
    assert!(text.contains(want), "want {want:?} in:\n{text}");
}

/// A corpus of one JSONL article, indexed; the folder holds the index as `index`.
fn one_article() -> std::path::PathBuf {
    let dir = temp_kept("plural-one");
    let c = dir.join("c");
    std::fs::create_dir_all(&c).unwrap();
    std::fs::write(
        c.join("one.jsonl"),
        "{\"id\": \"a1\", \"title\": \"Gwadar port\", \"text\": \"Talks on Gwadar port.\"}\n",
    )
    .unwrap();
    let r = index_into(&c, &dir.join("index"), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    says(&r.stderr, "Indexed 1 article, 1 passage in ");
    dir
}

#[test]
fn one_of_a_thing_is_singular_in_every_summary() {
    let dir = one_article();
    let idx = dir.join("index");

    let out = dir.join("export");
    let r = talash_in(&idx, &["export", "--to", "jsonl", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    says(
        &r.stdout,
        "exported 1 article (1 passage) for JSONL: 1 file, ",
    );
    let r = talash_in(
        &idx,
        &[
            "export",
            "--to",
            "quickwit",
            dir.join("qw").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    says(&r.stdout, "exported 1 passage for ");

    let facets = talash_ok(&idx, &["search", "Gwadar", "--facets"]);
    says(&facets, "Facets of the 1 matching passage\n");
    let count = talash_ok(&idx, &["search", "Gwadar", "--count"]);
    says(&count, "1 passage in 1 article");
    let best = talash_ok(&idx, &["search", "Gwadar", "--by-article"]);
    says(&best, "· 1 passage matches");

    // Batch: one query of one failed; one of two failed.
    let queries = dir.join("q.jsonl");
    std::fs::write(
        &queries,
        "{\"id\": \"1\", \"query\": \"Gwadar\", \"since\": \"20x\"}\n",
    )
    .unwrap();
    let r = talash_in(&idx, &["batch", queries.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Nothing else ran, so no "the others ran".
    says(&r.stderr, "talash: 1 of 1 query failed (listed above)\n");
    std::fs::write(
        &queries,
        "{\"id\": \"1\", \"query\": \"Gwadar\", \"since\": \"20x\"}\n{\"id\": \"2\", \"query\": \"port\"}\n",
    )
    .unwrap();
    let r = talash_in(
        &idx,
        &[
            "batch",
            queries.to_str().unwrap(),
            "-o",
            dir.join("run").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    says(
        &r.stderr,
        "talash: 1 of 2 queries failed (listed above); the other ran\n",
    );

    // Eval: one run query without judgments, one judged query missing from the run.
    let qrels = dir.join("qrels");
    std::fs::write(&qrels, "1 0 a1 1\n3 0 a1 1\n").unwrap();
    let run_file = dir.join("run2");
    std::fs::write(&run_file, "1 Q0 a1 1 1.5 t\n2 Q0 a1 1 1.0 t\n").unwrap();
    let r = run(
        TALASH,
        &["eval", qrels.to_str().unwrap(), run_file.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    says(
        &r.stderr,
        "note: 1 run query has no judgments and is ignored: 2",
    );
    says(
        &r.stderr,
        "note: 1 judged query is not in the run and is left out of the averages",
    );
}

#[test]
fn a_bad_jsonl_line_is_a_line_skipped_not_a_file() {
    // The case: a JSONL file with one bad line among good ones, --keep-going.
    let dir = temp_kept("plural-jsonl");
    let c = dir.join("c");
    std::fs::create_dir_all(&c).unwrap();
    let docs = c.join("docs.jsonl");
    std::fs::write(
        &docs,
        concat!(
            "{\"id\": \"a1\", \"title\": \"A\", \"text\": \"Talks on Gwadar port.\"}\n",
            "{\"id\": \"a2\", \"title\": \"B\"\n",
            "{\"id\": \"a3\", \"title\": \"C\", \"text\": \"Pasni harbour.\"}\n",
        ),
    )
    .unwrap();
    let idx = dir.join("index");
    let r = index_into(&c, &idx, &["--keep-going"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let said = format!(
        "1 bad line skipped in {} (listed above); the file's other lines were indexed",
        docs.display()
    );
    says(&r.stderr, &said);
    assert!(
        !r.stderr.contains("file skipped") && !r.stderr.contains("(s)"),
        "{}",
        r.stderr
    );
    says(&r.stderr, "Indexed 2 articles, 2 passages");
    assert_eq!(search_in(&idx, &["Pasni"]).len(), 1, "the file was indexed");
}
