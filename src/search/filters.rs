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
    /// `--author`: every word of one of these must be in the author's name.
    pub authors: Vec<String>,
}

/// Filters resolved against the index: known groups and outlets, a valid date range.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub groups: Vec<GroupPath>,
    pub outlets: Vec<String>,
    pub dates: DateRange,
    /// Each `--author` as its analysed terms.
    pub authors: Vec<Vec<Term>>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
            && self.outlets.is_empty()
            && self.dates.is_open()
            && self.authors.is_empty()
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
        let outlets = args
            .outlets
            .iter()
            .map(|o| self.resolve_outlet(o))
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
        let authors = args
            .authors
            .iter()
            .map(|a| self.author_terms(a))
            .collect::<Result<Vec<_>>>()?;
        Ok(Filters {
            groups,
            outlets,
            dates,
            authors,
        })
    }

    /// An outlet's key from what was typed: its name (any case, a leading "The" ignored), or
    /// any part of one name that no other outlet's name contains (`tribune`).
    fn resolve_outlet(&self, typed: &str) -> Result<String> {
        let known = &self.open.meta.outlets;
        let key = outlet_key(typed);
        if known.contains_key(&key) {
            return Ok(key);
        }
        let part = typed.trim().to_lowercase();
        let containing: Vec<(&String, &String)> = known
            .iter()
            .filter(|(k, name)| {
                !part.is_empty() && (k.contains(&key) || name.to_lowercase().contains(&part))
            })
            .collect();
        match containing[..] {
            [(k, _)] => Ok(k.clone()),
            [] => {
                let names: Vec<&str> = known.values().map(String::as_str).collect();
                Err(usage(format!(
                    "--outlet: no article in the index is from {typed:?}; outlets in the index: {}",
                    if names.is_empty() {
                        "(none)".to_string()
                    } else {
                        names.join(", ")
                    }
                )))
            }
            _ => {
                let names: Vec<&str> = containing.iter().map(|(_, n)| n.as_str()).collect();
                Err(usage(format!(
                    "--outlet: {typed:?} is part of several outlets' names: {}; give more of one",
                    names.join(", ")
                )))
            }
        }
    }

    /// The terms of `--author NAME` as the author field holds them (every one must match).
    fn author_terms(&self, typed: &str) -> Result<Vec<Term>> {
        let field = self.open.fields.author;
        let searchable = self.open.index.schema().get_field_entry(field).is_indexed();
        if !searchable {
            return Err(usage(
                "--author: this index was built before authors were searchable; rebuild it \
                 with `talash-index --full`",
            ));
        }
        let mut analyzer = self
            .open
            .index
            .tokenizer_for_field(field)
            .map_err(|e| anyhow::anyhow!("cannot analyse --author: {e}"))?;
        let mut terms = Vec::new();
        let mut stream = analyzer.token_stream(typed);
        while let Some(t) = stream.next() {
            terms.push(Term::from_field_text(field, &t.text));
        }
        if terms.is_empty() {
            return Err(usage(format!(
                "--author: {typed:?} has no word to search for; give a name, e.g. --author Yousaf"
            )));
        }
        Ok(terms)
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
        if !filters.authors.is_empty() {
            let any: Vec<(Occur, Box<dyn Query>)> = filters
                .authors
                .iter()
                .map(|terms| {
                    let all: Vec<(Occur, Box<dyn Query>)> = terms
                        .iter()
                        .map(|t| {
                            let q: Box<dyn Query> =
                                Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic));
                            (Occur::Must, q)
                        })
                        .collect();
                    (
                        Occur::Should,
                        Box::new(BooleanQuery::new(all)) as Box<dyn Query>,
                    )
                })
                .collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
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
            authors: Vec::new(),
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
