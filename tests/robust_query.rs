//! Bad queries and filters: exit status 2 with a message saying what is wrong and what is
//! valid; other failures 1; never 101 (a panic).

mod common;

use common::*;

fn talash(args: &[&str]) -> Run {
    talash_in(corpus_index(), args)
}

/// Runs `talash search ARGS`, expecting a usage error whose message contains every `want`.
fn usage_error(args: &[&str], wants: &[&str]) {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    let r = talash(&all);
    assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    assert!(r.stderr.starts_with("talash: error: ") || r.stderr.starts_with("error: "));
    for want in wants {
        assert!(
            r.stderr.contains(want),
            "{args:?}: wanted {want:?} in {}",
            r.stderr
        );
    }
}

#[test]
fn unbalanced_quotes_name_the_column() {
    usage_error(
        &["Pakistan \"joint statement"],
        &[
            "invalid query",
            "unbalanced quote: the '\"' at column 10 is never closed",
        ],
    );
}

/// Issue 21 item 1: `Word:` is text unless Word is a field, so datelines, notes and URLs
/// pasted from articles search their words; real fields still work.
#[test]
fn a_word_before_a_colon_is_text_unless_a_field() {
    for q in [
        "ISLAMABAD: Pakistan and the United States",
        "Note:TTP threat",
        "http://tribune.com.pk/story/1 dialogue",
        "byline:kamran talks",
    ] {
        let r = talash(&["search", q, "--json"]);
        assert_eq!(r.code, 0, "{q:?}: {}", r.stderr);
        assert!(!json_lines(&r.stdout).is_empty(), "{q:?}");
    }
    let hits = search_json(&["ISLAMABAD: Pakistan and the United States"]);
    assert_eq!(
        field(&hits[0], "passage_id"),
        "agencies-2024-05-ttp-daish-threat#1"
    );
    // Each pasted form searches exactly its words: the same passages, in the same order, as
    // the words typed apart.
    let ids = |q: &str| -> Vec<String> {
        search_json(&[q, "--limit", "100"])
            .iter()
            .map(|h| field(h, "passage_id").to_string())
            .collect()
    };
    for (pasted, words) in [
        (
            "ISLAMABAD: Pakistan and the United States",
            "ISLAMABAD Pakistan and the United States",
        ),
        ("Note:TTP threat", "Note TTP threat"),
    ] {
        let got = ids(pasted);
        assert!(got.len() > 5, "{pasted:?}: {got:?}");
        assert_eq!(got, ids(words), "{pasted:?} searches {words:?}");
    }
    for q in [
        "title:dialogue",
        "author:yousaf",
        "text:\"joint statement\"",
    ] {
        let r = talash(&["search", q, "--json"]);
        assert_eq!(r.code, 0, "{q:?}: {}", r.stderr);
        let n = json_lines(&r.stdout).len();
        assert!(n > 0, "{q:?}: a real field still searches");
        if !q.starts_with("author:") {
            let plain = search_json(&[q.split_once(':').unwrap().1]).len();
            assert!(n <= plain, "{q:?}: {n} hits, {plain} without the field");
        }
    }
}

/// Issue 21 item 1, a URL: pasted alone (with its scheme, without it, with a trailing slash)
/// it is no field but text, and finds the passage that cites it, ahead of one that only shares
/// some of its words; pasted in a sentence, the sentence's other words search too.
#[test]
fn a_pasted_url_finds_the_passage_that_cites_it() {
    let t = temp("url");
    let corpus = t.path().join("corpus");
    write_article(
        &corpus,
        "u1.md",
        "id = \"u1\"\ntitle = \"Terrorism report\"",
        "The full report is at https://www.state.gov/reports/country-reports-on-terrorism-2022/ \
         and it names the group.\n",
    );
    write_article(
        &corpus,
        "u2.md",
        "id = \"u2\"\ntitle = \"Another\"",
        "The state department reports on terrorism every year, for www.state.gov readers.\n",
    );
    let idx = t.path().join("index");
    index_ok(&corpus, &idx, &["--quiet"]);
    for url in [
        "https://www.state.gov/reports/country-reports-on-terrorism-2022/",
        "http://www.state.gov/reports/country-reports-on-terrorism-2022",
        "www.state.gov/reports/country-reports-on-terrorism-2022",
    ] {
        let r = talash_in(&idx, &["search", url, "--json"]);
        assert_eq!(r.code, 0, "{url}: {}", r.stderr);
        assert!(!r.stderr.contains("field"), "{url}: {}", r.stderr);
        let hits = json_lines(&r.stdout);
        assert_eq!(field(&hits[0], "passage_id"), "u1#1", "{url}: {hits:?}");
    }
    let hits = search_in(
        &idx,
        &["see https://www.state.gov/reports/country-reports-on-terrorism-2022/ terrorism"],
    );
    let ids: Vec<&str> = hits.iter().map(|h| field(h, "passage_id")).collect();
    assert_eq!(ids, ["u1#1", "u2#1"]);
}

