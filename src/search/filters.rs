//! Filters: `--group`, `--outlet`, `--since` and `--until` as typed, checked against the index,
//! and as a query that restricts a search without scoring.

use std::ops::Bound;

use anyhow::Result;
use tantivy::Term;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption};

use crate::date::{DateRange, DateSpan};
use crate::error::usage;
use crate::groups::GroupPath;
use crate::index::document::{outlet_facet, outlet_key};
use crate::search::engine::Engine;

/// Filters as the user typed them (`--group`, `--outlet`, `--since`, `--until`).
#[derive(Debug, Clone, Default)]
pub struct FilterArgs {
    pub groups: Vec<String>,
    pub outlets: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

/// Filters resolved against the index: known groups and outlets, a valid date range.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub groups: Vec<GroupPath>,
    pub outlets: Vec<String>,
    pub dates: DateRange,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.outlets.is_empty() && self.dates.is_open()
    }
}

impl Engine {
    /// Checks and resolves the filters; every problem is a usage error naming the flag.
    pub fn resolve_filters(&self, args: &FilterArgs) -> Result<Filters> {
        let gaz = &self.open.config.gazetteer;
        let groups = args
            .groups
            .iter()
            .map(|g| {
                gaz.resolve(g)
                    .map(|g| g.path.clone())
                    .map_err(|e| usage(format!("--group: {e}")))
            })
            .collect::<Result<Vec<_>>>()?;
        let known = &self.open.meta.outlets;
        let outlets = args
            .outlets
            .iter()
            .map(|o| {
                let key = outlet_key(o);
                if known.contains_key(&key) {
                    Ok(key)
                } else {
                    let names: Vec<&str> = known.values().map(String::as_str).collect();
                    Err(usage(format!(
                        "--outlet: no article in the index is from {o:?}; outlets in the index: {}",
                        if names.is_empty() {
                            "(none)".to_string()
                        } else {
                            names.join(", ")
                        }
                    )))
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let parse = |flag: &str, v: &Option<String>| {
            v.as_deref()
                .map(DateSpan::parse)
                .transpose()
                .map_err(|e| usage(format!("{flag}: {e}")))
        };
        let dates = DateRange::new(
            parse("--since", &args.since)?,
            parse("--until", &args.until)?,
        )
        .map_err(usage)?;
        Ok(Filters {
            groups,
            outlets,
            dates,
        })
    }

    /// The filters as a query that matches without scoring.
    fn filter_query(&self, filters: &Filters) -> Option<Box<dyn Query>> {
        let f = &self.open.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let any_facet = |field, facets: Vec<Facet>| -> Box<dyn Query> {
            let should = facets
                .into_iter()
                .map(|facet| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_facet(field, &facet),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, q)
                })
                .collect();
            Box::new(BooleanQuery::new(should))
        };
        if !filters.groups.is_empty() {
            must.push((
                Occur::Must,
                any_facet(
                    f.group,
                    filters.groups.iter().map(GroupPath::facet).collect(),
                ),
            ));
        }
        if !filters.outlets.is_empty() {
            let facets = filters.outlets.iter().map(|k| outlet_facet(k)).collect();
            must.push((Occur::Must, any_facet(f.outlet, facets)));
        }
        if let Some(until) = filters.dates.until {
            let q = RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_u64(f.date_start, until)),
            );
            must.push((Occur::Must, Box::new(q)));
        }
        if let Some(since) = filters.dates.since {
            let q = RangeQuery::new(
                Bound::Included(Term::from_field_u64(f.date_end, since)),
                Bound::Unbounded,
            );
            must.push((Occur::Must, Box::new(q)));
        }
        (!must.is_empty()).then(|| {
            Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(must)), 0.0)) as Box<dyn Query>
        })
    }

    /// The user query restricted by the filters. Without filters the query is left alone, so
    /// tantivy can prune with block-max WAND.
    pub fn filtered(&self, user: Box<dyn Query>, filters: &Filters) -> Box<dyn Query> {
        match self.filter_query(filters) {
            None => user,
            Some(filter) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, user),
                (Occur::Must, filter),
            ])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::exit_status;
    use crate::fuzzing::tiny_engine;

    fn args(groups: &[&str], outlets: &[&str], since: Option<&str>) -> FilterArgs {
        FilterArgs {
            groups: groups.iter().map(|s| s.to_string()).collect(),
            outlets: outlets.iter().map(|s| s.to_string()).collect(),
            since: since.map(str::to_string),
            until: None,
        }
    }

    /// The sorted ids of the passages that match the filters (the query matches all three).
    fn matching(e: &Engine, a: &FilterArgs) -> Vec<String> {
        let filters = e.resolve_filters(a).unwrap();
        let req = crate::search::page::PageRequest::top(crate::search::Paging::first(10));
        let query = "security OR attack OR Quetta";
        let hits = crate::search::page::search(e, query, &filters, req).unwrap();
        let mut ids: Vec<String> = hits.hits.into_iter().map(|h| h.passage_id).collect();
        ids.sort();
        ids
    }

    #[test]
    fn unknown_groups_and_outlets_are_usage_errors_naming_the_flag() {
        let e = tiny_engine().unwrap();
        let err = e
            .resolve_filters(&args(&["Nonesuch"], &[], None))
            .unwrap_err();
        assert_eq!(exit_status(&err), 2);
        assert!(
            err.to_string().starts_with("--group: unknown group"),
            "{err}"
        );
        let err = e
            .resolve_filters(&args(&[], &["Nowhere"], None))
            .unwrap_err();
        assert_eq!(exit_status(&err), 2);
        let msg = err.to_string();
        assert!(
            msg.starts_with("--outlet:") && msg.contains("Dawn"),
            "{msg}"
        );
        let err = e.resolve_filters(&args(&[], &[], Some("May"))).unwrap_err();
        assert!(err.to_string().starts_with("--since:"), "{err}");
    }

    #[test]
    fn filters_keep_only_matching_passages() {
        let e = tiny_engine().unwrap();
        assert_eq!(matching(&e, &FilterArgs::default()), ["a#1", "b#1", "c#1"]);
        assert_eq!(matching(&e, &args(&["TTP"], &[], None)), ["a#1"]);
        assert_eq!(
            matching(&e, &args(&["TTP", "BLA"], &[], None)),
            ["a#1", "c#1"]
        );
        assert_eq!(
            matching(&e, &args(&[], &["the dawn"], None)),
            ["b#1", "c#1"]
        );
        assert_eq!(matching(&e, &args(&[], &[], Some("2024-06"))), ["c#1"]);
        let until = FilterArgs {
            until: Some("2024".into()),
            ..FilterArgs::default()
        };
        assert_eq!(matching(&e, &until), ["a#1", "b#1"]);
    }

    #[test]
    fn only_filters_make_a_filter_query() {
        let e = tiny_engine().unwrap();
        assert!(
            e.resolve_filters(&FilterArgs::default())
                .unwrap()
                .is_empty()
        );
        let f = e.resolve_filters(&args(&["TTP"], &[], None)).unwrap();
        assert!(!f.is_empty());
        assert!(e.filter_query(&f).is_some());
        assert!(e.filter_query(&Filters::default()).is_none());
    }
}
