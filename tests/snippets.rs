//! How passage text reaches the reader, through the real binary on the shipped corpus: what a
//! snippet keeps of its sentence, and where the ellipsis goes.

mod common;

use common::*;

/// Marks that end a sentence or close a quotation after it: a snippet that stops before one
/// of these, with nothing but them left in the passage, has dropped them.
const CLOSING: &[char] = &['.', '?', '!', '…', '"', '\'', '”', '’', '»', ')', ']'];

#[test]
fn a_snippet_that_ends_with_its_sentence_keeps_the_full_stop() {
    // The README's first search: the passage ends "... Christopher Landberg."
    let hits = search_json(&["Landberg"]);
    let snippet = hits[0]["snippet"].as_str().unwrap();
    assert!(
        snippet.ends_with("Christopher Landberg."),
        "the full stop is kept: {snippet:?}"
    );
    assert!(!snippet.contains('…'), "nothing was cut: {snippet:?}");
    let plain = talash_ok(corpus_index(), &["search", "Landberg", "-n", "1"]);
    assert!(
        plain.contains("Christopher Landberg.\n"),
        "and printed: {plain}"
    );
}

#[test]
fn an_ellipsis_marks_only_text_that_was_cut() {
    let mut cut = 0;
    let mut whole = 0;
    for q in [
        "TTP",
        "counterterrorism",
        "dialogue",
        "Daesh",
        "Landberg",
        "Taliban",
        "Pakistan",
        "statement",
        "BLA designation",
        "terror financing",
    ] {
        for h in search_json(&[q, "-n", "20"]) {
            let text = h["text"].as_str().unwrap();
            let snippet = h["snippet"].as_str().unwrap();
            let core = snippet.strip_prefix("… ").unwrap_or(snippet);
            let core = core.strip_suffix(" …").unwrap_or(core);
            let at = text
                .find(core)
                .unwrap_or_else(|| panic!("{q}: snippet {snippet:?} is not in {text:?}"));
            let (before, after) = (&text[..at], &text[at + core.len()..]);
            let has_words = |s: &str| s.chars().any(char::is_alphanumeric);
            assert_eq!(
                snippet.starts_with("… "),
                has_words(before),
                "{q}: a leading … exactly when words come before: {snippet:?} in {text:?}"
            );
            assert_eq!(
                snippet.ends_with(" …"),
                has_words(after),
                "{q}: a trailing … exactly when words follow: {snippet:?} in {text:?}"
            );
            assert!(
                !after.starts_with(CLOSING),
                "{q}: the snippet stops before {:?}: {snippet:?}",
                after.chars().next()
            );
            if has_words(after) {
                cut += 1;
            } else {
                whole += 1;
                if text.trim_end().ends_with(['.', '?', '!']) {
                    assert!(core.ends_with(CLOSING), "{q}: {snippet:?} of {text:?}");
                }
            }
        }
    }
    assert!(
        cut > 5 && whole > 5,
        "both kinds seen: {cut} cut, {whole} whole"
    );
}

