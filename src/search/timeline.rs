//! `talash timeline`: matching passages and articles per year, month or day.
//!
//! Every period from the first to the last with a match is listed, with zero where nothing
//! matched, so gaps are visible. Articles dated more coarsely than the chosen period (a
//! month-only date under `--by day`, a year-only date under `--by month`) are not spread or
//! guessed into a period: they are counted apart, per their own date, under the chart.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::query::Query;

use crate::date::days_in_month;
use crate::search::Engine;
use crate::search::facets::field_name;
use crate::search::tally::{Counts, Tally};

/// The period size (`--by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    #[default]
    Year,
    Month,
    Day,
}

impl By {
    /// How many date facet segments (YYYY / MM / DD) a period of this size has.
    fn depth(self) -> usize {
        match self {
            By::Year => 1,
            By::Month => 2,
            By::Day => 3,
        }
    }
}

/// A period (or a coarser date) and what matched in it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Period {
    /// `2024`, `2024-05` or `2024-05-13`.
    pub period: String,
    pub passages: u64,
    pub articles: usize,
}

/// The timeline of a query.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub by: By,
    /// Contiguous periods from the first to the last match.
    pub periods: Vec<Period>,
    /// Matches dated only to a coarser precision than `by`, per their own date.
    pub coarser: Vec<Period>,
    /// Matches in undated articles.
    pub undated: Period,
    /// All matches.
    pub total: Period,
}

/// A calendar position as (year, month, day), zero for the parts a period does not have.
type Key = (u16, u8, u8);

fn key_of(segments: &[&str]) -> Option<Key> {
    let num = |i: usize| {
        segments
            .get(i)
            .map(|s| s.parse::<u32>().ok())
            .unwrap_or(Some(0))
    };
    Some((
        u16::try_from(num(0)?).ok()?,
        u8::try_from(num(1)?).ok()?,
        u8::try_from(num(2)?).ok()?,
    ))
}

fn label(k: Key, depth: usize) -> String {
    match depth {
        1 => format!("{:04}", k.0),
        2 => format!("{:04}-{:02}", k.0, k.1),
        _ => format!("{:04}-{:02}-{:02}", k.0, k.1, k.2),
    }
}

/// The period after `k` at this size.
fn next(k: Key, by: By) -> Key {
    let (y, m, d) = k;
    match by {
        By::Year => (y.saturating_add(1), 0, 0),
        By::Month if m >= 12 => (y.saturating_add(1), 1, 0),
        By::Month => (y, m + 1, 0),
        By::Day if d < days_in_month(y, m) => (y, m, d + 1),
        By::Day => {
            let (ny, nm, _) = next((y, m, 0), By::Month);
            (ny, nm, 1)
        }
    }
}

fn period(name: String, c: &Counts) -> Period {
    Period {
        period: name,
        passages: c.passages,
        articles: c.article_count(),
    }
}

/// Counts the matches of `query` per period.
pub fn timeline(engine: &Engine, query: &dyn Query, by: By) -> Result<Timeline> {
    let f = &engine.open.fields;
    let tally = Tally::new(
        &field_name(engine, f.date_facet),
        &field_name(engine, f.article_id),
    );
    let tallied = engine
        .searcher()
        .search(query, &tally)
        .context("cannot count matches per date")?;
    let depth = by.depth();
    let mut buckets: BTreeMap<Key, Counts> = BTreeMap::new();
    let mut coarser: BTreeMap<Key, (usize, Counts)> = BTreeMap::new();
    for (facet, c) in tallied.per_exact_value() {
        let path = facet.to_path();
        let Some(k) = key_of(&path) else { continue };
        if path.len() >= depth {
            let Some(bucket) = key_of(&path[..depth]) else {
                continue;
            };
            let b = buckets.entry(bucket).or_default();
            b.passages += c.passages;
            b.articles.extend(c.articles);
        } else {
            coarser.insert(k, (path.len(), c));
        }
    }
    let periods = fill(&buckets, by, depth);
    Ok(Timeline {
        by,
        periods,
        coarser: coarser
            .into_iter()
            .map(|(k, (d, c))| period(label(k, d), &c))
            .collect(),
        undated: period("undated".into(), &tallied.without_value()),
        total: period("total".into(), &tallied.total()),
    })
}

/// Every period from the first bucket to the last, zero where there is no bucket.
fn fill(buckets: &BTreeMap<Key, Counts>, by: By, depth: usize) -> Vec<Period> {
    let (Some((&first, _)), Some((&last, _))) =
        (buckets.first_key_value(), buckets.last_key_value())
    else {
        return Vec::new();
    };
    let empty = Counts::default();
    let mut out = Vec::new();
    let mut k = first;
    while k <= last {
        out.push(period(label(k, depth), buckets.get(&k).unwrap_or(&empty)));
        let n = next(k, by);
        if n == k {
            break;
        }
        k = n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_follow_the_calendar() {
        assert_eq!(next((2023, 0, 0), By::Year), (2024, 0, 0));
        assert_eq!(next((2023, 12, 0), By::Month), (2024, 1, 0));
        assert_eq!(next((2024, 2, 28), By::Day), (2024, 2, 29));
        assert_eq!(next((2023, 2, 28), By::Day), (2023, 3, 1));
        assert_eq!(next((2023, 12, 31), By::Day), (2024, 1, 1));
    }

    #[test]
    fn gaps_are_filled_with_zero() {
        let mut b = BTreeMap::new();
        let one = Counts {
            passages: 3,
            articles: [1].into(),
        };
        b.insert((2023, 11, 0), one.clone());
        b.insert((2024, 2, 0), one);
        let p = fill(&b, By::Month, 2);
        let labels: Vec<&str> = p.iter().map(|p| p.period.as_str()).collect();
        assert_eq!(labels, ["2023-11", "2023-12", "2024-01", "2024-02"]);
        assert_eq!(p[1].passages, 0);
        assert_eq!(p[3].articles, 1);
    }
}
