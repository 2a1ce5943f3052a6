//! Searching: filters, ranking, hits and snippets.

use std::ops::Bound;

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::date::{DateRange, DateSpan};
use crate::error::usage;
use crate::groups::GroupPath;
use crate::index::{OpenIndex, outlet_facet, outlet_key};
use crate::query;
use crate::schema::Operator;

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

/// One ranked passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub passage_id: String,
    pub article_id: String,
    pub passage_no: u64,
    pub title: String,
    pub outlet: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    pub kind: Option<String>,
    pub groups: Vec<String>,
    pub text: String,
    pub snippet: String,
    /// Byte ranges of matched terms within `snippet`.
    pub highlights: Vec<(usize, usize)>,
}

/// A searcher over one opened index.
pub struct Engine {
    pub open: OpenIndex,
    reader: IndexReader,
    parser: QueryParser,
}

impl Engine {
    pub fn new(open: OpenIndex) -> Result<Engine> {
        let reader = open
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("cannot open an index reader")?;
        let f = &open.fields;
        let defaults: Vec<_> = f
            .text_fields
            .values()
            .filter(|v| v.2)
            .map(|v| v.0)
            .collect();
        let mut parser = QueryParser::for_index(&open.index, defaults);
        for (field, boost, _) in f.text_fields.values() {
            parser.set_field_boost(*field, *boost);
        }
        if open.config.spec.search.default_operator == Operator::And {
            parser.set_conjunction_by_default();
        }
        Ok(Engine {
            open,
            reader,
            parser,
        })
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

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

    /// The names of the text fields a query may name (`title:word`).
    pub fn text_field_names(&self) -> Vec<&str> {
        self.open
            .fields
            .text_fields
            .keys()
            .map(String::as_str)
            .collect()
    }

    /// Parses a user query (see [`crate::query`]) into a tantivy query.
    pub fn parse_query(&self, text: &str) -> Result<Box<dyn Query>> {
        let fields = self.text_field_names();
        let rewritten = query::rewrite(text, &fields, &self.open.config.gazetteer)
            .map_err(|e| usage(format!("invalid query {}: {e}", query::shown(text))))?;
        self.parser.parse_query(&rewritten.tantivy).map_err(|e| {
            let why = match e {
                // Words like "the" are not indexed: `the -police` leaves only an exclusion.
                tantivy::query::QueryParserError::AllButQueryForbidden => {
                    "no word to search for once stop words (\"the\", \"a\", \"of\", ...) are \
                     left out; add a word"
                        .to_string()
                }
                other => other.to_string(),
            };
            usage(format!("invalid query {}: {why}", query::shown(text)))
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

    /// Runs a search: top `limit` passages after skipping `offset`, in the one order every
    /// page shares (score, then passage id; see [`crate::page`]).
    pub fn search(
        &self,
        text: &str,
        filters: &Filters,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Hit>> {
        let req = crate::page::PageRequest {
            limit,
            offset,
            per_article: None,
            facets: None,
        };
        Ok(crate::page::search(self, text, filters, req)?.hits)
    }

    pub fn snippet_generator(&self, query: &dyn Query) -> Result<SnippetGenerator> {
        let mut g = SnippetGenerator::create(&self.searcher(), query, self.open.fields.text)
            .context("cannot build snippets")?;
        g.set_max_num_chars(self.open.config.spec.search.snippet_chars);
        Ok(g)
    }

    /// Reads a stored passage into a hit.
    pub fn hit(
        &self,
        searcher: &Searcher,
        snippets: &SnippetGenerator,
        rank: usize,
        score: f32,
        addr: DocAddress,
    ) -> Result<Hit> {
        let doc: TantivyDocument = searcher.doc(addr).context("cannot read a stored passage")?;
        let f = &self.open.fields;
        let text_of = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let text = text_of(f.text).unwrap_or_default();
        let snippet = snippets.snippet(&text);
        let (snippet_text, highlights) = if snippet.is_empty() {
            (
                lead(&text, self.open.config.spec.search.snippet_chars),
                Vec::new(),
            )
        } else {
            // Mark a fragment cut out of a longer passage, as search engines do.
            let range = snippet.fragment_range();
            let prefix = if range.start > 0 { "… " } else { "" };
            let rest_has_words = text[range.end..].chars().any(char::is_alphanumeric);
            let suffix = if rest_has_words { " …" } else { "" };
            let shift = prefix.len();
            let ranges = snippet
                .highlighted()
                .iter()
                .map(|r| (r.start + shift, r.end + shift))
                .collect();
            (format!("{prefix}{}{suffix}", snippet.fragment()), ranges)
        };
        let groups = doc
            .get_all(f.group)
            .filter_map(|v| {
                v.as_facet().map(|s| {
                    Facet::from_encoded(s.as_bytes().to_vec())
                        .map(|f| f.to_path().join("/"))
                        .unwrap_or_default()
                })
            })
            .collect();
        Ok(Hit {
            rank,
            score,
            passage_id: text_of(f.passage_id).unwrap_or_default(),
            article_id: text_of(f.article_id).unwrap_or_default(),
            passage_no: doc
                .get_first(f.passage_no)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            title: text_of(f.title).unwrap_or_default(),
            outlet: text_of(f.outlet_name),
            date: text_of(f.date),
            author: text_of(f.author),
            kind: text_of(f.kind),
            groups,
            text,
            snippet: snippet_text,
            highlights,
        })
    }
}

/// The first `max_chars` characters of `text`, cut at a word boundary.
fn lead(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    match cut.rfind(char::is_whitespace) {
        Some(i) => cut[..i].to_string(),
        None => cut,
    }
}
