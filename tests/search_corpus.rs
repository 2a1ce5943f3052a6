//! The shipped corpus, searched through the real binaries.

mod common;

use std::collections::BTreeSet;

use common::*;

#[test]
fn landberg_ranks_the_2023_03_06_article_first() {
    let hits = search_json(&["Landberg"]);
    assert!(!hits.is_empty());
    assert_eq!(field(&hits[0], "date"), "2023-03-06");
    assert_eq!(
        field(&hits[0], "article_id"),
        "et-2023-03-06-counter-terror-dialogue"
    );
    assert!(field(&hits[0], "text").contains("Christopher Landberg"));
}

#[test]
fn daesh_and_daish_find_the_2024_first_paragraph() {
    for q in ["Daesh", "Da'ish", "Da’ish", "daish"] {
        let hits = search_json(&[q]);
        assert_eq!(
            field(&hits[0], "passage_id"),
            "agencies-2024-05-ttp-daish-threat#1",
            "query {q}"
        );
        assert!(field(&hits[0], "text").contains("Da’ish"));
    }
}

#[test]
fn aliases_expand_at_query_time() {
    // None of these names appears in the corpus; each finds its group's passages.
    for (q, must_contain) in [
        ("ISKP", "ISIS-Khorasan"),
        ("ISIS-K", "ISIS-Khorasan"),
        ("Pakistani Taliban", "TTP"),
        ("Tehrik-e-Taliban", "TTP"),
    ] {
        let hits = search_json(&[q, "--limit", "3"]);
        assert!(!hits.is_empty(), "{q} found nothing");
        assert!(
            field(&hits[0], "text").contains(must_contain),
            "{q}: {}",
            field(&hits[0], "text")
        );
    }
}

#[test]
fn group_filter_returns_only_passages_naming_the_group() {
    let hits = search_json(&[
        "Pakistan OR terrorism OR groups",
        "--group",
        "BLA",
        "--limit",
        "100",
    ]);
    assert!(hits.len() >= 3, "{}", hits.len());
    for h in &hits {
        let text = format!("{} {}", field(h, "title"), field(h, "text"));
        assert!(
            text.contains("BLA") || text.contains("Balochistan Liberation Army"),
            "{} does not name the BLA",
            field(h, "passage_id")
        );
        assert!(h["groups"].as_array().unwrap().iter().any(|g| g == "BLA"));
    }
    // Aliases and case work, and the hierarchy includes children.
    let by_alias = search_json(&[
        "Pakistan OR terrorism",
        "--group",
        "balochistan liberation army",
        "--limit",
        "100",
    ]);
    let ids = |hs: &[serde_json::Value]| {
        hs.iter()
            .map(|h| field(h, "passage_id").to_string())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        ids(&by_alias),
        ids(&search_json(&[
            "Pakistan OR terrorism",
            "--group",
            "bla",
            "--limit",
            "100"
        ]))
    );
    let isis = search_json(&["Pakistan OR security", "--group", "Daesh", "--limit", "100"]);
    assert!(isis.iter().any(|h| {
        h["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "ISIS/Khorasan")
    }));
}

#[test]
fn repeated_group_means_any() {
    let ttp = search_json(&["Pakistan", "--group", "TTP", "--limit", "100"]).len();
    let bla = search_json(&["Pakistan", "--group", "BLA", "--limit", "100"]).len();
    let both = search_json(&[
        "Pakistan", "--group", "TTP", "--group", "BLA", "--limit", "100",
    ])
    .len();
    assert!(
        both >= ttp.max(bla) && both <= ttp + bla,
        "{ttp} {bla} {both}"
    );
}

#[test]
fn since_2024_returns_only_2024_and_2025_articles() {
    let hits = search_json(&["Pakistan", "--since", "2024-01-01", "--limit", "100"]);
    let years: BTreeSet<&str> = hits.iter().map(|h| &field(h, "date")[..4]).collect();
    assert_eq!(years, BTreeSet::from(["2024", "2025"]));
    // Month precision overlaps: --until 2023-03-05 still admits the article dated only 2023-03.
    let early = search_json(&["Pakistan", "--until", "2023-03-05", "--limit", "100"]);
    let dates: BTreeSet<&str> = early.iter().map(|h| field(h, "date")).collect();
    assert_eq!(dates, BTreeSet::from(["2023-03"]));
}

#[test]
fn outlet_filter_ignores_case_and_leading_the() {
    for o in ["express tribune", "The Express Tribune", "EXPRESS TRIBUNE"] {
        let hits = search_json(&["Pakistan", "--outlet", o, "--limit", "100"]);
        let articles: BTreeSet<&str> = hits.iter().map(|h| field(h, "article_id")).collect();
        assert_eq!(
            articles,
            BTreeSet::from([
                "et-2023-03-06-counter-terror-dialogue",
                "et-2023-03-09-counterterror-talks"
            ])
        );
    }
}

#[test]
fn page_furniture_is_not_indexed() {
    for q in [
        "Comments are moderated",
        "\"Comments are moderated\"",
        "moderated",
        "\"Previous Post Next Post\"",
        "\"Post a Comment\"",
        "Facebook",
        "\"print-news\"",
    ] {
        assert!(search_json(&[q]).is_empty(), "{q} found furniture");
    }
}

#[test]
fn seed_002_passages_respect_the_word_limit() {
    let hits = search_json(&["title:pakistan", "--limit", "1000"]);
    let blog: Vec<_> = hits
        .iter()
        .filter(|h| field(h, "article_id") == "blog-2025-08-us-pakistan-strengthen-ties")
        .collect();
    // The article has 8 paragraphs of prose, some of ~500 words: cutting makes more passages.
    assert!(blog.len() > 12, "only {} passages", blog.len());
    for h in &blog {
        let words = unicode_words(field(h, "text"));
        assert!(words <= 120, "{} has {words} words", field(h, "passage_id"));
    }
    let longest = blog
        .iter()
        .map(|h| unicode_words(field(h, "text")))
        .max()
        .unwrap();
    assert!(
        longest > 60,
        "passages are cut near the limit, not to sentences: {longest}"
    );
}

fn unicode_words(text: &str) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    text.unicode_words().count()
}

