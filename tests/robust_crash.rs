//! Kill-safety and concurrency of the real binaries: an indexer SIGKILLed at any moment leaves
//! the last committed index readable and correct, the next run recovers without clean-up,
//! searches during re-indexing never fail, and a second indexer is refused with the PID of
//! the first.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const ARTICLES: usize = 300;

/// Writes a corpus big enough that indexing takes a while (seconds in a debug build). Every
/// article of generation `generation` carries that word, and the first, middle and last ones carry
/// `first<gen>`, `middle<gen>`, `last<gen>`, so a search tells which commit the index holds
/// and that it is whole.
fn big_corpus(dir: &Path, generation: &str) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
    std::fs::create_dir_all(dir).unwrap();
    let words = [
        "security",
        "border",
        "talks",
        "officials",
        "cooperation",
        "militants",
        "attack",
        "province",
        "police",
        "statement",
        "regional",
        "dialogue",
        "Quetta",
        "Kabul",
        "TTP",
    ];
    for i in 0..ARTICLES {
        let mut body = String::new();
        for p in 0..5 {
            for k in 0..60 {
                body.push_str(words[(i * 7 + p * 3 + k) % words.len()]);
                body.push(' ');
            }
            body.push_str(generation);
            body.push_str(".\n\n");
        }
        let tag = match i {
            0 => "first",
            _ if i == ARTICLES / 2 => "middle",
            _ if i == ARTICLES - 1 => "last",
            _ => "",
        };
        if !tag.is_empty() {
            body.push_str(&format!("Marker {tag}{generation}.\n"));
        }
        write_article(
            dir,
            &format!("a{i:05}.md"),
            &format!("id = \"a{i}\"\ntitle = \"Article {i}\"\ndate = 2024-05-13"),
            &body,
        );
    }
}

/// A schema whose analyzer has another name: a different tantivy schema, so indexing with it
/// over an index built with the shipped one (or back) builds beside and swaps the folder.
fn swap_schema(dir: &Path) -> PathBuf {
    let shipped = std::fs::read_to_string(repo().join("index-schema/schema.toml")).unwrap();
    let changed = shipped
        .replace("[analyzers.english]", "[analyzers.plain]")
        .replace("analyzer = \"english\"", "analyzer = \"plain\"");
    assert_ne!(shipped, changed);
    let path = dir.join("swap-schema.toml");
    std::fs::write(&path, changed).unwrap();
    path
}

fn spawn_indexer(corpus: &Path, idx: &Path, extra: &[&str]) -> Child {
    Command::new(TALASH_INDEX)
        .arg(corpus)
        .arg("--index")
        .arg(idx)
        .args(["-q", "--threads", "1", "--memory", "16"])
        .args(extra)
        .env_remove("TALASH_INDEX")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn count(idx: &Path, query: &str) -> usize {
    search_in(idx, &[query, "--limit", "10"]).len()
}

/// Which generation the index holds, checking (in one search) that it holds all of its
/// markers and none of the other's.
fn generation_in(idx: &Path, gens: [&str; 2]) -> String {
    let tags = ["first", "middle", "last"];
    let query: Vec<String> = gens
        .iter()
        .flat_map(|g| tags.iter().map(move |t| format!("{t}{g}")))
        .collect();
    let hits = search_in(idx, &[&query.join(" OR "), "--limit", "10"]);
    let mut found: Vec<String> = hits
        .iter()
        .flat_map(|h| {
            let text = field(h, "text").to_string();
            query
                .iter()
                .filter(move |q| text.contains(&format!("Marker {q}.")))
                .cloned()
        })
        .collect();
    found.sort();
    for g in gens {
        let mut whole: Vec<String> = tags.iter().map(|t| format!("{t}{g}")).collect();
        whole.sort();
        if found == whole && hits.len() == 3 {
            return g.to_string();
        }
    }
    panic!(
        "the index at {} holds neither generation whole: {found:?}",
        idx.display()
    )
}

fn leftovers(idx: &Path) -> Vec<String> {
    let name = idx.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(idx.parent().unwrap())
        .unwrap()
        .filter_map(|e| {
            let n = e.ok()?.file_name().to_string_lossy().into_owned();
            (n.starts_with(&format!(".{name}.talash-")) && !n.ends_with("-lock")).then_some(n)
        })
        .collect()
}

/// Segment files in the index folder that its `meta.json` does not list: what a killed run
/// half-wrote. The next run's commit must have removed them.
fn orphan_segment_files(idx: &Path) -> Vec<String> {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(idx.join("meta.json")).unwrap()).unwrap();
    let live: Vec<String> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    std::fs::read_dir(idx)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let stem = n.split('.').next().unwrap_or("");
            stem.len() == 32
                && stem.chars().all(|c| c.is_ascii_hexdigit())
                && !live.iter().any(|l| l == stem)
        })
        .collect()
}

