//! Counting passages *and articles* per facet value over a set of matching passages.
//!
//! tantivy's `FacetCollector` counts documents (passages) per facet child. An analyst also wants
//! to know how many distinct *articles* stand behind those passages (one long article can
//! contribute twenty passages), which no tantivy collector gives. [`Tally`] is a small
//! collector that records, per segment, each distinct combination of facet values a passage
//! carries together with the articles it came from; [`Tallied`] then answers per-value questions.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::FacetReader;
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

/// Collects, for one facet field, every distinct set of facet values a matching passage carries,
/// with the number of passages and the ids of their articles.
pub struct Tally {
    facet_field: String,
    article_field: Field,
}

impl Tally {
    /// `facet_field` is the facet's field name; `article_field` the untokenized article id.
    pub fn new(facet_field: &str, article_field: Field) -> Tally {
        Tally {
            facet_field: facet_field.to_string(),
            article_field,
        }
    }
}

/// Passages and the distinct articles behind them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub passages: u64,
    pub articles: BTreeSet<String>,
}

impl Counts {
    fn add(&mut self, passages: u64, articles: &BTreeSet<String>) {
        self.passages += passages;
        self.articles.extend(articles.iter().cloned());
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

/// Per segment: facet ordinals of each passage and the article it belongs to.
pub struct TallySegment {
    facets: FacetReader,
    /// doc → index into `article_names`, `u32::MAX` when the passage has no article id.
    doc_article: Vec<u32>,
    article_names: Vec<String>,
    combos: HashMap<Vec<u64>, (u64, HashSet<u32>)>,
}

/// Reads which article each document of a segment belongs to, from the article id's postings
/// (the id is indexed but not a fast field).
fn doc_articles(reader: &SegmentReader, field: Field) -> tantivy::Result<(Vec<u32>, Vec<String>)> {
    let mut doc_article = vec![u32::MAX; reader.max_doc() as usize];
    let mut names = Vec::new();
    let inverted = reader.inverted_index(field)?;
    let mut terms = inverted.terms().stream()?;
    while terms.advance() {
        let ord = names.len() as u32;
        names.push(String::from_utf8_lossy(terms.key()).into_owned());
        let mut postings =
            inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if let Some(slot) = doc_article.get_mut(doc as usize) {
                *slot = ord;
            }
            doc = postings.advance();
        }
    }
    Ok((doc_article, names))
}

impl Collector for Tally {
    type Fruit = Tallied;
    type Child = TallySegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TallySegment> {
        let (doc_article, article_names) = doc_articles(reader, self.article_field)?;
        Ok(TallySegment {
            facets: reader.facet_reader(&self.facet_field)?,
            doc_article,
            article_names,
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
        let mut ords: Vec<u64> = self.facets.facet_ords(doc).collect();
        ords.sort_unstable();
        ords.dedup();
        let article = self
            .doc_article
            .get(doc as usize)
            .copied()
            .unwrap_or(u32::MAX);
        let entry = self.combos.entry(ords).or_default();
        entry.0 += 1;
        if article != u32::MAX {
            entry.1.insert(article);
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
            let names: BTreeSet<String> = articles
                .iter()
                .filter_map(|&a| self.article_names.get(a as usize).cloned())
                .collect();
            out.combos.entry(facets).or_default().add(passages, &names);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(passages: u64, articles: &[&str]) -> Counts {
        Counts {
            passages,
            articles: articles.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn a_passage_counts_once_for_a_parent_it_reaches_twice() {
        let isis = Facet::from("/ISIS");
        let khorasan = Facet::from("/ISIS/Khorasan");
        let ttp = Facet::from("/TTP");
        let mut t = Tallied::default();
        // 2 passages tagged ISIS and ISIS/Khorasan (article a), 1 only Khorasan (article b),
        // 3 TTP (articles a, c), 4 with no group (article d).
        t.combos
            .insert(vec![isis.clone(), khorasan.clone()], counts(2, &["a"]));
        t.combos.insert(vec![khorasan.clone()], counts(1, &["b"]));
        t.combos.insert(vec![ttp.clone()], counts(3, &["a", "c"]));
        t.combos.insert(vec![], counts(4, &["d"]));
        let per = t.per_value();
        assert_eq!(per[&isis], counts(3, &["a", "b"]));
        assert_eq!(per[&khorasan], counts(3, &["a", "b"]));
        assert_eq!(per[&ttp], counts(3, &["a", "c"]));
        let exact = t.per_exact_value();
        assert_eq!(exact[&isis], counts(2, &["a"]));
        assert_eq!(t.total(), counts(10, &["a", "b", "c", "d"]));
        assert_eq!(t.without_value(), counts(4, &["d"]));
    }
}
