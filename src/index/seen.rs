//! The bookkeeping of article ids taken during a run: where each was first seen, so that a
//! duplicate names the article it repeats, and which of the previous manifest's articles
//! were not met (those are gone from the corpus).

use std::collections::HashMap;
use std::path::PathBuf;

use crate::index::manifest::Manifest;

/// Where an article id was first seen: its file (an index into the corpus files), and its
/// line in a JSONL collection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place(pub(crate) usize, pub(crate) Option<usize>);

impl Place {
    pub(crate) fn show(self, files: &[PathBuf]) -> String {
        let path = files.get(self.0).map(|p| p.display().to_string());
        match self.1 {
            Some(n) => format!("{}:{n}", path.unwrap_or_default()),
            None => path.unwrap_or_default(),
        }
    }
}

/// Every article id taken so far, with where. Ids the previous manifest holds are marked at
/// their position in it (no allocation per article: an update at 1M passages meets 180k of
/// them, and the ids it did not meet are the articles removed); others are kept in a map.
#[derive(Debug, Default)]
pub(crate) struct Seen<'a> {
    old: Option<&'a Manifest>,
    marks: Vec<Option<Place>>,
    others: HashMap<String, Place>,
}

impl<'a> Seen<'a> {
    pub(crate) fn new(old: Option<&'a Manifest>) -> Seen<'a> {
        Seen {
            old,
            marks: vec![None; old.map_or(0, Manifest::read_len)],
            others: HashMap::new(),
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<Place> {
        match self.old.and_then(|m| m.position(id)) {
            Some(at) => self.marks.get(at).copied().flatten(),
            None => self.others.get(id).copied(),
        }
    }

    pub(crate) fn insert(&mut self, id: &str, place: Place) {
        match self.old.and_then(|m| m.position(id)) {
            Some(at) => self.mark(at, place),
            None => {
                self.others.insert(id.to_string(), place);
            }
        }
    }

    pub(crate) fn marked(&self, at: usize) -> bool {
        self.marks.get(at).is_some_and(Option::is_some)
    }

    pub(crate) fn mark(&mut self, at: usize, place: Place) {
        if let Some(m) = self.marks.get_mut(at) {
            *m = Some(place);
        }
    }

    /// The previous manifest's ids that were not taken: articles gone from the corpus.
    pub fn unseen(&self) -> impl Iterator<Item = &'a str> {
        let old = self.old;
        self.marks
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_none())
            .filter_map(move |(at, _)| old?.id_at(at))
    }
}
