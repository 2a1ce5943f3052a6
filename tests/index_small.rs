//! Small corpora written by the tests: the indexer's contract.

mod common;

use std::process::Command;

use common::*;

fn two_articles(dir: &std::path::Path) {
    write_article(
        dir,
        "a.md",
        "id = \"a\"\ntitle = \"Border talks\"\noutlet = \"The Daily Example\"\ndate = \"2022-06\"",
        "The BLA claimed the attack near the border.\n\nOfficials met in Quetta.\n",
    );
    write_article(
        dir,
        "b.md",
        "id = \"b\"\ntitle = \"Kabul report\"\noutlet = \"Daily Example\"\ndate = 2022-07-02",
        "Is the IS-K threat growing? Analysts say it is.\n",
    );
}

#[test]
fn indexes_a_written_corpus_with_facets() {
    let t = temp("small");
    two_articles(&t.path().join("c"));
    let idx = build_index(&t.path().join("c"), "two");
    let hits = search_in(&idx, &["attack OR threat OR officials", "--limit", "10"]);
    assert_eq!(hits.len(), 3);
    let bla = search_in(&idx, &["attack OR threat OR officials", "--group", "BLA"]);
    assert_eq!(bla.len(), 1);
    assert_eq!(field(&bla[0], "passage_id"), "a#1");
    // "IS-K" is tagged; the verb "is" is not the Islamic State.
    let isk = search_in(&idx, &["threat", "--group", "ISKP"]);
    assert_eq!(isk.len(), 1);
    assert_eq!(isk[0]["groups"], serde_json::json!(["ISIS/Khorasan"]));
    // Both outlets are one once "The" and case are ignored.
    assert_eq!(
        search_in(&idx, &["attack OR threat", "--outlet", "daily example"]).len(),
        2
    );
    // A month-precision date overlaps a range that starts inside the month.
    assert_eq!(
        search_in(
            &idx,
            &[
                "attack OR threat",
                "--since",
                "2022-06-30",
                "--until",
                "2022-06-30"
            ]
        )
        .len(),
        1
    );
}

#[test]
fn default_corpus_and_index_locations() {
    let t = temp("small");
    two_articles(&t.path().join("corpus"));
    let st = Command::new(TALASH_INDEX)
        .current_dir(t.path())
        .env_remove("TALASH_INDEX")
        .arg("-q")
        .status()
        .unwrap();
    assert!(st.success());
    assert!(t.path().join("index/meta.json").is_file());
    let out = Command::new(TALASH)
        .args(["search", "Quetta", "--json"])
        .current_dir(t.path())
        .env_remove("TALASH_INDEX")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"a#2\""));
    // TALASH_INDEX points both binaries elsewhere.
    let elsewhere = t.path().join("elsewhere");
    let st = Command::new(TALASH_INDEX)
        .current_dir(t.path())
        .env("TALASH_INDEX", &elsewhere)
        .arg("-q")
        .status()
        .unwrap();
    assert!(st.success());
    // Issue 21 item 9: set once, it serves every command, from any working folder.
    let other = t.path().join("corpus");
    for (args, want) in [
        (&["search", "Quetta"][..], "a#2"),
        (&["timeline", "Quetta"], "Total: 1 passage, 1 article"),
        (&["show", "a#2"], "Officials met in Quetta."),
        (&["facets", "--field", "outlet"], "The Daily Example"),
        (&["groups"], "BLA"),
    ] {
        let out = Command::new(TALASH)
            .args(args)
            .current_dir(&other)
            .env("TALASH_INDEX", &elsewhere)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains(want), "{args:?}: {text}");
    }
}