/// SIGKILLs `talash-index` at several moments of a run, over both ways a run writes (in place,
/// and beside the index then swapped in). After each kill the index holds one whole
/// generation — the previous one, or the new one if the kill came after its commit — and the
/// next run succeeds without any clean-up and leaves nothing behind (no `.talash-new`/`-old`
/// folder, no half-written segment file).
#[test]
fn sigkill_at_any_moment_keeps_the_last_commit() {
    let t = temp("kill");
    let corpus = t.path().join("c");
    let idx = t.path().join("idx");
    let schema = swap_schema(t.path());
    let schema_args = ["--schema", schema.to_str().unwrap()];
    let gens = ["alphagen", "bravogen"];

    big_corpus(&corpus, gens[0]);
    let started = Instant::now();
    let r = spawn_indexer(&corpus, &idx, &[])
        .wait_with_output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let full = started.elapsed();
    let mut committed = gens[0].to_string();
    eprintln!("a full run takes {full:?}");

    let fractions = [0.02, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.97, 1.1];
    for (i, f) in fractions.iter().enumerate() {
        let next = gens[(i + 1) % 2];
        big_corpus(&corpus, next);
        // Odd rounds change the schema back or forth: build beside, then swap.
        let extra: &[&str] = if i % 2 == 0 { &schema_args } else { &[] };
        let mut child = spawn_indexer(&corpus, &idx, extra);
        std::thread::sleep(full.mul_f64(*f));
        let _ = child.kill(); // SIGKILL; a no-op if the run already ended
        let status = child.wait().unwrap();
        let now = generation_in(&idx, gens);
        eprintln!("killed at {:.0}% ({status}): index holds {now}", f * 100.0);
        assert!(
            now == committed || now == next,
            "after a kill the index holds {now}, neither the last commit ({committed}) nor the new one"
        );
        committed = now;
        if i % 3 == 2 {
            // Recover by simply running again.
            let r = spawn_indexer(&corpus, &idx, extra)
                .wait_with_output()
                .unwrap();
            assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
            assert_eq!(generation_in(&idx, gens), next);
            assert!(leftovers(&idx).is_empty(), "left: {:?}", leftovers(&idx));
            let orphans = orphan_segment_files(&idx);
            assert!(orphans.is_empty(), "half-written files left: {orphans:?}");
            committed = next.to_string();
        }
    }
}

