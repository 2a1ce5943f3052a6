//! `talash facets`: every group, outlet or date in the index, with passage and article counts.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::output::json;
use crate::output::terminal::Style;
use crate::search::Engine;

pub const HELP: &str = "Counts are over the whole index: passages, and the distinct articles
they come from. Groups nest (ISIS/Khorasan under ISIS; a passage counts once for a parent);
dates nest year > month > day.

Examples:
  talash facets
  talash facets --field group
  talash facets --field date --json";

value_enum! {
    /// Which facet field `talash facets --field` lists.
    pub enum FacetField => crate::search::facets::FacetField {
        Group,
        Outlet,
        Date,
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only this facet (default: group, outlet and date).
    #[arg(long, value_enum)]
    field: Option<FacetField>,
    /// One JSON object per facet field instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(engine: &Engine, args: Args, style: Style, out: &mut dyn Write) -> Result<ExitCode> {
    let fields = match args.field {
        Some(f) => vec![f.into()],
        None => crate::search::facets::FacetField::ALL.to_vec(),
    };
    for (i, field) in fields.into_iter().enumerate() {
        let f = crate::search::facets::index_facets(engine, field)?;
        if args.json {
            json::write_line(out, &f)?;
        } else {
            if i > 0 {
                writeln!(out)?;
            }
            crate::output::facets::write_index_facets(out, &f, style)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