/// `talash --index <shipped> ARGS` with `env` set (and COLUMNS only if `env` sets it); stdout.
fn talash_env(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut c = std::process::Command::new(TALASH);
    c.arg("--index")
        .arg(corpus_index())
        .args(args)
        .env_remove("TALASH_INDEX")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    assert!(out.status.success(), "talash {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The line without colour sequences.
fn visible(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after.find('m').expect("a colour sequence ends with m");
        assert!(
            after[..end]
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b';'),
            "a colour sequence was cut: {line:?}"
        );
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Columns of a line of the shipped corpus's text: one a character (it has no wide or
/// combining characters; the unit tests of `output::wrap` cover those).
fn columns(line: &str) -> usize {
    visible(line).chars().count()
}

/// The snippets of plain `search` output (the fields id and snippet), each joined back into one
/// line: a continuation line is one indented deeper than the hit's first line.
fn snippets(out: &str) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for line in out.lines() {
        if let Some(text) = line.strip_prefix("    ") {
            match all.last_mut() {
                Some(s) if !s.is_empty() => {
                    s.push(' ');
                    s.push_str(text);
                }
                _ => all.push(text.to_string()),
            }
        } else {
            all.push(String::new());
        }
    }
    all.retain(|s| !s.is_empty());
    all
}

#[test]
fn snippets_wrap_to_columns_with_continuations_under_their_first_word() {
    let args = [
        "search",
        "counterterrorism",
        "-n",
        "8",
        "--fields",
        "id,snippet",
    ];
    let one_line = talash_env(&args, &[]);
    let wrapped = talash_env(&args, &[("COLUMNS", "60")]);
    // Piped without COLUMNS: one line a snippet, as grep and cut expect.
    assert!(
        one_line.lines().any(|l| columns(l) > 100),
        "long snippets exist: {one_line}"
    );
    assert!(wrapped.lines().count() > one_line.lines().count() + 8);
    // The text under each rank line is wrapped (the rank line, id and score, is not).
    for line in wrapped.lines().filter(|l| l.starts_with("    ")) {
        assert!(columns(line) <= 60, "over 60 columns: {line:?}");
    }
    // Nothing lost or split: each snippet, its lines joined, is the one-line snippet.
    assert_eq!(snippets(&wrapped), snippets(&one_line));
    // The same with the flag, whatever COLUMNS says; and --width 0 never wraps.
    let flag = [&args[..], &["--width", "60"]].concat();
    assert_eq!(talash_env(&flag, &[("COLUMNS", "200")]), wrapped);
    let never = [&args[..], &["--width", "0"]].concat();
    assert_eq!(talash_env(&never, &[("COLUMNS", "60")]), one_line);
}

#[test]
fn highlights_survive_wrapping_line_by_line() {
    let out = talash_env(
        &[
            "search",
            "joint statement",
            "--color",
            "always",
            "--width",
            "50",
        ],
        &[],
    );
    let mut marked = 0;
    for line in out.lines().filter(|l| visible(l).starts_with("    ")) {
        assert!(columns(line) <= 50, "{line:?}");
        // A highlight is closed on its own line: no colour runs into the next line's indent.
        if let Some(at) = line.rfind("\x1b[1;31m") {
            assert!(line[at..].contains("\x1b[0m"), "{line:?}");
        }
        marked += line.matches("\x1b[1;31m").count();
    }
    assert!(marked >= 4, "highlights printed: {out}");
}

#[test]
fn show_and_by_article_wrap_under_their_text() {
    let out = talash_env(
        &[
            "show",
            "et-2023-03-06-counter-terror-dialogue#3",
            "--width",
            "60",
        ],
        &[],
    );
    let text: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("▶"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        text,
        [
            "  Syed Haider Shah, Additional Secretary (UN&ED) will lead",
            "  Pakistan delegation at the two-day talks with the US",
            "  delegation headed by Acting Coordinator for",
            "  Counterterrorism Christopher Landberg.",
        ]
    );
    let out = talash_env(
        &["search", "Landberg", "--by-article", "--width", "60"],
        &[],
    );
    let best: Vec<&str> = out.lines().skip_while(|l| !l.contains("best #3")).collect();
    assert_eq!(
        best[0],
        "    best #3 Syed Haider Shah, Additional Secretary (UN&ED)"
    );
    assert!(best.len() > 2, "{out}");
    for line in &best[1..] {
        assert!(
            line.starts_with("            ") && !line.starts_with("             "),
            "continued under the snippet's first word: {line:?}"
        );
    }
}

/// Every spelling of a compound highlights every spelling in the snippets: the snippet's
/// analyzer stems only words that could become a query term, and must still find the closed
/// form of `counter-terrorism` for the query `counterterrorism` (and the other way round).
#[test]
fn each_spelling_of_a_compound_highlights_every_spelling() {
    for q in ["counterterrorism", "counter-terrorism", "counter terrorism"] {
        let mut lit = std::collections::BTreeSet::new();
        for h in search_json(&[q, "-n", "30"]) {
            let snippet = h["snippet"].as_str().unwrap();
            for range in h["highlights"].as_array().unwrap() {
                let (from, to) = (range[0].as_u64().unwrap(), range[1].as_u64().unwrap());
                let word = &snippet[from as usize..to as usize];
                let closed: String = word
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
                    .to_lowercase();
                // Two spaced words also search each word (`search::compounds`).
                assert!(
                    closed.starts_with("counterterror") || q.contains(' '),
                    "{q}: highlighted {word:?} in {snippet:?}"
                );
                lit.insert(word.to_lowercase());
            }
        }
        assert!(
            lit.contains("counterterrorism") && lit.contains("counter-terrorism"),
            "{q}: both spellings highlighted, found {lit:?}"
        );
    }
}
