//! Counting passages *and articles* per facet value over a set of matching passages.
//!
//! tantivy's `FacetCollector` counts documents (passages) per facet child. An analyst also wants
//! to know how many distinct *articles* stand behind those passages (one long article can
//! contribute twenty passages), which no tantivy collector gives. [`Tally`] is a small
//! collector that records, per segment, each distinct combination of facet values a passage
//! carries together with the articles it came from; [`Tallied`] then answers per-value questions.
//!
//! Both values a match needs are read from fast columns: the facet ordinals and the article
//! id's term ordinal, so counting costs a few column reads per match, whatever the size of the
//! index. An article is named by its segment and its ordinal in that segment's column, never by
//! its id string: an article's passages are written in one tantivy batch and so always lie in
//! one segment (`search::articles` says why), which makes (segment, ordinal) one article.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Collects, for one facet field, every distinct set of facet values a matching passage carries,
/// with the number of passages and the articles they belong to.
pub struct Tally {
    facet_field: String,
    article_field: String,
}

impl Tally {
    /// `facet_field` is the facet's field name; `article_field` the name of the article id,
    /// a fast field.
    pub fn new(facet_field: &str, article_field: &str) -> Tally {
        Tally {
            facet_field: facet_field.to_string(),
            article_field: article_field.to_string(),
        }
    }
}

/// An article, as its segment and its ordinal in that segment's article id column.
pub type ArticleKey = u64;

fn article_key(segment: SegmentOrdinal, ord: u32) -> ArticleKey {
    (u64::from(segment) << 32) | u64::from(ord)
}

/// Passages and the distinct articles behind them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub passages: u64,
    pub articles: BTreeSet<ArticleKey>,
}

impl Counts {
    fn add(&mut self, passages: u64, articles: &BTreeSet<ArticleKey>) {
        self.passages += passages;
        self.articles.extend(articles.iter().copied());
    }

    pub fn article_count(&self) -> usize {
        self.articles.len()
    }
}

/// What [`Tally`] found: facet-value combinations (sorted paths) → counts.
#[derive(Debug, Clone, Default)]
pub struct Tallied {
    combos: BTreeMap<Vec<Facet>, Counts>,
}

impl Tallied {
    /// Every matching passage, and its articles.
    pub fn total(&self) -> Counts {
        let mut all = Counts::default();
        for c in self.combos.values() {
            all.add(c.passages, &c.articles);
        }
        all
    }

    /// Passages that carry no value of the facet (no group named, undated, ...).
    pub fn without_value(&self) -> Counts {
        self.combos.get(&Vec::new()).cloned().unwrap_or_default()
    }

    /// Counts per facet value, each value also counting for all its ancestors (a passage about
    /// ISIS/Khorasan counts once for ISIS, even when it is tagged with both).
    pub fn per_value(&self) -> BTreeMap<Facet, Counts> {
        let mut out: BTreeMap<Facet, Counts> = BTreeMap::new();
        for (facets, c) in &self.combos {
            let mut with_ancestors = BTreeSet::new();
            for f in facets {
                let path = f.to_path();
                for depth in 1..=path.len() {
                    with_ancestors.insert(Facet::from_path(&path[..depth]));
                }
            }
            for f in with_ancestors {
                out.entry(f).or_default().add(c.passages, &c.articles);
            }
        }
        out
    }

    /// Counts per exact facet value, without adding children into their parents.
    pub fn per_exact_value(&self) -> BTreeMap<Facet, Counts> {
        let mut out: BTreeMap<Facet, Counts> = BTreeMap::new();
        for (facets, c) in &self.combos {
            for f in facets {
                out.entry(f.clone())
                    .or_default()
                    .add(c.passages, &c.articles);
            }
        }
        out
    }
}

/// Per segment: the facet and article id columns, and per combination of facet ordinals the
/// passages and article ordinals seen.
pub struct TallySegment {
    segment: SegmentOrdinal,
    facets: FacetReader,
    ids: StrColumn,
    /// Reused for each match's facet ordinals, so a match allocates nothing.
    ords: Vec<u64>,
    combos: HashMap<Vec<u64>, (u64, HashSet<u32>)>,
}

impl Collector for Tally {
    type Fruit = Tallied;
    type Child = TallySegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TallySegment> {
        let ids = reader
            .fast_fields()
            .str(&self.article_field)?
            .ok_or_else(|| {
                tantivy::TantivyError::SchemaError(format!(
                    "{} is not a fast field; rebuild the index with this Talash",
                    self.article_field
                ))
            })?;
        Ok(TallySegment {
            segment,
            facets: reader.facet_reader(&self.facet_field)?,
            ids,
            ords: Vec::new(),
            combos: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tallied>) -> tantivy::Result<Tallied> {
        let mut merged = Tallied::default();
        for fruit in fruits {
            for (facets, c) in fruit.combos {
                merged
                    .combos
                    .entry(facets)
                    .or_default()
                    .add(c.passages, &c.articles);
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for TallySegment {
    type Fruit = Tallied;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.ords.clear();
        self.ords.extend(self.facets.facet_ords(doc));
        self.ords.sort_unstable();
        self.ords.dedup();
        let article = self.ids.ords().first(doc);
        let entry = match self.combos.get_mut(self.ords.as_slice()) {
            Some(e) => e,
            None => self.combos.entry(self.ords.clone()).or_default(),
        };
        entry.0 += 1;
        if let Some(a) = article.and_then(|a| u32::try_from(a).ok()) {
            entry.1.insert(a);
        }
    }

    fn harvest(self) -> Tallied {
        let mut out = Tallied::default();
        for (ords, (passages, articles)) in self.combos {
            let mut facets: Vec<Facet> = ords
                .iter()
                .filter_map(|&o| {
                    let mut facet = Facet::root();
                    self.facets.facet_from_ord(o, &mut facet).ok()?;
                    Some(facet)
                })
                .collect();
            facets.sort();
            let keys: BTreeSet<ArticleKey> = articles
                .into_iter()
                .map(|a| article_key(self.segment, a))
                .collect();
            out.combos.entry(facets).or_default().add(passages, &keys);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(passages: u64, articles: &[u32]) -> Counts {
        Counts {
            passages,
            articles: articles.iter().map(|&a| article_key(0, a)).collect(),
        }
    }

    #[test]
    fn a_passage_counts_once_for_a_parent_it_reaches_twice() {
        let isis = Facet::from("/ISIS");
        let khorasan = Facet::from("/ISIS/Khorasan");
        let ttp = Facet::from("/TTP");
        let mut t = Tallied::default();
        // 2 passages tagged ISIS and ISIS/Khorasan (article 1), 1 only Khorasan (article 2),
        // 3 TTP (articles 1, 3), 4 with no group (article 4).
        t.combos
            .insert(vec![isis.clone(), khorasan.clone()], counts(2, &[1]));
        t.combos.insert(vec![khorasan.clone()], counts(1, &[2]));
        t.combos.insert(vec![ttp.clone()], counts(3, &[1, 3]));
        t.combos.insert(vec![], counts(4, &[4]));
        let per = t.per_value();
        assert_eq!(per[&isis], counts(3, &[1, 2]));
        assert_eq!(per[&khorasan], counts(3, &[1, 2]));
        assert_eq!(per[&ttp], counts(3, &[1, 3]));
        let exact = t.per_exact_value();
        assert_eq!(exact[&isis], counts(2, &[1]));
        assert_eq!(t.total(), counts(10, &[1, 2, 3, 4]));
        assert_eq!(t.without_value(), counts(4, &[4]));
    }
}