#[test]
fn json_lines_carry_every_field() {
    let hits = search_json(&["TTP", "--limit", "2"]);
    for key in [
        "rank",
        "score",
        "passage_id",
        "article_id",
        "title",
        "outlet",
        "date",
        "groups",
        "text",
        "snippet",
    ] {
        assert!(hits[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(hits[0]["rank"], 1);
    assert_eq!(hits[1]["rank"], 2);
    assert!(hits[0]["score"].as_f64().unwrap() >= hits[1]["score"].as_f64().unwrap());
}

#[test]
fn offset_pages_through_the_same_ranking() {
    let all = search_json(&["Pakistan", "--limit", "6"]);
    let page2 = search_json(&["Pakistan", "--limit", "3", "--offset", "3"]);
    let ids = |hs: &[serde_json::Value]| {
        hs.iter()
            .map(|h| field(h, "passage_id").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&all)[3..], ids(&page2)[..]);
    assert_eq!(page2[0]["rank"], 4);
}

#[test]
fn human_output_is_plain_when_piped_and_coloured_on_request() {
    let idx = corpus_index().to_str().unwrap();
    let plain = run(TALASH, &["--index", idx, "search", "Landberg"]);
    assert_eq!(plain.code, 0);
    assert!(!plain.stdout.contains('\x1b'), "colour in a pipe");
    assert!(
        plain
            .stdout
            .contains("et-2023-03-06-counter-terror-dialogue#")
    );
    assert!(plain.stdout.contains("The Express Tribune · 2023-03-06"));
    let colour = run(
        TALASH,
        &["--index", idx, "--color", "always", "search", "Landberg"],
    );
    assert!(
        colour.stdout.contains("\x1b[1;31mLandberg\x1b[0m"),
        "{}",
        colour.stdout
    );
}

/// No hits is exit status 1 with the message on stderr and nothing on stdout, as grep and
/// ripgrep do (issue 21, item 7), in every form: plain, JSON, by article, timeline.
#[test]
fn no_results_say_so_on_stderr_and_exit_one() {
    let idx = corpus_index().to_str().unwrap();
    for args in [
        &["search", "zeppelin"][..],
        &["search", "zeppelin", "--json"],
        &["search", "zeppelin", "--by-article"],
        &["timeline", "zeppelin"],
    ] {
        let mut all = vec!["--index", idx];
        all.extend_from_slice(args);
        let r = run(TALASH, &all);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{args:?}");
        assert!(
            r.stderr.contains("match \"zeppelin\""),
            "{args:?}: {}",
            r.stderr
        );
    }
    let r = run(
        TALASH,
        &["--index", idx, "search", "zeppelin", "--group", "TTP"],
    );
    assert!(
        r.stderr
            .contains("No passages match \"zeppelin\" with these filters"),
        "{}",
        r.stderr
    );
    assert!(search_json(&["zeppelin"]).is_empty());
}

#[test]
fn bad_input_is_a_clear_usage_error() {
    let idx = corpus_index().to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["search", "x", "--group", "TTPP"],
            "nearest known groups: TTP",
        ),
        (&["search", "\"unbalanced"], "unbalanced quote"),
        (
            &["search", "x", "--since", "2024-02-30"],
            "--since: invalid date",
        ),
        (
            &["search", "x", "--since", "2025", "--until", "2024"],
            "after --until",
        ),
        (
            &["search", "x", "--outlet", "Dawn"],
            "outlets in the index: ",
        ),
        (&["search", "  "], "empty"),
        (&["search"], "required"),
    ];
    for (args, want) in cases {
        let mut all = vec!["--index", idx];
        all.extend_from_slice(args);
        let r = run(TALASH, &all);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"));
    }
}

#[test]
fn a_missing_index_says_how_to_build_one() {
    let r = run(
        TALASH,
        &["--index", "/nonexistent/talash-idx", "search", "x"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("talash-index --index /nonexistent/talash-idx"),
        "{}",
        r.stderr
    );
}

#[test]
fn groups_lists_the_gazetteer() {
    let idx = corpus_index().to_str().unwrap();
    let r = run(TALASH, &["--index", idx, "groups"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains("  ISIS/Khorasan  (Islamic State Khorasan Province)")
    );
    assert!(r.stdout.contains("ISKP"));
}

#[test]
fn fields_choose_what_plain_search_prints() {
    let idx = corpus_index();
    let ids = talash_ok(idx, &["search", "Landberg", "--fields", "id"]);
    assert_eq!(ids.trim(), "1. et-2023-03-06-counter-terror-dialogue#3");
    let two = talash_ok(idx, &["search", "Landberg", "--fields", "id,title"]);
    assert_eq!(
        two.lines().collect::<Vec<_>>(),
        [
            " 1. et-2023-03-06-counter-terror-dialogue#3",
            "    Counter-terror dialogue with US from today"
        ]
    );
    let r = run(
        TALASH,
        &[
            "--index",
            idx.to_str().unwrap(),
            "search",
            "Landberg",
            "--fields",
            "nope",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("snippet"),
        "valid values are listed: {}",
        r.stderr
    );
    // JSON has every field: --fields there would be ignored, so it is refused.
    let r = talash_in(idx, &["search", "Landberg", "--json", "--fields", "id"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("'--json' cannot be used with '--fields"),
        "{}",
        r.stderr
    );
}

/// Issue 21, item 6: `--outlet` takes any unambiguous part of a name, `--group` the name a
/// facet prints, and authors are a field and a filter.
#[test]
fn outlets_groups_and_authors_go_by_the_names_users_see() {
    let tribune = search_json(&["TTP", "--outlet", "tribune", "--limit", "100"]);
    assert!(!tribune.is_empty());
    assert!(
        tribune
            .iter()
            .all(|h| field(h, "outlet") == "The Express Tribune")
    );
    let idx = corpus_index();
    let r = talash_in(idx, &["search", "TTP", "--outlet", "un"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("several outlets"), "{}", r.stderr);
    let k = search_json(&["Pakistan", "--group", "Khorasan", "--limit", "100"]);
    let full = search_json(&["Pakistan", "--group", "ISIS/Khorasan", "--limit", "100"]);
    assert!(!k.is_empty());
    assert_eq!(k, full);
    let by = search_json(&["dialogue", "--author", "yousaf", "--limit", "100"]);
    assert!(!by.is_empty());
    assert!(by.iter().all(|h| field(h, "author") == "Kamran Yousaf"));
    let field_hits = search_json(&["author:kamran", "--limit", "100"]);
    assert!(
        field_hits
            .iter()
            .all(|h| field(h, "author") == "Kamran Yousaf")
    );
    assert!(!field_hits.is_empty());
}

/// The article ids of `talash search QUERY --by-article` on the shipped corpus, as printed.
fn articles_found(query: &str) -> std::collections::BTreeSet<String> {
    let out = talash_ok(
        corpus_index(),
        &["search", query, "--by-article", "-n", "50"],
    );
    out.lines()
        .filter_map(|l| {
            let (rank, rest) = l.trim_start().split_once(". ")?;
            rank.parse::<u32>().ok()?;
            rest.split_whitespace().next().map(str::to_string)
        })
        .collect()
}

/// Issue 21 item 2: "counterterrorism" found 4 articles and missed the op-ed that writes
/// "counter-terrorism"; the three spellings now find the same articles, the hyphenated and
/// closed forms of other compounds match each other, and Tehreek-e-Taliban is still a phrase.
#[test]
fn compound_spellings_find_each_other() {
    let oped = "eurasia-2023-03-pakistan-us-cooperation";
    let text = std::fs::read_to_string(repo().join(format!("corpus/{oped}.md"))).unwrap();
    assert!(text.contains("counter-terrorism") && !text.contains("counterterrorism"));
    let closed = articles_found("counterterrorism");
    assert!(closed.contains(oped), "{closed:?}");
    assert_eq!(articles_found("counter-terrorism"), closed);
    assert_eq!(articles_found("\"counter terrorism\""), closed);
    // Bare words: the compound, or either word as before.
    assert!(articles_found("counter terrorism").is_superset(&closed));
    // The phrase around a compound matches any spelling of it.
    let phrase = articles_found("\"counterterrorism efforts\"");
    assert!(phrase.len() >= 2, "{phrase:?}");
    assert_eq!(articles_found("\"counter-terrorism efforts\""), phrase);
    // The phrase behaviour of a hyphen chain is kept.
    let chain = search_json(&["\"Tehreek-e-Taliban\"", "--limit", "100"]);
    assert!(!chain.is_empty());
    assert_eq!(
        chain.len(),
        search_json(&["\"Tehreek e Taliban\"", "--limit", "100"]).len()
    );
}

/// Issue 21 item 2, the other compounds: each of counter-terror, cross-border, anti-state,
/// co-operation and e-mail, written hyphenated, closed or (after a prefix) spaced, is found by
/// every spelling of it, and by no article that has only one of its words; a hyphen chain
/// (Tehreek-e-Taliban) is still a phrase, not its words in any order.
#[test]
fn every_compound_spelling_finds_every_other() {
    let t = temp("compounds");
    let corpus = t.path().join("corpus");
    // Each compound and its spellings, one article each.
    let compounds: &[(&str, &[&str])] = &[
        (
            "counter-terror",
            &["counter-terror", "counterterror", "counter terror"],
        ),
        (
            "cross-border",
            &["cross-border", "crossborder", "cross border"],
        ),
        ("anti-state", &["anti-state", "antistate", "anti state"]),
        ("co-operation", &["co-operation", "cooperation"]),
        ("e-mail", &["e-mail", "email"]),
    ];
    let mut n = 0;
    let mut ids_of = std::collections::BTreeMap::new();
    for (compound, spellings) in compounds {
        for s in *spellings {
            n += 1;
            let id = format!("c{n}");
            write_article(
                &corpus,
                &format!("{id}.md"),
                &format!("id = \"{id}\"\ntitle = \"Report {n}\""),
                &format!("Officials spoke of {s} matters in Quetta.\n"),
            );
            ids_of
                .entry(*compound)
                .or_insert_with(std::collections::BTreeSet::new)
                .insert(id);
        }
    }
    // One word of each compound alone, and a chain's words out of order.
    write_article(
        &corpus,
        "apart.md",
        "id = \"apart\"\ntitle = \"Apart\"",
        "Terror at the border, the state of operation, and mail. Taliban of Tehreek e.\n",
    );
    write_article(
        &corpus,
        "chain.md",
        "id = \"chain\"\ntitle = \"Chain\"",
        "The banned Tehreek-e-Taliban Pakistan spoke.\n",
    );
    let idx = t.path().join("index");
    index_ok(&corpus, &idx, &["--quiet"]);
    let articles = |q: &str| -> std::collections::BTreeSet<String> {
        search_in(&idx, &[q, "--limit", "100"])
            .iter()
            .map(|h| field(h, "article_id").to_string())
            .collect()
    };
    for (compound, spellings) in compounds {
        let want = &ids_of[compound];
        for s in *spellings {
            // A spaced spelling typed bare also searches each word; quoted, it is the compound.
            let q = if s.contains(' ') {
                format!("\"{s}\"")
            } else {
                s.to_string()
            };
            assert_eq!(
                &articles(&q),
                want,
                "{q} finds every spelling of {compound}"
            );
        }
    }
    assert_eq!(
        articles("\"Tehreek-e-Taliban\""),
        ["chain".to_string()].into()
    );
    assert_eq!(articles("Tehreek-e-Taliban"), ["chain".to_string()].into());
}
