//! Issue 21 item 8: shell completion of group names after `--group` and of the index's outlets
//! after `--outlet`, in bash, zsh and fish. The scripts call `talash complete groups|outlets`
//! while Tab is pressed; these tests run that lister on the shipped corpus's index, check each
//! script's syntax with its shell where the shell is installed, and drive bash's completion
//! function as bash would (COMP_WORDS, COMP_CWORD) with the real binary.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::*;

fn script(shell: &str) -> String {
    let r = run(TALASH, &["completions", shell]);
    assert_eq!(r.code, 0, "talash completions {shell}: {}", r.stderr);
    r.stdout
}

/// Whether `shell` can be run here; a line says so when it cannot. The shells are the user's
/// tools, not test data: none is installed for the tests, so a missing one skips even in CI.
fn have(shell: &str) -> bool {
    let ok = Command::new(shell)
        .arg("-c")
        .arg("exit 0")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: no {shell} on this machine, so its completion script is not run");
    }
    ok
}

/// `talash complete ARGS` with TALASH_INDEX as given (or unset).
fn complete(args: &[&str], env_index: Option<&Path>) -> Run {
    let mut cmd = Command::new(TALASH);
    cmd.arg("complete").args(args).env_remove("TALASH_INDEX");
    if let Some(idx) = env_index {
        cmd.env("TALASH_INDEX", idx);
    }
    cmd.output().expect("talash runs").into()
}

/// The outlets `talash facets --field outlet` counts in the index.
fn facet_outlets(idx: &Path) -> BTreeSet<String> {
    let out = talash_ok(idx, &["facets", "--field", "outlet", "--json"]);
    let facets: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    facets["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_value_lister_lists_the_index_outlets_and_its_groups() {
    let idx = corpus_index();
    let r = complete(&["outlets", "--index", idx.to_str().unwrap()], None);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let listed: Vec<&str> = r.stdout.lines().collect();
    let expected = facet_outlets(idx);
    assert_eq!(
        listed
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        expected
    );
    assert_eq!(listed.len(), expected.len(), "each outlet once: {listed:?}");
    assert!(listed.contains(&"The Express Tribune"), "{listed:?}");

    // TALASH_INDEX is honoured, as by every other subcommand.
    let by_env = complete(&["outlets"], Some(idx));
    assert_eq!(by_env.stdout, r.stdout);

    // Groups: every path `talash groups` prints and every alias, each once.
    let groups = complete(&["groups", "--index", idx.to_str().unwrap()], None);
    assert_eq!((groups.code, groups.stderr.as_str()), (0, ""));
    let names: Vec<&str> = groups.stdout.lines().collect();
    let listing = talash_ok(idx, &["groups"]);
    for line in listing.lines() {
        let line = line.trim();
        if let Some(aliases) = line.strip_prefix("aliases: ") {
            for alias in aliases.split(", ") {
                let lower = alias.to_lowercase();
                assert!(
                    names.iter().any(|n| n.to_lowercase() == lower),
                    "alias {alias:?} not offered"
                );
            }
        } else {
            let path = line.split("  (").next().unwrap();
            assert!(names.contains(&path), "group {path:?} not offered");
        }
    }
    assert!(names.contains(&"Afghan Taliban") && names.contains(&"ISIS-K"));
    let distinct: BTreeSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(distinct.len(), names.len(), "a value twice: {names:?}");
}

#[test]
fn the_value_lister_is_silent_without_an_index_and_on_bad_arguments() {
    let t = temp("complete-none");
    let none = t.path().join("no-index");
    let r = complete(&["outlets", "--index", none.to_str().unwrap()], None);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    // A folder that is not an index (here: a corpus) is no index either.
    let corpus = repo().join("corpus");
    let r = complete(&["outlets", "--index", corpus.to_str().unwrap()], None);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    // Group names need no index: the built-in gazetteer's.
    let r = complete(&["groups", "--index", none.to_str().unwrap()], None);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.lines().any(|l| l == "TTP"), "{}", r.stdout);
    for bad in [&["nonsense"][..], &[], &["outlets", "--bogus"], &["--help"]] {
        let r = complete(bad, None);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (0, "", ""),
            "talash complete {bad:?}"
        );
    }
    // It is for the scripts only: not among the subcommands clap completes or lists.
    assert!(!run(TALASH, &["--help"]).stdout.contains("complete "));
    let bash = script("bash");
    assert!(!bash.contains("talash,complete)"), "clap lists `complete`");
}

