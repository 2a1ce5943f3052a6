//! Printing article-level results (`talash search --by-article`): one row per article with its
//! best passage as the snippet.

use std::io::Write;

use anyhow::Result;

use crate::output::terminal::{
    BOLD, DIM, ID, Style, meta_with_groups, wrap_highlighted, wrap_painted,
};
use crate::search::articles::ArticleHit;

pub fn write_terminal(out: &mut dyn Write, hits: &[ArticleHit], style: Style) -> Result<()> {
    for (i, a) in hits.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let p = &a.best_passage;
        let n = a.matched_passages;
        let verb = if n == 1 { "matches" } else { "match" };
        let passages = format!("{} {verb}", crate::output::count(n, "passage"));
        writeln!(
            out,
            "{} {} {}",
            style.paint(BOLD, &format!("{:>2}.", a.rank)),
            style.paint(ID, &a.article_id),
            style.paint(
                DIM,
                &format!("score {:.3} ({}) · {passages}", a.score, a.aggregate)
            )
        )?;
        writeln!(out, "    {}", wrap_painted(&p.title, BOLD, style, 4))?;
        writeln!(out, "    {}", meta_with_groups(p, style, 4))?;
        // The snippet's lines start under its first word, after "    best #N ".
        let best = format!("#{}", p.passage_no);
        let indent = "    best ".len() + best.len() + 1;
        let snippet = match p.title_is_text {
            // The title line above is the whole passage.
            true => style.paint(DIM, crate::output::show::TITLE_ALONE),
            false => wrap_highlighted(&p.snippet, &p.highlights, style, indent),
        };
        writeln!(out, "    best {} {snippet}", style.paint(ID, &best))?;
    }
    Ok(())
}

/// One JSON object per article; the best passage nested under `best_passage` with the same
/// fields as `search --json`.
pub fn write_json(out: &mut dyn Write, hits: &[ArticleHit]) -> Result<()> {
    for a in hits {
        serde_json::to_writer(&mut *out, a)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