/// A first run builds its index beside the final folder and moves it in only after its
/// commit, so a first run killed before its commit leaves no index at all: searches say how to
/// build one, and the next run builds it with no clean-up.
#[test]
fn a_first_run_killed_before_its_commit() {
    let t = temp("first");
    let c = t.path().join("c");
    big_corpus(&c, "alphagen");
    let idx = t.path().join("idx");
    let beside = t.path().join(".idx.talash-new");
    let mut child = spawn_indexer(&c, &idx, &[]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !beside.join("meta.json").exists() {
        assert!(
            Instant::now() < deadline,
            "the indexer never created the index beside the final folder"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // Killed milliseconds after creating the index, seconds before its commit.
    assert!(!talash::index::recover::is_committed_index(&beside));
    assert!(!idx.exists(), "nothing is moved in before the commit");
    let r = run(TALASH, &["--index", idx.to_str().unwrap(), "search", "x"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no index at") && r.stderr.contains("build one with `talash-index"),
        "{}",
        r.stderr
    );
    let r = spawn_indexer(&c, &idx, &[]).wait_with_output().unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(generation_in(&idx, ["alphagen", "bravogen"]), "alphagen");
    assert!(leftovers(&idx).is_empty(), "left: {:?}", leftovers(&idx));
}

/// The state a kill between the two renames of a non-atomic swap leaves (no index at `idx`,
/// the old one at `.idx.talash-old`, the new one, committed, at `.idx.talash-new`): searches
/// read the newest committed index, and the next run restores it and cleans up.
#[test]
fn a_kill_between_the_two_renames_of_a_swap_loses_nothing() {
    let t = temp("gap");
    let c = t.path().join("c");
    write_article(
        &c,
        "a.md",
        "id = \"a\"\ntitle = \"T\"",
        "Old words about Quetta.\n",
    );
    let idx = t.path().join("idx");
    assert_eq!(index_into(&c, &idx, &["-q"]).code, 0);
    let newer = t.path().join("newer");
    write_article(
        &c,
        "a.md",
        "id = \"a\"\ntitle = \"T\"",
        "New words about Gwadar.\n",
    );
    assert_eq!(index_into(&c, &newer, &["-q"]).code, 0);
    std::fs::rename(&idx, t.path().join(".idx.talash-old")).unwrap();
    std::fs::rename(&newer, t.path().join(".idx.talash-new")).unwrap();

    assert_eq!(count(&idx, "Gwadar"), 1, "searches read the last commit");
    let r = index_into(&c, &idx, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("restored the index at")
            && r.stderr.contains("interrupted while swapping"),
        "{}",
        r.stderr
    );
    assert_eq!(count(&idx, "Gwadar"), 1);
    assert!(leftovers(&idx).is_empty(), "left: {:?}", leftovers(&idx));

    // Only the old index survived (the new one was never committed): it is what searches see.
    std::fs::rename(&idx, t.path().join(".idx.talash-old")).unwrap();
    std::fs::create_dir_all(t.path().join(".idx.talash-new")).unwrap();
    assert_eq!(count(&idx, "Gwadar"), 1);
    index_ok(&c, &idx, &["-q"]);
    assert!(leftovers(&idx).is_empty(), "left: {:?}", leftovers(&idx));
}

/// Searches in a loop while the index is rebuilt again and again (in place and by swap): each
/// one succeeds and sees exactly one whole generation.
#[test]
fn searches_during_reindexing_see_old_or_new_never_an_error() {
    let t = temp("concurrent");
    let idx = t.path().join("idx");
    let schema = swap_schema(t.path());
    let gens = ["alphagen", "bravogen"];
    let corpora: Vec<PathBuf> = gens
        .iter()
        .map(|g| {
            let c = t.path().join(g);
            big_corpus(&c, g);
            c
        })
        .collect();
    assert!(
        spawn_indexer(&corpora[0], &idx, &[])
            .wait()
            .unwrap()
            .success()
    );

    let rounds = 6;
    let writer = {
        let (corpora, idx, schema) = (corpora.clone(), idx.clone(), schema.clone());
        std::thread::spawn(move || {
            for i in 0..rounds {
                let s = schema.to_str().unwrap();
                // Each round indexes the other corpus in place of the last: --replace.
                let extra: &[&str] = if i % 3 == 0 {
                    &["--replace", "--schema", s]
                } else {
                    &["--replace"]
                };
                let r = spawn_indexer(&corpora[(i + 1) % 2], &idx, extra)
                    .wait_with_output()
                    .unwrap();
                assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
            }
        })
    };
    let query = "firstalphagen OR firstbravogen";
    let mut searches = 0;
    while !writer.is_finished() {
        let mut args = vec!["--index", idx.to_str().unwrap(), "search", "--json", query];
        args.extend(["--limit", "5"]);
        let r = run(TALASH, &args);
        assert_eq!(
            r.code, 0,
            "search #{searches} failed during re-indexing: {}",
            r.stderr
        );
        assert_eq!(
            r.stdout.lines().count(),
            1,
            "one whole generation: {}",
            r.stdout
        );
        searches += 1;
    }
    writer.join().unwrap();
    eprintln!("{searches} searches ran during {rounds} re-indexing runs");
    assert!(searches >= rounds, "searches did overlap the runs");
    assert_eq!(generation_in(&idx, gens), gens[rounds % 2]);
}

/// A second indexer is refused at once, naming the first one's PID; once the first is
/// SIGKILLed (its lock file still holding its PID), the next run is not blocked.
#[test]
fn a_second_indexer_is_refused_and_a_killed_ones_lock_does_not_block() {
    let t = temp("lock");
    let c = t.path().join("c");
    big_corpus(&c, "alphagen");
    let idx = t.path().join("idx");
    let lock = t.path().join(".idx.talash-lock");
    let mut first = spawn_indexer(&c, &idx, &[]);
    let pid = first.id();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&lock).is_ok_and(|s| s.starts_with(&format!("{pid}\n"))) {
        assert!(
            Instant::now() < deadline,
            "the first indexer never took the lock"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = index_into(&c, &idx, &[]);
    let still_running = first.try_wait().unwrap().is_none();
    assert_eq!(second.code, 1, "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains(&format!("is locked by PID {pid} (started 20")),
        "{}",
        second.stderr
    );
    assert!(
        still_running,
        "the first indexer was still running when the second was refused"
    );

    first.kill().unwrap();
    first.wait().unwrap();
    assert!(
        std::fs::read_to_string(&lock)
            .unwrap()
            .starts_with(&format!("{pid}\n")),
        "the killed indexer's lock file is left behind, stale"
    );
    let r = index_into(&c, &idx, &["-q"]);
    assert_eq!(r.code, 0, "a stale lock must not block: {}", r.stderr);
    assert_eq!(count(&idx, "firstalphagen"), 1);
}