#[test]
fn each_script_completes_group_and_outlet_values() {
    let bash = script("bash");
    assert!(bash.contains("complete -F _talash_with_values"));
    assert!(
        !bash.contains("complete -F _talash "),
        "clap's registration is replaced"
    );
    let zsh = script("zsh");
    for (option, action) in [
        ("-g+[", "_talash_values groups'"),
        ("--group=[", "_talash_values groups'"),
        ("--outlet=[", "_talash_values outlets'"),
    ] {
        let specs: Vec<&str> = zsh.lines().filter(|l| l.contains(option)).collect();
        assert_eq!(specs.len(), 3, "search, batch, timeline take {option}");
        assert!(
            specs.iter().all(|l| l.ends_with(&format!("{action} \\"))),
            "{specs:?}"
        );
    }
    let fish = script("fish");
    for (option, kind) in [(" -l group ", "groups"), (" -l outlet ", "outlets")] {
        let lines: Vec<&str> = fish.lines().filter(|l| l.contains(option)).collect();
        assert_eq!(lines.len(), 3, "{option}");
        let call = format!("-f -a \"(__talash_values {kind})\"");
        assert!(lines.iter().all(|l| l.ends_with(&call)), "{lines:?}");
    }
    assert!(fish.contains("function __talash_values"));
}