/// Issue 21 item 3: an expanded alias weighs as one occurrence of the group, so the only
/// passage with both words ranks first, above passages that spell the name out.
#[test]
fn an_alias_weighs_as_one_occurrence_of_the_group() {
    let hits = search_json(&["designation BLA"]);
    assert_eq!(
        field(&hits[0], "passage_id"),
        "blog-2025-08-us-pakistan-strengthen-ties#5",
        "{hits:?}"
    );
    assert!(field(&hits[0], "text").contains("designation"));
    assert!(
        hits[1..]
            .iter()
            .all(|h| !field(h, "text").contains("designation")),
        "only one passage has both words"
    );
}

#[test]
fn unknown_group_suggests_the_nearest() {
    usage_error(
        &["talks", "--group", "Talibn"],
        &[
            "--group: unknown group \"Talibn\"",
            "nearest known groups: ",
            "Afghan",
            "`talash groups` lists them all",
        ],
    );
}

#[test]
fn bad_dates_say_what_is_valid() {
    usage_error(
        &["talks", "--since", "2024-13"],
        &[
            "--since: invalid date \"2024-13\"",
            "expected YYYY-MM-DD, YYYY-MM or YYYY",
        ],
    );
    usage_error(
        &["talks", "--until", "yesterday"],
        &["--until: invalid date \"yesterday\""],
    );
}

#[test]
fn since_after_until() {
    usage_error(
        &["talks", "--since", "2025-01", "--until", "2024-12-31"],
        &["--since 2025-01 is after --until 2024-12-31", "swap them"],
    );
}

#[test]
fn empty_queries() {
    usage_error(&[""], &["the query is empty; give at least one word"]);
    usage_error(&["\t \n"], &["the query is empty"]);
    usage_error(&["--", "-police"], &["no word to search for"]);
    usage_error(&["\"\""], &["no word to search for"]);
}

#[test]
fn a_query_of_100000_characters_is_refused_briefly() {
    let long = "pakistan ".repeat(11_112)[..100_000].to_string();
    let r = talash(&["search", &long]);
    assert_eq!(r.code, 2, "{}", &r.stderr[..r.stderr.len().min(300)]);
    assert!(
        r.stderr
            .contains("the query is 100000 characters long; at most 10000 are accepted"),
        "{}",
        &r.stderr[..r.stderr.len().min(300)]
    );
    assert!(
        r.stderr.len() < 400,
        "the query is not echoed whole: {} bytes",
        r.stderr.len()
    );
}

#[test]
fn control_characters_are_white_space_and_never_echoed_raw() {
    let r = talash(&["search", "--json", "Landberg\u{7}\u{1b}[31m"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("et-2023-03-06-counter-terror-dialogue#3"),
        "{}",
        r.stdout
    );
    // A query of control characters only is empty; the message shows them escaped.
    usage_error(&["\u{1}\u{1b}\u{7f}"], &["the query is empty"]);
    let r = talash(&["search", "\u{1b}[2Jzzzunmatched"]);
    assert_eq!(r.code, 1, "no hits: {}", r.stderr);
    assert!(
        !r.stdout.contains('\u{1b}') && !r.stderr.contains('\u{1b}'),
        "no raw escape reaches the terminal: {:?} {:?}",
        r.stdout,
        r.stderr
    );
}

/// Odd queries a user may paste: each either runs (0, or 1 with no hits) or is a usage error
/// (2), never a panic.
#[test]
fn odd_queries_never_panic() {
    let odd = [
        "a^2",
        "(((",
        ")",
        "NOT",
        "title:",
        ":",
        "\"",
        "\\",
        "*",
        "+-a",
        "a:b:c",
        "🙂 talks",
        "مذاکرات",
        "AND OR NOT",
        "-(-a)",
        "title:\"\"",
        "text:(a OR b)",
        "a~2",
        "[1 TO 5]",
        "{x}",
        "!a",
        "a AND AND b",
        "NOT NOT a",
        "+",
        "-",
        "((a))",
        "a\"b",
        "'unbalanced",
        "Da’ish",
        "ISIS-K OR ISKP",
        "IS",
        "let",
        "tehreek-e-taliban",
    ];
    let long_word = "x".repeat(5000);
    let deep = format!("{}a{}", "(".repeat(32), ")".repeat(32));
    let too_deep = format!("{}a{}", "(".repeat(33), ")".repeat(33));
    for q in odd
        .iter()
        .copied()
        .chain([long_word.as_str(), deep.as_str(), too_deep.as_str()])
    {
        let r = talash(&["search", "--json", "--", q]);
        assert!(
            r.code == 0 || r.code == 2 || no_hits(&r),
            "{q:?} -> {}: {}",
            r.code,
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{q:?}: {}", r.stderr);
    }
}

/// Issue 21, item 7: one rule for stop-word-only queries, whatever their form, in search,
/// by article, with a count and in the timeline.
#[test]
fn stop_word_only_queries_are_one_usage_error_in_every_form() {
    for q in ["the", "the a", "\"of the\"", "title:the", "the -police"] {
        usage_error(&[q], &["no word to search for once stop words"]);
        usage_error(
            &[q, "--by-article"],
            &["no word to search for once stop words"],
        );
        usage_error(&[q, "--count"], &["no word to search for once stop words"]);
        let r = talash(&["timeline", q]);
        assert_eq!(r.code, 2, "timeline {q:?}: {}", r.stderr);
        assert!(r.stderr.contains("no word to search for once stop words"));
    }
}

/// Issue 21, item 6: `Tali*` finds the words that start so; a one-letter prefix is refused.
#[test]
fn prefix_queries_find_words_that_start_so() {
    let hits = search_json(&["Tali*", "--limit", "100"]);
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| {
            let t = format!("{} {}", field(h, "title"), field(h, "text")).to_lowercase();
            t.contains("tali")
        }),
        "every hit has a word starting with tali"
    );
    let exact = search_json(&["Taliban", "--limit", "100"]);
    assert!(hits.len() >= exact.len());
    usage_error(&["T*"], &["too short"]);
}

