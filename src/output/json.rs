//! JSON lines: one object per hit, so results stream into `jq` and scripts.

use std::io::Write;

use anyhow::Result;

use crate::search::Hit;

pub fn write_hits(out: &mut dyn Write, hits: &[Hit]) -> Result<()> {
    for h in hits {
        serde_json::to_writer(&mut *out, h)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes one value as a JSON line.
pub fn write_line<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes the final `{"facets": ...}` line of `search --facets --json`.
pub fn write_facets(
    out: &mut dyn Write,
    facets: &crate::search::facets::SearchFacets,
) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        facets: &'a crate::search::facets::SearchFacets,
    }
    write_line(out, &Line { facets })
}

/// The `--count` totals as one `{"totals": ...}` line after the hits.
pub fn write_totals(out: &mut dyn Write, totals: &crate::search::page::Totals) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        totals: &'a crate::search::page::Totals,
    }
    write_line(out, &Line { totals })
}