#[test]
fn each_script_is_valid_in_its_shell() {
    let t = temp("complete-syntax");
    for (shell, check) in [
        ("bash", &["-n"][..]),
        ("zsh", &["-n"]),
        ("fish", &["--no-execute"]),
    ] {
        if !have(shell) {
            continue;
        }
        let file = t.path().join(format!("talash.{shell}"));
        std::fs::write(&file, script(shell)).unwrap();
        let out = Command::new(shell).args(check).arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "{shell} {check:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// What bash's completion offers for `words` (the last one is the word under the cursor), as
/// bash calls the function registered with `complete -F` for `talash`: COMPREPLY, one a line.
fn bash_offers(words: &[&str], env_index: Option<&Path>) -> Vec<String> {
    let t = temp("complete-bash");
    let file = t.path().join("talash.bash");
    std::fs::write(&file, script("bash")).unwrap();
    let mut all = vec![TALASH];
    all.extend_from_slice(words);
    // Each word is passed as an argument, so the test needs no quoting of its own.
    let driver = r#"
        source "$0"
        COMP_WORDS=("$@")
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMP_LINE="${COMP_WORDS[*]}"
        COMP_POINT=${#COMP_LINE}
        registered=$(complete -p talash)
        registered=${registered#*-F }
        func=${registered%% *}
        "$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(driver)
        .arg(&file)
        .args(&all)
        .env_remove("TALASH_INDEX");
    if let Some(idx) = env_index {
        cmd.env("TALASH_INDEX", idx);
    }
    let out = cmd.output().expect("bash runs");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_offers_the_index_outlets_and_groups_quoted() {
    if !have("bash") {
        return;
    }
    let idx = corpus_index();
    let dir = idx.to_str().unwrap();
    // `talash search --outlet <Tab>`, the index through TALASH_INDEX: every outlet, escaped
    // for the command line as bash inserts them.
    let offered = bash_offers(&["search", "--outlet", ""], Some(idx));
    let escaped: BTreeSet<String> = facet_outlets(idx)
        .iter()
        .map(|o| {
            o.replace(' ', "\\ ")
                .replace('(', "\\(")
                .replace(')', "\\)")
        })
        .collect();
    assert_eq!(offered.iter().cloned().collect::<BTreeSet<_>>(), escaped);
    assert!(offered.contains(&"The\\ Express\\ Tribune".to_string()));

    // An --index typed on the line wins; a prefix in any case, "The" optional.
    let only = |words: &[&str]| bash_offers(words, None);
    assert_eq!(
        only(&["--index", dir, "search", "--outlet", "exp"]),
        ["The\\ Express\\ Tribune"]
    );
    let with_eq = format!("--index={dir}");
    assert_eq!(
        only(&["search", &with_eq, "--outlet", "the\\ ex"]),
        ["The\\ Express\\ Tribune"]
    );
    // Inside an open quote the value goes in as it is (readline closes the quote).
    assert_eq!(
        only(&["timeline", "TTP", "--index", dir, "--outlet", "'The Ex"]),
        ["The Express Tribune"]
    );
    // --outlet=VALUE: bash splits the word at "=".
    assert_eq!(
        only(&["search", "--index", dir, "--outlet", "=", "unk"]),
        ["Unknown\\ \\(Agencies\\ wire\\ copy\\)"]
    );
    // No index: nothing, and no file names either.
    let t = temp("complete-noidx");
    let none = t.path().join("none");
    assert!(only(&["search", "--index", none.to_str().unwrap(), "--outlet", ""]).is_empty());

    // Groups after --group and -g, from the index's gazetteer.
    assert_eq!(
        only(&["--index", dir, "search", "--group", "afgh"]),
        ["Afghan\\ Taliban"]
    );
    let isis = only(&["--index", dir, "batch", "q.tsv", "-g", "isis-"]);
    assert_eq!(isis, ["ISIS-Khorasan", "ISIS-K"]);

    // Everything else is clap's completion, as before.
    assert!(only(&["sea"]).contains(&"search".to_string()));
    assert!(only(&["search", "--per-a"]).contains(&"--per-article".to_string()));
}

/// Types `line` and Tab into an interactive bash on a pseudo-terminal (Python's pty module),
/// with the script sourced, and returns what the terminal shows after the Tab: readline's
/// own insertion of the completion, quoting included. Waits on the prompt and the expected
/// text, not on a clock (20 s at most).
const TYPE_IN_BASH: &str = r#"
import os, pty, select, sys, time
script, line, expect = sys.argv[1], sys.argv[2], sys.argv[3]
pid, fd = pty.fork()
if pid == 0:
    os.environ["PS1"] = "READY> "
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
seen = b""
def until(text):
    global seen
    end = time.time() + 20
    while text.encode() not in seen and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                return
until("READY> ")
seen = b""
os.write(fd, ("source '%s'\n" % script).encode())
until("READY> ")
seen = b""
os.write(fd, line.encode() + b"\t")
until(expect)
sys.stdout.write(seen.decode(errors="replace"))
os.write(fd, b"\x15exit\n")
"#;

fn typed_in_bash(line: &str, expect: &str) -> Option<String> {
    let python = std::env::var("TALASH_PYTHON").unwrap_or_else(|_| "python3".into());
    if !have("bash")
        || !Command::new(&python)
            .arg("-c")
            .arg("import pty")
            .output()
            .is_ok_and(|o| o.status.success())
    {
        eprintln!("SKIPPED: no bash or no Python with pty here, so readline is not driven");
        return None;
    }
    let t = temp("complete-pty");
    let file = t.path().join("talash.bash");
    std::fs::write(&file, script("bash")).unwrap();
    let out = Command::new(&python)
        .args(["-c", TYPE_IN_BASH, file.to_str().unwrap(), line, expect])
        .env("TALASH_INDEX", corpus_index())
        .output()
        .expect("python runs");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn bash_inserts_outlets_quoted_as_typed_at_a_terminal() {
    // The full path finds the `talash` completion (bash tries the last part of a path too),
    // and the script calls back the binary typed.
    let cases = [
        (
            format!("{TALASH} search x --outlet exp"),
            "The\\ Express\\ Tribune ",
        ),
        (
            format!("{TALASH} search x --outlet 'the ex"),
            "The Express Tribune' ",
        ),
        (
            format!("{TALASH} search x --outlet=unk"),
            "Unknown\\ \\(Agencies\\ wire\\ copy\\) ",
        ),
        (format!("{TALASH} timeline x -g afgh"), "Afghan\\ Taliban "),
    ];
    for (line, expect) in cases {
        let Some(shown) = typed_in_bash(&line, expect) else {
            return;
        };
        assert!(shown.contains(expect), "{line:?} + Tab showed {shown:?}");
    }
}
