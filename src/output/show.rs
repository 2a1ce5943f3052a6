//! `talash show` for people: the article's metadata, then passages with the asked one marked.

use std::io::Write;

use anyhow::Result;

use crate::groups::{Evidence, Place};
use crate::output::terminal::{BOLD, DIM, GROUP, ID, Style, wrap_painted, wrap_plain};
use crate::search::show::Shown;

/// The marker before the passage that was asked for.
pub const MARK: &str = "▶";

/// What stands for the text of a passage that is its article's title alone.
pub const TITLE_ALONE: &str = "(the title alone: the article has no body text)";

pub fn write_shown(out: &mut dyn Write, s: &Shown, style: Style) -> Result<()> {
    writeln!(out, "{}", style.paint(BOLD, &s.title))?;
    let mut meta = vec![
        s.outlet.clone().unwrap_or_else(|| "outlet unknown".into()),
        s.date.clone().unwrap_or_else(|| "undated".into()),
    ];
    meta.extend(s.author.clone());
    meta.extend(s.kind.clone());
    writeln!(out, "{}", meta.join(" · "))?;
    let (first, last) = (
        s.passages.first().map_or(0, |p| p.passage_no),
        s.passages.last().map_or(0, |p| p.passage_no),
    );
    writeln!(
        out,
        "{}",
        style.paint(
            DIM,
            &format!(
                "{} · passages {first}-{last} of {}",
                s.article_id, s.article_passages
            )
        )
    )?;
    for p in &s.passages {
        writeln!(out)?;
        let mark = if p.target { MARK } else { " " };
        let mut head = format!("{mark} {}", style.paint(ID, &p.passage_id));
        if !p.groups.is_empty() {
            head.push_str(&format!(
                " · groups: {}",
                style.paint(GROUP, &p.groups.join(", "))
            ));
        }
        writeln!(out, "{head}")?;
        for e in &p.group_evidence {
            writeln!(out, "  {}", wrap_painted(&describe(e), DIM, style, 2))?;
        }
        let text = if p.title_is_text {
            // The title, printed above, is all the article has.
            style.paint(DIM, TITLE_ALONE)
        } else if p.target {
            wrap_painted(&p.text, BOLD, style, 2)
        } else {
            wrap_plain(&p.text, style, 2)
        };
        writeln!(out, "  {text}")?;
    }
    Ok(())
}

/// One tag's evidence in a line: `why ISIS: "IS" (#3, bytes 10-12), ambiguous acronym with a
/// word beside it: "fighters" (#3, bytes 13-21)`.
pub fn describe(e: &Evidence) -> String {
    let mut line = format!(
        "why {}: {:?} ({}), {}",
        e.group,
        e.words,
        place(&e.at),
        e.rule.describe()
    );
    if let Some(s) = &e.support {
        line.push_str(&format!(": {:?} ({})", s.words, place(&s.at)));
    }
    line
}

fn place(p: &Place) -> String {
    let unit = match p.passage_no {
        Some(n) => format!("#{n}"),
        None => "title".to_string(),
    };
    format!("{unit}, bytes {}-{}", p.start, p.end)
}