/// Issue 21, item 6: a prefix is bounded: it searches at most the 64 most frequent indexed
/// words that start so (ties in word order), never all of them. Seventy words start with
/// "zq"; the last ten in word order are in two articles each, the others in one.
#[test]
fn a_prefix_searches_only_its_64_most_frequent_words() {
    let t = temp("prefix");
    let corpus = t.path().join("corpus");
    let word = |i: usize| {
        format!(
            "zq{}{}x",
            (b'a' + (i / 26) as u8) as char,
            (b'a' + (i % 26) as u8) as char
        )
    };
    let article = |id: String, w: String| {
        let front = format!("id = \"{id}\"\ntitle = \"Report\"");
        write_article(
            &corpus,
            &format!("{id}.md"),
            &front,
            &format!("Seen: {w}.\n"),
        );
    };
    for i in 0..70 {
        article(format!("a{i:02}"), word(i));
    }
    for i in 60..70 {
        article(format!("b{i:02}"), word(i));
    }
    let idx = t.path().join("index");
    index_ok(&corpus, &idx, &["--quiet"]);
    let found: std::collections::BTreeSet<String> = search_in(&idx, &["zq*", "--limit", "1000"])
        .iter()
        .map(|h| field(h, "article_id").to_string())
        .collect();
    let mut want: std::collections::BTreeSet<String> =
        (0..54).chain(60..70).map(|i| format!("a{i:02}")).collect();
    want.extend((60..70).map(|i| format!("b{i:02}")));
    assert_eq!(found, want);
    let words = search_in(&idx, &[&word(55)]);
    assert_eq!(words.len(), 1, "the word itself is indexed");
}

/// Issue 21, item 7: `--facet-year 23` is refused as `--since 24` is.
#[test]
fn two_digit_years_are_refused_everywhere() {
    usage_error(&["TTP", "--since", "24"], &["4 digits"]);
    usage_error(&["TTP", "--facets", "--facet-year", "23"], &["4 digits"]);
    usage_error(&["TTP", "--aggregate", "sum"], &["--by-article"]);
}

/// Issue 19 item 3: `talash search --prf` ranks by the expanded query, on passages and on
/// articles; a bad setting is a usage error saying what is valid.
#[test]
fn search_takes_feedback_on_passages_and_articles() {
    for by in [&[][..], &["--by-article"][..]] {
        let args = [&["search", "Landberg", "--json", "-n", "50"][..], by].concat();
        let plain = json_lines(&talash(&args).stdout).len();
        let fb = talash(&[&args[..], &["--prf", "rm3:3:5:0.5"]].concat());
        assert_eq!(fb.code, 0, "{by:?}: {}", fb.stderr);
        let hits = json_lines(&fb.stdout);
        assert!(hits.len() >= plain, "{by:?}: feedback adds terms");
        assert!(
            hits.len() > plain,
            "{by:?}: and finds more than the one word"
        );
    }
    let r = talash(&["search", "x", "--prf", "rm3:1:2"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("rm3:DOCS:TERMS:WEIGHT"), "{}", r.stderr);
}
