//! Helpers for integration tests: run the real binaries, build indexes in temp folders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

pub mod small;

pub const TALASH: &str = env!("CARGO_BIN_EXE_talash");
pub const TALASH_INDEX: &str = env!("CARGO_BIN_EXE_talash-index");

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of `tests/data/batch`: the query files and goldens the batch tests share.
pub fn batch_data(name: &str) -> PathBuf {
    repo().join("tests/data/batch").join(name)
}

/// A finished command: status, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

pub fn run(bin: &str, args: &[&str]) -> Run {
    Command::new(bin)
        .args(args)
        .env_remove("TALASH_INDEX")
        .env_remove("NO_COLOR")
        // COLUMNS wraps passage text even when piped: a test's output must not depend on
        // whether the shell that ran `cargo test` exported it.
        .env_remove("COLUMNS")
        .output()
        .expect("binary runs")
        .into()
}

/// CI (`TALASH_REQUIRE_SHARED=1`, set by `.ci/run`): a test that lacks shared data or a tool
/// fails instead of skipping, so a green CI run means every test ran.
pub fn required() -> bool {
    std::env::var("TALASH_REQUIRE_SHARED").is_ok_and(|v| v == "1")
}

/// The shared data set `name` (`$TALASH_SHARED/data/NAME`, else `<repo>/../shared/data/NAME`),
/// or `None` with a SKIPPED line when it is absent; a failure under `TALASH_REQUIRE_SHARED=1`.
pub fn shared_data(name: &str) -> Option<PathBuf> {
    let shared = std::env::var_os("TALASH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    let dir = shared.join("data").join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    let why = format!("no {name} at {}; set TALASH_SHARED", dir.display());
    if required() {
        panic!("{why} (TALASH_REQUIRE_SHARED=1, so this is a failure)");
    }
    eprintln!("SKIPPED: {why}");
    None
}

/// A fresh folder named after `name` under the target's temp dir, removed when dropped: test
/// files stay out of /tmp, and a crashed test's leftovers go with `cargo clean`.
pub fn temp(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(name)
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir")
}

/// Like [`temp`], but the folder outlives the test: for an index a whole test binary shares
/// (a `static` never drops), and for output worth reading after a failure.
pub fn temp_kept(name: &str) -> PathBuf {
    temp(name).keep()
}

/// Indexes `corpus` into a fresh folder under the target temp dir and returns the folder.
pub fn build_index(corpus: &Path, name: &str) -> PathBuf {
    let dir = temp_kept(name);
    let idx = dir.join("index");
    index_ok(corpus, &idx, &["--quiet"]);
    idx
}

/// The shipped corpus, indexed once per test binary.
pub fn corpus_index() -> &'static Path {
    static IDX: OnceLock<PathBuf> = OnceLock::new();
    IDX.get_or_init(|| build_index(&repo().join("corpus"), "corpus"))
}

/// Writes the shipped schema to `path` with `from` replaced by `to` (which must change it), for
/// `talash-index --schema`; returns the path as the flag's value.
pub fn shipped_schema_with(path: &Path, from: &str, to: &str) -> String {
    let shipped = std::fs::read_to_string(repo().join("index-schema/schema.toml")).unwrap();
    assert!(shipped.contains(from), "the shipped schema has no {from:?}");
    std::fs::write(path, shipped.replace(from, to)).unwrap();
    path.to_str().unwrap().to_string()
}

/// `talash search` on the shipped corpus with `--json`, parsed.
pub fn search_json(args: &[&str]) -> Vec<serde_json::Value> {
    search_in(corpus_index(), args)
}

/// `talash --index IDX ARGS...`.
pub fn talash_in(idx: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--index", idx.to_str().unwrap()];
    all.extend_from_slice(args);
    run(TALASH, &all)
}

/// `talash --index IDX ARGS...`; must succeed; stdout.
pub fn talash_ok(idx: &Path, args: &[&str]) -> String {
    let r = talash_in(idx, args);
    assert_eq!(r.code, 0, "talash {args:?} failed: {}", r.stderr);
    r.stdout
}

/// Whether a run ended as a search with no hits does: exit status 1, stdout empty of hits,
/// and the message on stderr (as grep and ripgrep do).
pub fn no_hits(r: &Run) -> bool {
    let msg = r.stderr.trim_start();
    r.code == 1
        && (msg.starts_with("No passages match")
            || msg.starts_with("No articles match")
            || msg.starts_with("No more results"))
}

/// Output of `--json`, one value a line.
pub fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// A broad query that matches much of the shipped corpus, so counts over it mean something.
pub const BROAD: &str = "Pakistan OR terrorism OR counterterrorism OR TTP OR dialogue";

pub fn field<'a>(hit: &'a serde_json::Value, name: &str) -> &'a str {
    hit[name].as_str().unwrap_or("")
}

/// Writes an article file with front matter.
pub fn write_article(dir: &Path, file: &str, front: &str, body: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(file), format!("+++\n{front}\n+++\n{body}")).unwrap();
}

/// Runs `talash-index CORPUS --index IDX EXTRA...`.
pub fn index_into(corpus: &Path, idx: &Path, extra: &[&str]) -> Run {
    let mut all = vec![corpus.to_str().unwrap(), "--index", idx.to_str().unwrap()];
    all.extend_from_slice(extra);
    run(TALASH_INDEX, &all)
}

/// [`index_into`] that must succeed; its stderr (the summary, unless `--quiet`).
pub fn index_ok(corpus: &Path, idx: &Path, extra: &[&str]) -> String {
    let r = index_into(corpus, idx, extra);
    assert_eq!(r.code, 0, "indexing failed: {}", r.stderr);
    r.stderr
}

/// The loop a collection converted by `talash-smart` goes through: indexes `out/docs.jsonl`
/// into `out/index` and writes an article-level batch run of `out/queries.tsv` (with
/// `extra` options) to `out/run.txt`, which it returns; both steps must succeed.
pub fn index_and_run_collection(out: &Path, extra: &[&str]) -> PathBuf {
    let idx = out.join("index");
    let r = index_into(&out.join("docs.jsonl"), &idx, &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let run_file = out.join("run.txt");
    let (idx, queries) = (idx.to_str().unwrap(), out.join("queries.tsv"));
    let mut args = vec!["--index", idx, "batch", queries.to_str().unwrap()];
    args.extend_from_slice(&["--docid", "article", "-o", run_file.to_str().unwrap()]);
    args.extend_from_slice(extra);
    let r = run(TALASH, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    run_file
}

/// `talash --index IDX search --json ARGS...`, parsed; the search must succeed.
pub fn search_in(idx: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["--index", idx.to_str().unwrap(), "search", "--json"];
    all.extend_from_slice(args);
    let r = run(TALASH, &all);
    assert!(
        r.code == 0 || no_hits(&r),
        "search {args:?} failed: {}",
        r.stderr
    );
    r.stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

/// `talash search ARGS --count --json` on `idx`: the passages that match in their own text and
/// their articles, as the totals line says.
pub fn totals_in(idx: &Path, args: &[&str]) -> (u64, u64) {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--count", "--limit", "1"]);
    let lines = search_in(idx, &all);
    let t = lines
        .iter()
        .find_map(|l| l.get("totals"))
        .expect("a totals line");
    (
        t["passages"].as_u64().unwrap(),
        t["articles"].as_u64().unwrap(),
    )
}
