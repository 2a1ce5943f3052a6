//! The house rules of docs/ARCHITECTURE.md, checked on the source itself.
//!
//! Rooms are ranked from the bottom up; a file may use only its own room and the rooms below
//! it, no two files may import each other through any chain, the library never prints and has
//! no clap or indicatif, the binaries stay thin, and a file over 500 lines of code says why.
//! Imports are read from `crate::` and `super::` paths outside `#[cfg(test)]` modules, as
//! `../shared/hooks/modgraph.py` reads them (comments included: an upward path in a doc link
//! is an upward dependency for a reader too).
//!
//! Run alone with `cargo test --test architecture`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The rooms, lowest first. A room is the first segment of a module path.
const ROOMS: &[&[&str]] = &[
    &["error", "date", "parallel", "plural"],
    &["analysis"],
    &["groups"],
    &["corpus"],
    &["schema"],
    &["index"],
    &["search"],
    &["batch", "eval", "smart", "fuzzing"],
    &["output"],
    &["cli"],
    // Test-only helpers (`#[cfg(test)] mod testing`): used from test modules only, which the
    // checks leave out, so they may build on every room.
    &["testing"],
];

/// Lines of code (tests aside) above which a file must say why it is that long.
const BIG_FILE: usize = 500;
/// Lines a binary's source may have: parse, dispatch once, exit code.
const THIN_BINARY: usize = 80;

struct Source {
    rel: String,
    module: Vec<String>,
    code: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The file's text without its `#[cfg(test)] mod ... { }` blocks.
fn without_tests(text: &str) -> String {
    let marker = "#[cfg(test)]";
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let after = rest[at + marker.len()..].trim_start();
        let is_mod = after.starts_with("mod ") || after.starts_with("pub(crate) mod ");
        let Some(open) = after.find('{').filter(|_| is_mod) else {
            out.push_str(&rest[..at + marker.len()]);
            rest = &rest[at + marker.len()..];
            continue;
        };
        out.push_str(&rest[..at]);
        let body_start = rest.len() - after.len() + open + 1;
        let mut depth = 1;
        let mut end = body_start;
        for (i, c) in rest[body_start..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = body_start + i + 1;
                break;
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_start_matches("src/")
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn sources() -> Vec<Source> {
    let root = src_dir();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = format!(
                "src/{}",
                p.strip_prefix(&root)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/")
            );
            let text = std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            Source {
                module: module_of(&rel),
                code: without_tests(&text),
                rel,
            }
        })
        .collect()
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every path after `prefix` (`crate::` or `super::`), as segments; a group
/// (`prefix{a, b::c}` or `prefix a::{b, c}`) gives one path per name in it.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = code[from..].find(prefix) {
        let at = from + i;
        from = at + prefix.len();
        if code[..at].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let rest = &code[from..];
        let (head, after) = segments(rest);
        match after.strip_prefix('{').or_else(|| rest.strip_prefix('{')) {
            Some(group) => {
                let inner = &group[..group.find('}').unwrap_or(group.len())];
                for item in inner.split(',') {
                    let (tail, _) = segments(item.trim());
                    out.push(head.iter().cloned().chain(tail).collect());
                }
            }
            None => out.push(head),
        }
    }
    out
}

/// The leading `a::b::c` of `text` as segments, and what follows it (after a final `::`).
fn segments(text: &str) -> (Vec<String>, &str) {
    let mut segs = Vec::new();
    let mut rest = text;
    loop {
        let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        if end == 0 {
            return (segs, rest);
        }
        segs.push(rest[..end].to_string());
        match rest[end..].strip_prefix("::") {
            Some(r) if r.starts_with(is_ident) => rest = r,
            Some(r) => return (segs, r),
            None => return (segs, &rest[end..]),
        }
    }
}

/// The files each library file imports (by the longest module prefix of each path).
fn imports(srcs: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let by_module: BTreeMap<Vec<String>, String> = srcs
        .iter()
        .filter(|s| !s.rel.starts_with("src/bin/"))
        .map(|s| (s.module.clone(), s.rel.clone()))
        .collect();
    let mut edges = BTreeMap::new();
    for s in srcs.iter().filter(|s| !s.rel.starts_with("src/bin/")) {
        let mut to = BTreeSet::new();
        // `super::` is the parent module, for `x/y.rs` and for `x/mod.rs` alike.
        let parent = &s.module[..s.module.len().saturating_sub(1)];
        let absolute = paths_after(&s.code, "crate::");
        let relative = paths_after(&s.code, "super::")
            .into_iter()
            .map(|p| parent.iter().cloned().chain(p).collect::<Vec<_>>());
        for path in absolute.into_iter().chain(relative) {
            for k in (1..=path.len()).rev() {
                if let Some(target) = by_module.get(&path[..k])
                    && *target != s.rel
                {
                    to.insert(target.clone());
                    break;
                }
            }
        }
        edges.insert(s.rel.clone(), to);
    }
    edges
}

