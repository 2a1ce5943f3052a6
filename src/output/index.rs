//! What `talash-index` tells its user on stderr: warnings, skipped input and the summary.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::corpus::jsonl::is_jsonl_file;
use crate::index::meta::{IndexOptions, IndexSummary, RunKind};
use crate::output::{count, human_bytes, plural};

/// Warnings and skipped input always; the summary unless `quiet`.
pub fn write_report(
    err: &mut dyn Write,
    s: &IndexSummary,
    opts: &IndexOptions,
    quiet: bool,
) -> Result<()> {
    for w in &s.warnings {
        writeln!(err, "talash-index: warning: {w}")?;
    }
    for e in &s.skipped {
        writeln!(err, "talash-index: skipped: {e}")?;
    }
    if quiet {
        return Ok(());
    }
    write_summary(err, s, opts)?;
    write_corpus(err, s, opts)?;
    if !s.per_group.is_empty() {
        let mut groups: Vec<(&String, &usize)> = s.per_group.iter().collect();
        groups.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let groups: Vec<String> = groups.iter().map(|(g, n)| format!("{g} {n}")).collect();
        writeln!(
            err,
            "Passages per group (a group includes its sub-groups, as in `talash facets`): {}",
            groups.join(", ")
        )?;
    }
    if !s.skipped.is_empty() {
        writeln!(err, "{}", skipped_line(&s.skipped))?;
    }
    Ok(())
}

/// What was skipped, said once after the list: "1 file skipped because of errors (listed
/// above)", and for lines of JSONL files, which leave the rest of their file indexed, "1 bad
/// line skipped in docs.jsonl (listed above); the file's other lines were indexed".
fn skipped_line(skipped: &[crate::corpus::InputError]) -> String {
    let mut lines: BTreeMap<&Path, u64> = BTreeMap::new();
    let mut files = 0u64;
    for e in skipped {
        if e.line.is_some() && is_jsonl_file(&e.path) {
            *lines.entry(e.path.as_path()).or_default() += 1;
        } else {
            files += 1;
        }
    }
    let mut parts = Vec::new();
    if files > 0 {
        parts.push(format!(
            "{} skipped because of errors (listed above)",
            count(files, "file")
        ));
    }
    let bad: u64 = lines.values().sum();
    match lines.len() {
        0 => {}
        1 => {
            let path = lines
                .keys()
                .next()
                .map_or(String::new(), |p| p.display().to_string());
            parts.push(format!(
                "{} skipped in {path} (listed above); the file's other lines were indexed",
                count(bad, "bad line")
            ));
        }
        n => {
            const SHOWN: usize = 3;
            let mut each: Vec<String> = lines
                .iter()
                .take(SHOWN)
                .map(|(p, k)| format!("{}: {k}", p.display()))
                .collect();
            if n > SHOWN {
                each.push(format!("{} more", count((n - SHOWN) as u64, "file")));
            }
            parts.push(format!(
                "{} skipped in {} ({}; listed above); the files' other lines were indexed",
                count(bad, "bad line"),
                count(n as u64, "JSONL file"),
                each.join(", ")
            ));
        }
    }
    parts.join("; ")
}

/// What the run removed and why, and the paths the index now remembers when they changed.
fn write_corpus(err: &mut dyn Write, s: &IndexSummary, opts: &IndexOptions) -> Result<()> {
    let paths = |list: &[String]| -> String {
        let shown: Vec<String> = list
            .iter()
            .map(|p| crate::index::folders::display(p))
            .collect();
        shown.join(", ")
    };
    let read: Vec<String> = s
        .corpus
        .walk
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let read = read.join(", ");
    let forgot = if s.corpus.dropped.is_empty() {
        String::new()
    } else {
        format!(" (--replace left out {})", paths(&s.corpus.dropped))
    };
    match &s.run {
        RunKind::Incremental(c) if c.removed > 0 => {
            let mut ids = s.removed_ids.join(", ");
            if c.removed > s.removed_ids.len() {
                ids.push_str(&format!(" and {} more", c.removed - s.removed_ids.len()));
            }
            writeln!(
                err,
                "Removed {} ({}) that {} no longer in {read}{forgot}: {ids}",
                count(c.removed as u64, "article"),
                count(c.passages_deleted as u64, "passage"),
                if c.removed == 1 { "is" } else { "are" },
            )?;
        }
        RunKind::Full { .. } => {
            if let Some(before) = s.corpus.previous_articles
                && before > s.articles
            {
                writeln!(
                    err,
                    "The previous index held {}; this build holds the {} found in {read}{forgot}",
                    count(before as u64, "article"),
                    s.articles,
                )?;
            }
        }
        RunKind::Incremental(_) => {}
    }
    if s.corpus.remember != s.corpus.before && !s.corpus.remember.is_empty() {
        writeln!(
            err,
            "The index remembers {}: a plain `talash-index{}` re-reads {}",
            paths(&s.corpus.remember),
            index_flag(opts),
            if s.corpus.remember.len() == 1 {
                "it"
            } else {
                "them all"
            },
        )?;
    }
    Ok(())
}

/// ` --index DIR` unless the index is the default one.
fn index_flag(opts: &IndexOptions) -> String {
    if opts.dir == std::path::Path::new("index") {
        String::new()
    } else {
        format!(" --index {}", opts.dir.display())
    }
}

/// The one-line summary of a full build or an update.
fn write_summary(err: &mut dyn Write, s: &IndexSummary, opts: &IndexOptions) -> Result<()> {
    let size = human_bytes(s.index_bytes);
    let secs = s.elapsed.as_secs_f64();
    let (articles, passages) = (
        count(s.articles as u64, "article"),
        count(s.passages as u64, "passage"),
    );
    let dir = opts.dir.display();
    match &s.run {
        RunKind::Full { reason } => writeln!(
            err,
            "Indexed {articles}, {passages} in {secs:.2} s into {dir} ({size}); full build: {reason}",
        )?,
        RunKind::Incremental(c) => writeln!(
            err,
            "Updated {dir} in {secs:.2} s: {} added, {} changed, {} removed, {} unchanged {} \
             ({} written, {} deleted); it holds {articles}, {passages} ({size}); read {} of {}",
            c.added,
            c.changed,
            c.removed,
            c.unchanged,
            plural(c.unchanged as u64, "article"),
            count(c.passages_added as u64, "passage"),
            c.passages_deleted,
            s.files_read,
            count(s.files as u64, "file"),
        )?,
    }
    Ok(())
}
