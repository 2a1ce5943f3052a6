//! A real pseudo-terminal, through the real binaries: colours and the progress bar appear
//! there, not when piped.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// Runs `cmd` (a shell command line) in a pseudo-terminal with util-linux `script`; returns
/// what the terminal received (stdout and stderr together). `None` when `script` is missing.
fn in_pty(cmd: &str, env: &[(&str, &str)]) -> Option<String> {
    let mut c = Command::new("script");
    c.args(["-qec", cmd, "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("TALASH_INDEX")
        .env("COLUMNS", "100");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().ok()?;
    assert!(out.status.success(), "{cmd}: {:?}", out);
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn script_available() -> bool {
    let ok = Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            !required(),
            "util-linux `script` is needed for the pseudo-terminal test (TALASH_REQUIRE_SHARED=1)"
        );
        eprintln!("SKIP: util-linux `script` not found; the pseudo-terminal test did not run");
    }
    ok
}

fn quoted(p: &Path) -> String {
    format!("'{}'", p.display())
}

#[test]
fn a_terminal_gets_colours_and_a_progress_bar_a_pipe_does_not() {
    if !script_available() {
        return;
    }
    let dir = temp("pty");
    let idx = dir.path().join("index");
    let corpus = repo().join("corpus");

    // Indexing in a terminal: the bar (block characters, articles count) and the summary.
    let tty = in_pty(
        &format!(
            "{} {} --index {}",
            TALASH_INDEX,
            quoted(&corpus),
            quoted(&idx)
        ),
        &[],
    )
    .unwrap();
    assert!(
        tty.contains("5/5 articles"),
        "no bar in a terminal: {tty:?}"
    );
    assert!(tty.contains('█'), "{tty:?}");
    assert!(tty.contains("\x1b["), "{tty:?}");
    assert!(tty.contains("Indexed 5 articles, 52 passages"), "{tty:?}");
    // --quiet: nothing at all.
    let quiet = in_pty(
        &format!(
            "{} {} --index {} --quiet --full",
            TALASH_INDEX,
            quoted(&corpus),
            quoted(&idx)
        ),
        &[],
    )
    .unwrap();
    assert!(!quiet.contains("articles"), "{quiet:?}");
    // One article: the bar counts in the singular.
    let one = in_pty(
        &format!(
            "{} {} --index {}",
            TALASH_INDEX,
            quoted(&corpus.join("et-2023-03-06-counter-terror-dialogue.md")),
            quoted(&dir.path().join("one"))
        ),
        &[],
    )
    .unwrap();
    assert!(one.contains("1/1 article · 9 passages"), "{one:?}");
    // Piped: the summary only. (--full: a re-run would otherwise be an update, which draws no
    // bar anywhere.)
    let piped = index_into(&corpus, &idx, &["--full"]);
    assert_eq!(piped.code, 0);
    assert!(
        piped.stderr.contains("Indexed 5 articles"),
        "{}",
        piped.stderr
    );
    assert!(!piped.stderr.contains('█') && !piped.stderr.contains("\x1b["));
    assert!(!piped.stderr.contains("5/5 articles"));

    // Searching: matches are coloured in a terminal, unless NO_COLOR or --color never.
    let search = format!("{} --index {} search Landberg", TALASH, quoted(&idx));
    let tty = in_pty(&search, &[]).unwrap();
    assert!(tty.contains("\x1b[1;31mLandberg\x1b[0m"), "{tty:?}");
    let no_color = in_pty(&search, &[("NO_COLOR", "1")]).unwrap();
    assert!(no_color.contains("Landberg") && !no_color.contains("\x1b["));
    let never = in_pty(&format!("{search} --color never"), &[]).unwrap();
    assert!(!never.contains("\x1b["), "{never:?}");
    let piped = run(
        TALASH,
        &["--index", idx.to_str().unwrap(), "search", "Landberg"],
    );
    assert!(piped.stdout.contains("Landberg") && !piped.stdout.contains("\x1b["));
    let always = run(
        TALASH,
        &[
            "--index",
            idx.to_str().unwrap(),
            "--color",
            "always",
            "search",
            "Landberg",
        ],
    );
    assert!(always.stdout.contains("\x1b[1;31m"));

    // The timeline draws coloured bars in a terminal, plain ones in a pipe.
    let tty = in_pty(
        &format!("{} --index {} timeline TTP", TALASH, quoted(&idx)),
        &[],
    )
    .unwrap();
    assert!(tty.contains("\x1b[36m█"), "{tty:?}");
}

#[test]
fn a_terminal_wraps_passage_text_at_its_own_width() {
    if !script_available() {
        return;
    }
    // The terminal is 64 columns and COLUMNS is unset: the width comes from the terminal.
    let search = format!(
        "stty rows 24 cols 64 && env -u COLUMNS {} --index {} search counterterrorism --color never",
        TALASH,
        quoted(corpus_index())
    );
    let tty = in_pty(&search, &[]).unwrap().replace('\r', "");
    let text: Vec<&str> = tty.lines().filter(|l| l.starts_with("    ")).collect();
    assert!(
        text.len() > 10 * 3,
        "text is wrapped onto more lines: {tty}"
    );
    for line in &text {
        assert!(line.chars().count() <= 64, "over 64 columns: {line:?}");
    }
    // Piped from that terminal (stderr and stdin still on it), the same search is not
    // wrapped: one line a snippet.
    let piped = in_pty(&format!("{search} | cat"), &[])
        .unwrap()
        .replace('\r', "");
    assert!(piped.lines().any(|l| l.chars().count() > 64), "{piped}");
    assert_eq!(piped.lines().count(), 10 * 5 - 1, "{piped}");
}