fn room_rank(module: &[String]) -> Option<usize> {
    let first = module.first()?;
    ROOMS.iter().position(|r| r.contains(&first.as_str()))
}

#[test]
fn every_module_is_in_a_room() {
    let lost: Vec<String> = sources()
        .into_iter()
        .filter(|s| !s.rel.starts_with("src/bin/") && !s.module.is_empty())
        .filter(|s| room_rank(&s.module).is_none())
        .map(|s| s.rel)
        .collect();
    assert!(
        lost.is_empty(),
        "modules in no room of ROOMS (add them to tests/architecture.rs and docs/ARCHITECTURE.md): {lost:?}"
    );
}

#[test]
fn no_room_imports_a_higher_one() {
    let srcs = sources();
    let module: BTreeMap<&str, &[String]> = srcs
        .iter()
        .map(|s| (s.rel.as_str(), s.module.as_slice()))
        .collect();
    let mut upward = Vec::new();
    for (from, tos) in imports(&srcs) {
        let Some(low) = module.get(from.as_str()).and_then(|m| room_rank(m)) else {
            continue;
        };
        for to in tos {
            if let Some(high) = module.get(to.as_str()).and_then(|m| room_rank(m))
                && high > low
            {
                upward.push(format!("{from} -> {to}"));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports that run up a level:\n{}",
        upward.join("\n")
    );
}

/// The files that can reach themselves through their imports.
fn on_circles(edges: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<String> {
    let mut circles = BTreeSet::new();
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = edges[start].iter().collect();
        while let Some(f) = stack.pop() {
            if f == start {
                circles.insert(start.clone());
                break;
            }
            if seen.insert(f.clone())
                && let Some(next) = edges.get(f)
            {
                stack.extend(next.iter());
            }
        }
    }
    circles
}

#[test]
fn no_import_circles_between_files() {
    let circles = on_circles(&imports(&sources()));
    assert!(circles.is_empty(), "files on an import circle: {circles:?}");
}

#[test]
fn the_library_never_prints_and_has_no_cli_crates() {
    let banned = [
        "println!",
        "eprintln!",
        "print!(",
        "eprint!(",
        "clap::",
        "indicatif",
        "dbg!(",
    ];
    let mut found = Vec::new();
    for s in sources() {
        if s.rel.starts_with("src/cli/") || s.rel.starts_with("src/bin/") {
            continue;
        }
        for (n, line) in s.code.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for b in banned {
                if code.contains(b) {
                    found.push(format!("{}:{}: {}", s.rel, n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the library prints or uses a CLI crate:\n{}",
        found.join("\n")
    );
}

#[test]
fn binaries_are_thin() {
    let fat: Vec<String> = sources()
        .into_iter()
        .filter(|s| s.rel.starts_with("src/bin/"))
        .filter(|s| s.code.lines().count() > THIN_BINARY)
        .map(|s| format!("{}: {} lines", s.rel, s.code.lines().count()))
        .collect();
    assert!(
        fat.is_empty(),
        "binaries over {THIN_BINARY} lines (move the work into src/cli/): {fat:?}"
    );
}

#[test]
fn a_big_file_says_why() {
    let big: Vec<String> = sources()
        .into_iter()
        // Binaries have their own, tighter limit (binaries_are_thin).
        .filter(|s| !s.rel.starts_with("src/bin/"))
        .filter(|s| s.code.lines().count() > BIG_FILE && !s.code.contains("//! Size:"))
        .map(|s| format!("{}: {} code lines", s.rel, s.code.lines().count()))
        .collect();
    assert!(
        big.is_empty(),
        "files over {BIG_FILE} lines of code without a `//! Size:` note saying why: {big:?}"
    );
}

#[test]
fn the_checker_sees_what_it_must() {
    // The rules above are only as good as the reading of imports: check the reader itself.
    let code = "use crate::index::{meta::IndexMeta, open};\nfn f() { crate::search::page::search(); }\n#[cfg(test)]\nmod tests { use crate::cli::x; }\n";
    let stripped = without_tests(code);
    assert!(
        !stripped.contains("crate::cli"),
        "test modules are left out"
    );
    let paths = paths_after(&stripped, "crate::");
    assert!(paths.contains(&vec![
        "index".to_string(),
        "meta".into(),
        "IndexMeta".into()
    ]));
    assert!(paths.contains(&vec!["index".to_string(), "open".into()]));
    assert!(paths.contains(&vec!["search".to_string(), "page".into(), "search".into()]));
    assert!(
        !paths_after("use mycrate::x;", "crate::")
            .iter()
            .any(|p| !p.is_empty())
    );
}
