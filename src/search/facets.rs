//! Facet counts: over a search's whole matching set (`search --facets`, counted by tantivy's
//! `FacetCollector` in the same pass as the top hits) and over the whole index (`talash facets`,
//! with article counts from [`crate::search::tally`]).

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::collector::{FacetCollector, FacetCounts, FruitHandle, MultiCollector, MultiFruit};
use tantivy::query::AllQuery;
use tantivy::schema::{Facet, Field};

use crate::search::Engine;
use crate::search::tally::{Counts, Tally};

/// What `--facets` should count besides groups, outlets and years.
#[derive(Debug, Clone, Copy, Default)]
pub struct FacetRequest {
    /// Also count the months of this year (`--facet-year`).
    pub year: Option<u16>,
}

/// One facet value with its count, and its children (sub-groups, months, days).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FacetNode {
    /// The facet segment: a group path segment, an outlet name, a year, month or day.
    pub value: String,
    /// The full path (`ISIS/Khorasan`, `2024/05`), the form `--group`/`--since` accept.
    pub path: String,
    pub passages: u64,
    /// Distinct articles (only where counted: `talash facets`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub articles: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<FacetNode>,
}

/// The facets of a search's whole matching set.
#[derive(Debug, Clone, Serialize)]
pub struct SearchFacets {
    pub matching_passages: u64,
    pub group: Vec<FacetNode>,
    pub outlet: Vec<FacetNode>,
    pub year: Vec<FacetNode>,
}

/// Which facet field `talash facets --field` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetField {
    Group,
    Outlet,
    Date,
}

impl FacetField {
    pub const ALL: [FacetField; 3] = [FacetField::Group, FacetField::Outlet, FacetField::Date];

    pub fn label(self) -> &'static str {
        match self {
            FacetField::Group => "group",
            FacetField::Outlet => "outlet",
            FacetField::Date => "date",
        }
    }

    fn field(self, engine: &Engine) -> Field {
        let f = &engine.open.fields;
        match self {
            FacetField::Group => f.group,
            FacetField::Outlet => f.outlet,
            FacetField::Date => f.date_facet,
        }
    }
}

/// The schema name of a field (FacetCollector takes names).
pub fn field_name(engine: &Engine, field: Field) -> String {
    engine.open.index.schema().get_field_name(field).to_string()
}

/// The facet collectors of one search, registered in a [`MultiCollector`]; read the counts back
/// with [`FacetHandles::read`] after the search.
pub struct FacetHandles {
    /// Per registered group facet (the root and every group with sub-groups): its children.
    group: Vec<(Facet, FruitHandle<FacetCounts>)>,
    outlet: FruitHandle<FacetCounts>,
    year: FruitHandle<FacetCounts>,
    month: Option<(Facet, FruitHandle<FacetCounts>)>,
    count: FruitHandle<usize>,
}

/// One collector per parent facet: tantivy's FacetCollector forbids a facet and its ancestor
/// in the same collector, so each level of the group tree gets its own.
fn children_of(field: &str, parent: &Facet) -> FacetCollector {
    let mut c = FacetCollector::for_field(field);
    c.add_facet(parent.clone());
    c
}

/// Builds the collectors that count a search's matching set.
pub fn collectors(engine: &Engine, req: FacetRequest) -> (MultiCollector<'static>, FacetHandles) {
    let f = &engine.open.fields;
    let group_field = field_name(engine, f.group);
    let outlet_field = field_name(engine, f.outlet);
    let date_field = field_name(engine, f.date_facet);
    let mut multi = MultiCollector::new();
    let mut parents = vec![Facet::root()];
    for g in engine.open.config.gazetteer.groups() {
        if let Some(parent) = g.path.parent() {
            let facet = parent.facet();
            if !parents.contains(&facet) {
                parents.push(facet);
            }
        }
    }
    let group = parents
        .into_iter()
        .map(|p| {
            let h = multi.add_collector(children_of(&group_field, &p));
            (p, h)
        })
        .collect();
    let outlet = multi.add_collector(children_of(&outlet_field, &Facet::root()));
    let year = multi.add_collector(children_of(&date_field, &Facet::root()));
    let month = req.year.map(|y| {
        let facet = Facet::from_path([format!("{y:04}")]);
        let h = multi.add_collector(children_of(&date_field, &facet));
        (facet, h)
    });
    let count = multi.add_collector(tantivy::collector::Count);
    (
        multi,
        FacetHandles {
            group,
            outlet,
            year,
            month,
            count,
        },
    )
}

