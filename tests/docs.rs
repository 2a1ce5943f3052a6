//! What the binaries say about themselves: shell completions, man pages, the examples in
//! `--help` (each one runs and finds something), and the README's tour (real output).

mod common;

use std::process::Command;

use common::*;

#[test]
fn completions_for_each_shell_name_the_subcommands() {
    for (shell, marker) in [
        ("bash", "_talash()"),
        ("zsh", "#compdef talash"),
        ("fish", "complete -c talash"),
    ] {
        let r = run(TALASH, &["completions", shell]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains(marker), "{shell}");
        for sub in ["search", "facets", "show", "timeline"] {
            assert!(r.stdout.contains(sub), "{shell} lacks {sub}");
        }
    }
    let r = run(TALASH_INDEX, &["--completions", "bash"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("talash-index") && r.stdout.contains("--keep-going"));
}

#[test]
fn man_pages_are_written_per_subcommand() {
    let dir = temp("man");
    let d = dir.path().to_str().unwrap();
    let r = run(TALASH, &["man", "--dir", d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for page in [
        "talash.1",
        "talash-search.1",
        "talash-timeline.1",
        "talash-show.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.contains(".TH"), "{page} is roff");
        assert!(r.stdout.contains(page), "{page} is listed");
    }
    let search = std::fs::read_to_string(dir.path().join("talash-search.1")).unwrap();
    assert!(search.contains("per\\-article"), "options are documented");
    let r = run(TALASH, &["man"]);
    assert!(r.stdout.starts_with(".ie") || r.stdout.contains(".TH talash"));
    let r = run(TALASH_INDEX, &["--man", d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.path().join("talash-index.1").is_file());
}

/// Splits an example line into words, honouring single and double quotes.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (_, c) => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

#[test]
fn every_help_example_runs_and_finds_something_on_the_shipped_corpus() {
    let idx = corpus_index().to_str().unwrap();
    let mut ran = 0;
    for sub in ["", "search", "facets", "show", "timeline", "groups"] {
        let args: Vec<&str> = if sub.is_empty() {
            vec!["--help"]
        } else {
            vec![sub, "--help"]
        };
        let help = run(TALASH, &args).stdout;
        let examples = help.split("Examples:").nth(1).expect("an Examples section");
        for line in examples.lines().map(str::trim) {
            // Skip pipes and redirections, and commands that write files.
            if !line.starts_with("talash ")
                || line.contains(['|', '>'])
                || line.contains(" man ")
                || line.contains("completions")
            {
                continue;
            }
            let line = line.split(" # ").next().unwrap();
            let w = words(line);
            let mut all = vec!["--index", idx];
            all.extend(w[1..].iter().map(String::as_str));
            let r = run(TALASH, &all);
            assert_eq!(r.code, 0, "{line}: {}", r.stderr);
            assert!(
                !r.stdout.trim().is_empty() && !r.stdout.starts_with("No passages"),
                "{line} finds nothing"
            );
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} examples ran");
}

// ---------------------------------------------------------------------------------------------
// The README's tour is real output.

#[test]
fn readme_tour_outputs_are_what_the_binaries_print() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    // From the short tour to the end of "Seeing a result set": every console block.
    let section = readme
        .split("## A short tour")
        .nth(1)
        .and_then(|s| s.split("### Shell completions").next())
        .expect("the README has the tour section");
    let idx = corpus_index().to_str().unwrap();
    let mut checked = 0;
    for block in section.split("```console").skip(1) {
        let block = block.split("```").next().unwrap();
        // Each command starts with "$ " and its output runs to the next command.
        for chunk in block.split("\n$ ").map(|c| c.trim_start_matches("\n$ ")) {
            let chunk = chunk.trim_start_matches("$ ").trim_end();
            if chunk.is_empty() {
                continue;
            }
            let (cmd, want) = chunk.split_once('\n').unwrap_or((chunk, ""));
            let w = words(cmd);
            assert_eq!(w[0], "talash", "{cmd}");
            let out = Command::new(TALASH)
                .args(["--index", idx])
                .args(&w[1..])
                .env("COLUMNS", "80")
                .env_remove("NO_COLOR")
                .output()
                .unwrap();
            let got = String::from_utf8(out.stdout).unwrap();
            assert_eq!(
                got.trim_end(),
                want.trim_end(),
                "README output of `{cmd}` is stale; paste the new output above"
            );
            checked += 1;
        }
    }
    assert!(checked >= 9, "only {checked} README commands checked");
}

/// Issue 21 item 7: no hits is exit status 1 with the message on stderr (grep's and ripgrep's
/// rule), and that is written where users look: `search --help` and `timeline --help`, their
/// man pages, and the README.
#[test]
fn exit_statuses_are_documented_in_help_man_pages_and_readme() {
    let dir = temp("man-exit");
    let d = dir.path().to_str().unwrap();
    assert_eq!(run(TALASH, &["man", "--dir", d]).code, 0);
    for sub in ["search", "timeline"] {
        let help = run(TALASH, &[sub, "--help"]).stdout;
        let page = std::fs::read_to_string(dir.path().join(format!("talash-{sub}.1"))).unwrap();
        for text in [&help, &page.replace("\\-", "-").replace('\n', " ")] {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                text.contains(
                    "Exit status: 0 when something matched; 1 when nothing did (said on stderr"
                ) && text.contains("2 on a usage error"),
                "talash {sub}: {text}"
            );
        }
    }
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        readme
            .contains("a search or timeline that finds nothing exits with 1 and says so on stderr"),
        "README"
    );
}

/// Issue 21 item 9: the README installs the binaries its commands run (`cargo install --path .`
/// installs every binary of src/bin/) before the tour's first command, and shows how to set
/// the index once (`TALASH_INDEX`), which each command's `--help` gives as `--index`'s default.
#[test]
fn the_readme_installs_what_it_runs_and_sets_the_index_once() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let install = readme
        .find("\ncargo install --path .\n")
        .expect("the README installs the binaries");
    let tour = readme.find("\n$ talash ").expect("a tour");
    assert!(install < tour, "installed before the tour runs talash");
    let mut used = std::collections::BTreeSet::new();
    // The block a line is in: None outside, Some(true) in a console block (where only the
    // `$ ` lines are commands), Some(false) in a shell block.
    let mut block = None;
    for line in readme.lines() {
        if let Some(kind) = line.strip_prefix("```") {
            block = block.is_none().then_some(kind == "console");
            continue;
        }
        let cmd = match block {
            Some(true) => line.strip_prefix("$ "),
            Some(false) => Some(line),
            None => None,
        };
        if let Some(bin) = cmd.and_then(|c| c.split_whitespace().next())
            && bin.starts_with("talash")
        {
            used.insert(bin.to_string());
        }
    }
    assert!(
        used.contains("talash") && used.contains("talash-index"),
        "{used:?}"
    );
    for bin in &used {
        assert!(
            repo().join(format!("src/bin/{bin}.rs")).is_file(),
            "the README runs {bin}, which `cargo install --path .` does not install"
        );
    }
    assert!(
        readme.contains("export TALASH_INDEX="),
        "the README sets the index once"
    );
    for args in [
        &["search", "--help"][..],
        &["timeline", "--help"],
        &["show", "--help"],
        &["facets", "--help"],
        &["batch", "--help"],
    ] {
        let help = run(TALASH, args).stdout;
        assert!(help.contains("[env: TALASH_INDEX="), "{args:?}");
    }
    assert!(
        run(TALASH_INDEX, &["--help"])
            .stdout
            .contains("[env: TALASH_INDEX=")
    );
}

/// docs/TESTING.md's map of issue 21 stays true: every test it names exists (`file.rs::name`
/// in tests/, `room::module::tests::name` beside the code), and every item 1 to 9 has a row.
#[test]
fn the_issue_21_map_names_tests_that_exist() {
    let doc = std::fs::read_to_string(repo().join("docs/TESTING.md")).unwrap();
    let map = doc
        .split("## Issue 21, finding by finding")
        .nth(1)
        .expect("docs/TESTING.md has the issue 21 map");
    let map = map.split("\n## ").next().unwrap();
    let mut items = std::collections::BTreeSet::new();
    let mut named = 0;
    for row in map
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| #"))
    {
        if let Some(n) = row[2..]
            .split(' ')
            .next()
            .and_then(|n| n.parse::<u32>().ok())
        {
            items.insert(n);
        }
        for quoted in row.split('`').skip(1).step_by(2) {
            let Some((path, name)) = quoted.rsplit_once("::") else {
                continue;
            };
            let file = if let Some(test_file) = path.strip_suffix(".rs") {
                repo().join(format!("tests/{test_file}.rs"))
            } else {
                let module = path
                    .strip_suffix("::tests")
                    .unwrap_or(path)
                    .replace("::", "/");
                let (flat, nested) = (format!("src/{module}.rs"), format!("src/{module}/mod.rs"));
                if repo().join(&flat).is_file() {
                    repo().join(flat)
                } else {
                    repo().join(nested)
                }
            };
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|_| panic!("{quoted}: no file {}", file.display()));
            assert!(
                name == "*" || text.contains(&format!("fn {name}(")),
                "{quoted}: no test {name} in {}",
                file.display()
            );
            named += 1;
        }
    }
    assert_eq!(items, (1..=9).collect(), "a row for every item");
    assert!(named >= 40, "only {named} tests named");
}
