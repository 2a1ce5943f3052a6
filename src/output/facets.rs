//! Facet counts for people: indented trees of values with their counts.

use std::io::Write;

use anyhow::Result;

use crate::output::terminal::{BOLD, DIM, Style};
use crate::search::facets::{FacetNode, IndexFacets, SearchFacets};

/// Flattens a tree into (indent, value, node) rows in display order.
fn rows<'a>(nodes: &'a [FacetNode], depth: usize, out: &mut Vec<(usize, &'a FacetNode)>) {
    for n in nodes {
        out.push((depth, n));
        rows(&n.children, depth + 1, out);
    }
}

fn label_width(rows: &[(usize, &FacetNode)]) -> usize {
    rows.iter()
        .map(|(d, n)| 2 * (d + 1) + n.value.chars().count())
        .max()
        .unwrap_or(0)
}

fn pad(label: &str, width: usize) -> String {
    let len = label.chars().count();
    format!("{label}{}", " ".repeat(width.saturating_sub(len)))
}

/// Prints `--facets` after the hits.
pub fn write_search_facets(out: &mut dyn Write, f: &SearchFacets, style: Style) -> Result<()> {
    writeln!(
        out,
        "\n{}",
        style.paint(
            BOLD,
            &match f.matching_passages {
                1 => "Facets of the 1 matching passage".to_string(),
                n => format!("Facets of all {n} matching passages"),
            }
        )
    )?;
    let sections = [
        ("Group", &f.group),
        ("Outlet", &f.outlet),
        ("Year", &f.year),
    ];
    let mut all = Vec::new();
    for (_, nodes) in &sections {
        rows(nodes, 0, &mut all);
    }
    let width = label_width(&all).max(8);
    for (title, nodes) in sections {
        writeln!(out, "{}", style.paint(BOLD, title))?;
        let mut list = Vec::new();
        rows(nodes, 0, &mut list);
        if list.is_empty() {
            writeln!(out, "  {}", style.paint(DIM, "(none)"))?;
        }
        for (depth, n) in list {
            let label = format!("{}{}", "  ".repeat(depth + 1), n.value);
            writeln!(out, "{} {:>8}", pad(&label, width), n.passages)?;
        }
    }
    Ok(())
}

/// Prints `talash facets`: every value with passage and article counts.
pub fn write_index_facets(out: &mut dyn Write, f: &IndexFacets, style: Style) -> Result<()> {
    let mut list = Vec::new();
    rows(&f.values, 0, &mut list);
    let none_label = match f.field {
        crate::search::facets::FacetField::Group => "  (no group named)",
        crate::search::facets::FacetField::Outlet => "  (no outlet)",
        crate::search::facets::FacetField::Date => "  (undated)",
    };
    let width = label_width(&list)
        .max(f.field.label().len())
        .max(if f.without_value.passages > 0 {
            none_label.len()
        } else {
            0
        })
        .max(8);
    writeln!(
        out,
        "{}",
        style.paint(
            BOLD,
            &format!(
                "{} {:>8} {:>8}",
                pad(f.field.label(), width),
                "passages",
                "articles"
            )
        )
    )?;
    for (depth, n) in list {
        let label = format!("{}{}", "  ".repeat(depth + 1), n.value);
        writeln!(
            out,
            "{} {:>8} {:>8}",
            pad(&label, width),
            n.passages,
            n.articles.unwrap_or(0)
        )?;
    }
    let none = &f.without_value;
    if none.passages > 0 {
        writeln!(
            out,
            "{}",
            style.paint(
                DIM,
                &format!(
                    "{} {:>8} {:>8}",
                    pad(none_label, width),
                    none.passages,
                    none.articles.unwrap_or(0)
                )
            )
        )?;
    }
    writeln!(
        out,
        "{} {:>8} {:>8}",
        pad("total", width),
        f.passages,
        f.articles
    )?;
    Ok(())
}