/// The path segments of a facet; none for the root (whose `to_path` is `[""]`).
fn segments(facet: &Facet) -> Vec<&str> {
    if facet.is_root() {
        Vec::new()
    } else {
        facet.to_path()
    }
}

fn last_segment(facet: &Facet) -> String {
    facet
        .to_path()
        .last()
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// Children sorted by count (largest first), then by value.
fn sort_nodes(nodes: &mut [FacetNode]) {
    nodes.sort_by(|a, b| b.passages.cmp(&a.passages).then(a.value.cmp(&b.value)));
}

fn node(facet: &Facet, passages: u64, value: String) -> FacetNode {
    FacetNode {
        value,
        path: facet.to_path().join("/"),
        passages,
        articles: None,
        children: Vec::new(),
    }
}

impl FacetHandles {
    /// Reads the counts out of the search's fruit.
    pub fn read(self, engine: &Engine, fruit: &mut MultiFruit) -> SearchFacets {
        let groups: Vec<(Facet, FacetCounts)> = self
            .group
            .into_iter()
            .map(|(f, h)| (f, h.extract(fruit)))
            .collect();
        let group = group_tree(&groups, &Facet::root());
        let outlets = self.outlet.extract(fruit);
        let mut outlet: Vec<FacetNode> = outlets
            .get(Facet::root())
            .map(|(f, n)| {
                let key = last_segment(f);
                let name = engine.open.meta.outlets.get(&key).cloned().unwrap_or(key);
                node(f, n, name)
            })
            .collect();
        sort_nodes(&mut outlet);
        let years = self.year.extract(fruit);
        let months = self.month.map(|(f, h)| (f, h.extract(fruit)));
        let year = years
            .get(Facet::root())
            .map(|(f, n)| {
                let mut y = node(f, n, last_segment(f));
                if let Some((mf, counts)) = &months
                    && mf == f
                {
                    y.children = counts
                        .get(mf.clone())
                        .map(|(m, n)| node(m, n, last_segment(m)))
                        .collect();
                }
                y
            })
            .collect();
        SearchFacets {
            matching_passages: self.count.extract(fruit) as u64,
            group,
            outlet,
            year,
        }
    }
}

fn group_tree(levels: &[(Facet, FacetCounts)], parent: &Facet) -> Vec<FacetNode> {
    let Some((_, counts)) = levels.iter().find(|(f, _)| f == parent) else {
        return Vec::new();
    };
    let mut nodes: Vec<FacetNode> = counts
        .get(parent.clone())
        .map(|(f, n)| {
            let mut x = node(f, n, last_segment(f));
            x.children = group_tree(levels, f);
            x
        })
        .collect();
    sort_nodes(&mut nodes);
    nodes
}

/// Every value of a facet field in the index, with passage and article counts, as a tree.
#[derive(Debug, Clone, Serialize)]
pub struct IndexFacets {
    pub field: FacetField,
    pub passages: u64,
    pub articles: usize,
    pub values: Vec<FacetNode>,
    /// Passages (and their articles) with no value: no group named, no outlet, undated.
    pub without_value: FacetNode,
}

/// Lists every value of `field` over the whole index.
pub fn index_facets(engine: &Engine, field: FacetField) -> Result<IndexFacets> {
    let f = &engine.open.fields;
    let tally = Tally::new(
        &field_name(engine, field.field(engine)),
        &field_name(engine, f.article_id),
    );
    let tallied = engine
        .searcher()
        .search(&AllQuery, &tally)
        .with_context(|| format!("cannot count the {} facet", field.label()))?;
    let per_value = tallied.per_value();
    let total = tallied.total();
    let none = tallied.without_value();
    let counted = |facet: &Facet, c: &Counts| {
        let segment = last_segment(facet);
        let value = match field {
            FacetField::Outlet => engine
                .open
                .meta
                .outlets
                .get(&segment)
                .cloned()
                .unwrap_or(segment),
            _ => segment,
        };
        let mut n = node(facet, c.passages, value);
        n.articles = Some(c.article_count());
        n
    };
    let values = tree(&per_value, &Facet::root(), field, &counted);
    Ok(IndexFacets {
        field,
        passages: total.passages,
        articles: total.article_count(),
        values,
        without_value: FacetNode {
            value: "(none)".into(),
            path: String::new(),
            passages: none.passages,
            articles: Some(none.article_count()),
            children: Vec::new(),
        },
    })
}

fn tree(
    per_value: &std::collections::BTreeMap<Facet, Counts>,
    parent: &Facet,
    field: FacetField,
    make: &dyn Fn(&Facet, &Counts) -> FacetNode,
) -> Vec<FacetNode> {
    let depth = segments(parent).len();
    let mut nodes: Vec<FacetNode> = per_value
        .iter()
        .filter(|(f, _)| {
            segments(f).len() == depth + 1 && (parent.is_root() || parent.is_prefix_of(f))
        })
        .map(|(f, c)| {
            let mut n = make(f, c);
            n.children = tree(per_value, f, field, make);
            n
        })
        .collect();
    // Dates read best in calendar order; groups and outlets by size.
    if field != FacetField::Date {
        sort_nodes(&mut nodes);
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzing::tiny_engine;

    /// The facets of `query`'s matches in the tiny index (three articles, one passage each).
    fn search_facets(query: &str, req: FacetRequest) -> SearchFacets {
        let e = tiny_engine().unwrap();
        let q = e.parse_query(query).unwrap();
        let (multi, handles) = collectors(&e, req);
        let mut fruit = e.searcher().search(&*q, &multi).unwrap();
        handles.read(&e, &mut fruit)
    }

    fn values(nodes: &[FacetNode]) -> Vec<(&str, u64)> {
        nodes
            .iter()
            .map(|n| (n.value.as_str(), n.passages))
            .collect()
    }

    #[test]
    fn search_facets_count_the_matches_by_group_outlet_and_year() {
        let f = search_facets("attack OR Quetta", FacetRequest::default());
        assert_eq!(f.matching_passages, 2);
        assert_eq!(values(&f.outlet), [("Dawn", 2)]);
        assert_eq!(values(&f.year), [("2024", 1), ("2025", 1)]);
        assert!(
            f.year.iter().all(|y| y.children.is_empty()),
            "no --facet-year"
        );
        let isis = f.group.iter().find(|g| g.value == "ISIS").expect("ISIS");
        assert_eq!(values(&isis.children), [("Khorasan", 1)]);
        assert_eq!(isis.children[0].path, "ISIS/Khorasan");
        assert!(
            f.group.iter().all(|g| g.value != "TTP"),
            "a#1 does not match"
        );
    }

    #[test]
    fn a_facet_year_adds_its_months() {
        let f = search_facets("attack", FacetRequest { year: Some(2024) });
        assert_eq!(values(&f.year), [("2024", 1)]);
        assert_eq!(values(&f.year[0].children), [("05", 1)]);
    }

    #[test]
    fn index_facets_count_passages_and_articles_of_every_value() {
        let e = tiny_engine().unwrap();
        let outlets = index_facets(&e, FacetField::Outlet).unwrap();
        assert_eq!((outlets.passages, outlets.articles), (3, 3));
        assert_eq!(
            values(&outlets.values),
            [("Dawn", 2), ("The Express Tribune", 1)],
            "largest first, with the outlet's name as written"
        );
        assert_eq!(outlets.values[0].articles, Some(2));
        assert_eq!(outlets.without_value.passages, 0);
        let dates = index_facets(&e, FacetField::Date).unwrap();
        let years: Vec<&str> = dates.values.iter().map(|n| n.value.as_str()).collect();
        assert_eq!(years, ["2023", "2024", "2025"], "dates in calendar order");
    }
}
