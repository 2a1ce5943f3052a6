//! Indexes that are missing, foreign or damaged: a clear error saying how to rebuild, status
//! 1, never a panic; and the rebuild it suggests works.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// The shipped corpus indexed with one thread (a deterministic segment layout) into `t/idx`.
fn fresh_index(t: &tempfile::TempDir) -> PathBuf {
    let idx = t.path().join("idx");
    index_ok(&repo().join("corpus"), &idx, &["-q", "--threads", "1"]);
    idx
}

fn search(idx: &Path, query: &str) -> Run {
    talash_in(idx, &["search", query, "-n", "50"])
}

/// The search fails with status 1, a message containing every `want`, and no panic.
fn fails_clearly(idx: &Path, query: &str, wants: &[&str]) {
    let r = search(idx, query);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    for want in wants {
        assert!(r.stderr.contains(want), "wanted {want:?} in: {}", r.stderr);
    }
}

/// Runs the rebuild the message suggests, then the search works again.
fn rebuild_repairs(idx: &Path) {
    let r = index_into(&repo().join("corpus"), idx, &["--full", "-q"]);
    assert_eq!(r.code, 0, "the suggested rebuild works: {}", r.stderr);
    let r = search(idx, "Landberg");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("et-2023-03-06-counter-terror-dialogue#3"));
}

fn files_with(idx: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(idx)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no .{ext} file in {}", idx.display());
    v
}

/// Overwrites the middle half of a file with other bytes, keeping its length and footer.
fn garble(path: &Path) {
    let mut b = std::fs::read(path).unwrap();
    let n = b.len();
    for x in &mut b[n / 4..3 * n / 4] {
        *x = x.wrapping_mul(7).wrapping_add(13);
    }
    std::fs::write(path, b).unwrap();
}

#[test]
fn missing_index_says_how_to_build_one() {
    let t = temp("missing");
    let idx = t.path().join("nothing-here");
    fails_clearly(
        &idx,
        "x",
        &[
            "no index at ",
            "build one with `talash-index --index ",
            "TALASH_INDEX",
        ],
    );
}

#[test]
fn a_folder_of_another_tool_is_refused_by_both_binaries() {
    let t = temp("lucene");
    // A Lucene index, as Pyserini leaves one.
    let idx = t.path().join("lucene");
    std::fs::create_dir_all(&idx).unwrap();
    for f in ["segments_1", "_0.cfs", "_0.si", "write.lock"] {
        std::fs::write(idx.join(f), b"\x3f\xd7\x6c\x17lucene").unwrap();
    }
    fails_clearly(
        &idx,
        "x",
        &[
            "is not a Talash index (it has no meta.json)",
            "rebuild it with",
        ],
    );
    let r = index_into(&repo().join("corpus"), &idx, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("is not a Talash index; refusing"),
        "{}",
        r.stderr
    );
    assert!(
        idx.join("segments_1").is_file(),
        "the other tool's files are untouched"
    );
}

#[test]
fn a_tantivy_index_not_built_by_talash() {
    use tantivy::schema::{STORED, Schema, TEXT};
    let t = temp("foreign");
    let idx = t.path().join("tantivy-cli");
    std::fs::create_dir_all(&idx).unwrap();
    let mut b = Schema::builder();
    let body = b.add_text_field("body", TEXT | STORED);
    let index = tantivy::Index::create_in_dir(&idx, b.build()).unwrap();
    let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
    w.add_document(tantivy::doc!(body => "someone else's words"))
        .unwrap();
    w.commit().unwrap();
    drop(w);
    fails_clearly(
        &idx,
        "words",
        &[
            "is a tantivy index but was not built by Talash",
            "rebuild it with: talash-index --full --index",
        ],
    );
    let r = index_into(&repo().join("corpus"), &idx, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("not built by Talash; refusing to overwrite"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_damaged_meta_json() {
    let t = temp("meta");
    let idx = fresh_index(&t);
    let meta = std::fs::read(idx.join("meta.json")).unwrap();
    std::fs::write(idx.join("meta.json"), &meta[..meta.len() / 3]).unwrap();
    fails_clearly(
        &idx,
        "Landberg",
        &[
            "cannot open the index at",
            "rebuild it with: talash-index --full --index",
        ],
    );
    let r = search(&idx, "Landberg");
    assert!(
        r.stderr.len() < 800,
        "the damaged file is not quoted whole: {}",
        r.stderr
    );
    rebuild_repairs(&idx);
}

#[test]
fn a_truncated_segment_file() {
    let t = temp("trunc");
    let idx = fresh_index(&t);
    let term = &files_with(&idx, "term")[0];
    std::fs::OpenOptions::new()
        .write(true)
        .open(term)
        .unwrap()
        .set_len(100)
        .unwrap();
    let name = term.file_name().unwrap().to_string_lossy().into_owned();
    fails_clearly(
        &idx,
        "Landberg",
        &[
            &format!("is damaged ({name}: truncated or unreadable)"),
            "rebuild it with: talash-index --full --index",
        ],
    );
    rebuild_repairs(&idx);
}

#[test]
fn a_missing_segment_file() {
    let t = temp("gone");
    let idx = fresh_index(&t);
    for f in files_with(&idx, "pos") {
        std::fs::remove_file(f).unwrap();
    }
    fails_clearly(&idx, "Landberg", &[".pos: missing", "rebuild it with"]);
    rebuild_repairs(&idx);
}

/// Damage only found when a stored passage is read, after the search itself ran.
#[test]
fn a_garbled_document_store_found_at_search_time() {
    let t = temp("store");
    let idx = fresh_index(&t);
    for f in files_with(&idx, "store") {
        garble(&f);
    }
    fails_clearly(
        &idx,
        "Landberg",
        &[
            ".store: checksum mismatch",
            "rebuild it with",
            "cannot read a stored passage",
        ],
    );
    rebuild_repairs(&idx);
}

/// A garbled posting list makes tantivy index out of bounds (a panic deep in a search): the
/// panic is caught, the checksums explain it, the status is 1.
#[test]
fn a_garbled_posting_list_does_not_panic() {
    let t = temp("postings");
    let idx = fresh_index(&t);
    for f in files_with(&idx, "idx") {
        garble(&f);
    }
    fails_clearly(
        &idx,
        "Pakistan OR talks OR Landberg",
        &[
            ".idx: checksum mismatch",
            "rebuild it with",
            "internal error: ",
        ],
    );
    rebuild_repairs(&idx);
}