#[test]
fn reindexing_replaces_the_index_and_a_bad_file_keeps_the_old_one() {
    let t = temp("small");
    let c = t.path().join("c");
    two_articles(&c);
    let idx = build_index(&c, "re");
    write_article(
        &c,
        "a.md",
        "id = \"a\"\ntitle = \"Border talks\"",
        "Now about Gwadar port.\n",
    );
    index_ok(&c, &idx, &["-q"]);
    assert_eq!(search_in(&idx, &["Gwadar"]).len(), 1);
    assert!(
        search_in(&idx, &["Quetta"]).is_empty(),
        "the old passage is gone"
    );
    // A broken article fails the run, names the file and line, and leaves the index as it was.
    std::fs::write(
        c.join("bad.md"),
        "+++\ntitle = \"x\"\ndate = \"2022-13\"\n+++\nbody\n",
    )
    .unwrap();
    let r = index_into(&c, &idx, &["-q"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("bad.md:3: invalid date \"2022-13\""),
        "{}",
        r.stderr
    );
    assert_eq!(search_in(&idx, &["Gwadar"]).len(), 1);
    // --keep-going indexes the rest, lists the bad file and exits 1.
    write_article(
        &c,
        "a.md",
        "id = \"a\"\ntitle = \"Border talks\"",
        "Now about Pasni.\n",
    );
    let r = index_into(&c, &idx, &["--keep-going"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("skipped: ") && r.stderr.contains("bad.md:3"),
        "{}",
        r.stderr
    );
    assert_eq!(search_in(&idx, &["Pasni"]).len(), 1);
}

#[test]
fn max_words_is_configurable_and_recorded() {
    let t = temp("small");
    let c = t.path().join("c");
    write_article(
        &c,
        "a.md",
        "title = \"T\"",
        "One two three. Four five six. Seven eight nine.\n",
    );
    let idx = t.path().join("idx");
    index_ok(&c, &idx, &["--max-words", "5", "-q"]);
    let hits = search_in(&idx, &["one OR four OR seven"]);
    assert_eq!(hits.len(), 3, "one passage per sentence at 5 words");
    let r = index_into(&c, &idx, &["--max-words", "0"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn foreign_and_incompatible_indexes_get_a_rebuild_message() {
    let t = temp("small");
    let c = t.path().join("c");
    two_articles(&c);
    // A folder that is not an index: the indexer refuses to write into it.
    let other = t.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let r = index_into(&c, &other, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("not a Talash index; refusing"),
        "{}",
        r.stderr
    );
    assert!(other.join("notes.txt").is_file());
    let r = run(TALASH, &["--index", other.to_str().unwrap(), "search", "x"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("is not a Talash index"), "{}", r.stderr);
    // An index from a future format.
    let idx = build_index(&c, "fmt");
    let meta = std::fs::read_to_string(idx.join("meta.json")).unwrap();
    let current = format!(
        "\\\"talash_format\\\":{}",
        talash::index::meta::FORMAT_VERSION
    );
    let changed = meta.replace(&current, "\\\"talash_format\\\":999");
    assert_ne!(meta, changed, "payload format marker present");
    std::fs::write(idx.join("meta.json"), changed).unwrap();
    let r = run(TALASH, &["--index", idx.to_str().unwrap(), "search", "x"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("has format 999") && r.stderr.contains("rebuild it with: talash-index"),
        "{}",
        r.stderr
    );
    // The indexer rebuilds over it without manual clean-up.
    index_ok(&c, &idx, &["-q"]);
    assert_eq!(search_in(&idx, &["Quetta"]).len(), 1);
}

#[test]
fn schema_override_changes_analysis() {
    let t = temp("small");
    let c = t.path().join("c");
    write_article(&c, "a.md", "title = \"T\"", "The attacks continued.\n");
    let schema = t.path().join("schema.toml");
    let flag = shipped_schema_with(&schema, "stemmer = \"english\"", "stemmer = \"none\"");
    let idx = t.path().join("idx");
    index_ok(&c, &idx, &["--schema", &flag, "-q"]);
    assert!(
        search_in(&idx, &["attack"]).is_empty(),
        "no stemming: attack != attacks"
    );
    assert_eq!(search_in(&idx, &["attacks"]).len(), 1);
    // A bad override is refused with the file named.
    std::fs::write(&schema, "nonsense = 1").unwrap();
    let r = index_into(&c, &idx, &["--schema", schema.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    let named = format!("error: {}: invalid schema", schema.display());
    assert!(r.stderr.contains(&named), "{}", r.stderr);
}

/// `passages.title_in_text` (off in the shipped schema): an article that is one passage is
/// found by its title's words in `text:`, and its text is still shown once, without them; an
/// article of two passages gets no copies; a value out of range is refused with the field named.
#[test]
fn title_copies_go_only_into_the_text_of_one_passage_articles() {
    let t = temp("small");
    let c = t.path().join("c");
    write_article(
        &c,
        "brief.md",
        "id = \"brief\"\ntitle = \"Drone strike\"",
        "Officials said two people died.\n",
    );
    write_article(
        &c,
        "long.md",
        "id = \"long\"\ntitle = \"Drone strike\"",
        "Officials met.\n\nThe talks ended.\n",
    );
    let off = t.path().join("off");
    index_ok(&c, &off, &["-q"]);
    assert!(no_hits(&talash_in(&off, &["search", "text:drone"])));
    let schema = t.path().join("schema.toml");
    // Also checks that the shipped setting is off.
    let flag = shipped_schema_with(&schema, "title_in_text = 0\n", "title_in_text = 2\n");
    let on = t.path().join("on");
    index_ok(&c, &on, &["--schema", &flag, "-q"]);
    let hits = search_in(&on, &["text:drone"]);
    let ids: Vec<&str> = hits.iter().map(|h| field(h, "passage_id")).collect();
    assert_eq!(ids, ["brief#1"], "{hits:?}");
    assert_eq!(field(&hits[0], "text"), "Officials said two people died.");
    let shown = talash_ok(&on, &["show", "brief"]);
    assert_eq!(shown.matches("Drone strike").count(), 1, "{shown}");
    let flag = shipped_schema_with(&schema, "title_in_text = 0\n", "title_in_text = 11\n");
    let r = index_into(&c, &on, &["--schema", &flag]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("passages.title_in_text = 11 is not within 0..=10"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_bad_boilerplate_rule_is_refused_before_any_article_is_read() {
    let t = temp("small");
    let c = t.path().join("c");
    write_article(&c, "a.md", "title = \"T\"", "The attacks continued.\n");
    let idx = t.path().join("idx");
    index_ok(&c, &idx, &["-q"]);
    write_article(&c, "b.md", "title = \"U\"", "More attacks followed.\n");
    let rules = t.path().join("rules.toml");
    let shipped = std::fs::read_to_string(repo().join("index-schema/boilerplate.toml")).unwrap();
    let mine = format!(
        "{}: rule {} (\"mine\")",
        rules.display(),
        shipped.lines().filter(|l| *l == "[[rule]]").count() + 1
    );
    let rule = |pattern: &str| {
        let rule =
            format!("[[rule]]\ndescription = \"mine\"\npattern = '{pattern}'\naction = \"drop\"\n");
        std::fs::write(&rules, format!("{shipped}{rule}")).unwrap();
    };
    let rules_arg = ["--boilerplate", rules.to_str().unwrap(), "-q"];
    // A file that cannot be read as an article: the rules are checked before any is read.
    write_article(&c, "broken.md", "title = = \"V\"", "Text.\n");
    for (pattern, wants) in [
        ("^(a", "invalid pattern"),
        ("^x?$", "matches an empty line"),
    ] {
        rule(pattern);
        let r = index_into(&c, &idx, &rules_arg);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains(&mine), "{}", r.stderr);
        assert!(r.stderr.contains(wants), "{}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        assert!(!r.stderr.contains("broken.md"), "{}", r.stderr);
        assert_eq!(
            search_in(&idx, &["attack"]).len(),
            1,
            "the index is as it was"
        );
    }
    rule("^Read on$");
    let r = index_into(&c, &idx, &rules_arg);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("broken.md"), "{}", r.stderr);
    std::fs::remove_file(c.join("broken.md")).unwrap();
    index_ok(&c, &idx, &rules_arg);
    assert_eq!(search_in(&idx, &["attack"]).len(), 2);
}

#[test]
fn keep_going_drops_only_the_later_duplicate_of_a_jsonl_collection() {
    let t = temp("small");
    let c = t.path().join("c");
    std::fs::create_dir_all(&c).unwrap();
    std::fs::write(
        c.join("docs.jsonl"),
        concat!(
            r#"{"id": "d1", "title": "One", "text": "Quetta blast reported."}"#,
            "\n",
            r#"{"id": "d2", "title": "Two", "text": "Peshawar talks resumed."}"#,
            "\n",
            r#"{"id": "d1", "title": "Again", "text": "Gwadar port attacked."}"#,
            "\n",
        ),
    )
    .unwrap();
    let idx = t.path().join("idx");
    let r = index_into(&c, &idx, &["--keep-going", "-q"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("docs.jsonl:3") && r.stderr.contains("\"d1\""),
        "{}",
        r.stderr
    );
    assert_eq!(
        search_in(&idx, &["Quetta"]).len(),
        1,
        "the first d1 is kept"
    );
    assert_eq!(search_in(&idx, &["Peshawar"]).len(), 1, "d2 is kept");
    assert!(
        search_in(&idx, &["Gwadar"]).is_empty(),
        "the later d1 is dropped"
    );
}

#[test]
fn escape_sequences_in_articles_do_not_reach_the_terminal() {
    let t = temp("small");
    let c = t.path().join("c");
    // Clear screen, OSC 52 (write the clipboard), a cursor move and a C1 CSI.
    write_article(
        &c,
        "evil.md",
        // TOML takes control characters in strings only escaped.
        "id = \"evil\"\ntitle = \"Quetta \\u001b[2J report\"",
        "The Quetta blast \u{1b}]52;c;aGk=\u{7} was \u{1b}[10;10H claimed \u{9b}2J late.\n",
    );
    let idx = t.path().join("idx");
    assert_eq!(index_into(&c, &idx, &["-q"]).code, 0);
    let i = idx.to_str().unwrap();
    let r = run(
        TALASH,
        &["--index", i, "--color", "always", "search", "Quetta"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Only colour sequences (ESC [ digits ; m) remain.
    let mut rest = r.stdout.as_str();
    while let Some(at) = rest.find('\u{1b}') {
        let seq = &rest[at + 1..];
        let end = seq.find('m').expect("an SGR sequence ends with m");
        assert!(
            seq.starts_with('[') && seq[1..end].chars().all(|c| c.is_ascii_digit() || c == ';'),
            "a non-colour escape reached the terminal: {:?}",
            &rest[at..]
        );
        rest = &seq[end..];
    }
    assert!(!r.stdout.contains('\u{9b}') && !r.stdout.contains('\u{7}'));
    // The text itself is kept, the controls shown as '?'.
    assert!(r.stdout.contains("?]52;c;aGk=?"), "{}", r.stdout);
    // JSON keeps the article's exact text (escaped by JSON itself).
    let hits = search_in(&idx, &["Quetta"]);
    assert!(field(&hits[0], "text").contains("\u{1b}]52;c;aGk=\u{7}"));
}

/// The indexer reads files ahead on loading threads (one preparing thread), or has several
/// preparing threads read their own (three cores or more): whatever `--threads` is, the index
/// answers alike, in every order and score, and a first build caches every file's stat.
/// Some articles are larger than what a loading thread takes at a time (256 KB).
#[test]
fn every_thread_count_indexes_the_same_corpus_alike() {
    let t = temp("small");
    let corpus = t.path().join("c");
    for n in 0..70 {
        let body = match n % 23 {
            0 => "The envoy met the TTP negotiators near the border. ".repeat(6_000),
            _ => format!("Report {n} on the ceasefire talks.\n\nThe BLA denied attack {n}.\n"),
        };
        let front = format!(
            "id = \"a{n}\"\ntitle = \"Talks {n}\"\noutlet = \"Outlet {}\"",
            n % 3
        );
        let (dir, file) = (corpus.join(format!("d{}", n % 4)), format!("{n:03}.md"));
        write_article(&dir, &file, &front, &body);
        // An hour old, so that the stat cache trusts it (files changed just now are read).
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let f = std::fs::File::options().write(true).open(dir.join(file));
        f.unwrap().set_modified(hour_ago).unwrap();
    }
    let answers = |threads: &str| {
        let idx = t.path().join(format!("idx{threads}"));
        index_ok(&corpus, &idx, &["--threads", threads]);
        let again = index_into(&corpus, &idx, &["--threads", threads]);
        assert!(
            again.stderr.contains("read 0 of 70 files"),
            "{}",
            again.stderr
        );
        [
            "ceasefire",
            "envoy border",
            "attack --group BLA",
            "talks --facets",
        ]
        .iter()
        .map(|q| {
            let args: Vec<&str> = q.split(' ').chain(["--limit", "100"]).collect();
            search_in(&idx, &args)
        })
        .collect::<Vec<_>>()
    };
    let one = answers("1");
    assert!(one[0].len() > 50 && !one[1].is_empty(), "{one:?}");
    assert_eq!(answers("2"), one);
    assert_eq!(answers("6"), one);
}

/// A corpus of two articles: "a", titled "Only a headline" with no body, and "b", titled
/// "Report", whose body is `body`.
fn bodyless_beside(name: &str, body: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = temp(name);
    let corpus = dir.path().join("corpus");
    write_article(
        &corpus,
        "a.md",
        "id = \"a\"\ntitle = \"Only a headline\"",
        "",
    );
    write_article(&corpus, "b.md", "id = \"b\"\ntitle = \"Report\"", body);
    (dir, corpus)
}

/// Issue 21, item 7: an article with a title and no body is not left out invisibly: it is its
/// title alone, found by the title's words and counted like any passage (issue 19: CACM), and
/// the summary counts groups as `talash facets` does (a group includes its sub-groups).
#[test]
fn bodyless_articles_are_their_titles_and_the_summary_counts_groups_as_facets_do() {
    let (dir, corpus) = bodyless_beside(
        "bodyless",
        "ISIS and ISIS-Khorasan were named.\n\nISIS-K alone.\n\nDaesh alone.\n",
    );
    let idx = dir.path().join("index");
    let err = index_ok(&corpus, &idx, &[]);
    assert!(!err.contains("no body text"), "{err}");
    assert!(err.contains("Indexed 2 articles, 4 passages"), "{err}");
    assert!(err.contains("ISIS 3, ISIS/Khorasan 2"), "{err}");
    let hits = talash_ok(&idx, &["search", "headline", "--json", "--count"]);
    let first: serde_json::Value = serde_json::from_str(hits.lines().next().unwrap()).unwrap();
    assert_eq!(first["passage_id"], "a#1", "{hits}");
    assert_eq!(first["title"], "Only a headline", "{hits}");
    assert!(
        hits.contains("\"passages\":1"),
        "counted in its own text: {hits}"
    );
    // Its title is indexed once, as its text: `title:` does not find it (docs/CORPUS.md).
    assert!(no_hits(&talash_in(&idx, &["search", "title:headline"])));
    assert!(!search_in(&idx, &["text:headline"]).is_empty());
    let facets = talash_ok(&idx, &["facets", "--field", "group"]);
    let isis = facets
        .lines()
        .find(|l| l.trim_start().starts_with("ISIS "))
        .unwrap();
    assert_eq!(isis.split_whitespace().nth(1), Some("3"), "{facets}");
}

/// A bodyless article's one passage is its title: its hit shows the title once, in a search,
/// by article and in `show`, and `--json` says so (`title_is_text`, an empty snippet).
#[test]
fn a_bodyless_articles_hit_shows_its_title_once() {
    let (dir, corpus) = bodyless_beside("bodyless-once", "The headline of the week was a storm.\n");
    let idx = dir.path().join("index");
    index_ok(&corpus, &idx, &["--quiet"]);
    let once = |out: &str| {
        assert_eq!(out.matches("Only a headline").count(), 1, "{out}");
    };
    let plain = talash_ok(&idx, &["search", "headline", "--color", "never"]);
    let a = plain.split("\n\n").find(|h| h.contains(" a#1 ")).unwrap();
    once(a);
    let b = plain.split("\n\n").find(|h| h.contains(" b#1 ")).unwrap();
    assert!(b.contains("The headline of the week"), "{plain}");
    let by_article = talash_ok(&idx, &["search", "headline", "--by-article"]);
    once(&by_article);
    assert!(
        by_article.contains("best #1 (the title alone"),
        "{by_article}"
    );
    let shown = talash_ok(&idx, &["show", "a#1", "--color", "never"]);
    once(&shown);
    let hits = search_in(&idx, &["headline"]);
    let a = hits.iter().find(|h| h["passage_id"] == "a#1").unwrap();
    assert_eq!(a["title_is_text"], true, "{a}");
    assert_eq!(
        (a["snippet"].as_str(), a["text"].as_str()),
        (Some(""), Some("Only a headline"))
    );
    let b = hits.iter().find(|h| h["passage_id"] == "b#1").unwrap();
    assert_eq!(b["title_is_text"], false, "{b}");
    assert!(b["snippet"].as_str().unwrap().contains("headline"), "{b}");
    let shown: serde_json::Value =
        serde_json::from_str(&talash_ok(&idx, &["show", "a#1", "--json"])).unwrap();
    assert_eq!(shown["passages"][0]["title_is_text"], true, "{shown}");
}

/// Issue 21, item 7, on the shipped corpus: the indexer's "Passages per group" says how it
/// counts, once, and every group's number in it is the one `talash facets` gives that path
/// (the issue saw `ISIS 2, ISIS/Khorasan 5` against facets' ISIS 7).
#[test]
fn the_shipped_summary_gives_each_group_the_count_facets_give() {
    let dir = temp("summary");
    let idx = dir.path().join("index");
    let err = index_ok(&repo().join("corpus"), &idx, &[]);
    let line = err
        .lines()
        .find(|l| l.starts_with("Passages per group"))
        .unwrap_or_else(|| panic!("no groups line: {err}"));
    assert_eq!(line.matches("includes its sub-groups").count(), 1, "{line}");
    let (_, list) = line.split_once("): ").expect("the rule, then the counts");
    let json: serde_json::Value =
        serde_json::from_str(&talash_ok(&idx, &["facets", "--field", "group", "--json"])).unwrap();
    let mut facets = std::collections::BTreeMap::new();
    let mut stack: Vec<&serde_json::Value> = json["values"].as_array().unwrap().iter().collect();
    while let Some(n) = stack.pop() {
        facets.insert(n["path"].as_str().unwrap(), n["passages"].as_u64().unwrap());
        stack.extend(n["children"].as_array().into_iter().flatten());
    }
    let summary: std::collections::BTreeMap<&str, u64> = list
        .split(", ")
        .map(|g| {
            let (path, n) = g.rsplit_once(' ').unwrap();
            (path, n.parse().unwrap())
        })
        .collect();
    assert!(summary.contains_key("ISIS/Khorasan"), "{line}");
    assert_eq!(summary, facets, "{line}");
}
