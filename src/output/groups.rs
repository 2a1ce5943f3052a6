//! `talash groups` for people: the gazetteer as an indented tree, each group with its aliases.

use std::io::Write;

use anyhow::Result;

use crate::groups::Gazetteer;

/// Prints each group indented by its depth (`ISIS/Khorasan` under `ISIS`), its canonical name
/// after it, and on the next line every alias `--group` accepts, ambiguous acronyms included.
pub fn write_groups(out: &mut dyn Write, gazetteer: &Gazetteer) -> Result<()> {
    for g in gazetteer.groups() {
        let indent = "  ".repeat(g.path.segments().len().saturating_sub(1));
        writeln!(out, "{indent}{}  ({})", g.path, g.name)?;
        let aliases: Vec<&str> = g.all_aliases().collect();
        writeln!(out, "{indent}    aliases: {}", aliases.join(", "))?;
    }
    Ok(())
}
