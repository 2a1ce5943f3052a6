//! What Talash records about an index, and what an indexing run is told and reports.
//!
//! Talash's own metadata (format version, the schema, gazetteer and rules used, outlet names)
//! travels in tantivy's commit payload, so it is written atomically with the documents it
//! describes: a reader never sees documents from one configuration and metadata from another.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::corpus::InputError;
use crate::corpus::passage::JsonlUnit;
use crate::index::folders::{CorpusMode, Resolved};
use crate::index::manifest::Manifest;
use crate::schema::{Config, ConfigSources};

/// Bumped whenever an index built by an older Talash cannot be read correctly by this one.
/// Format 4: every article's passages lie in one segment (updates write an article as one
/// batch too), which article ranking relies on.
/// Format 5: passages store their groups' evidence (`group_evidence`).
/// Format 6: compounds are indexed under their closed form too (`analysis::compounds`).
/// Format 7: passages store their article's `url` and `lang` (saved web pages, web archives).
/// Format 8: an article without body text is one passage whose text is its title, the title
/// stored pre-tokenized and not indexed as a title (`corpus::passages_for`); older indexes
/// left such articles out.
pub const FORMAT_VERSION: u32 = 8;

/// Talash's record in the commit payload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexMeta {
    pub talash_format: u32,
    pub talash_version: String,
    pub config: ConfigSources,
    pub max_words: usize,
    /// The passage unit of JSONL collections it was built with (absent in indexes built
    /// before the setting, which cut them into paragraphs).
    #[serde(default = "paragraph_unit")]
    pub jsonl: JsonlUnit,
    /// Outlet facet key → the outlet's name as written in the articles.
    pub outlets: BTreeMap<String, String>,
    pub articles: usize,
    pub passages: usize,
    /// The article manifest's file name in the index folder (see [`crate::index::manifest`]); absent
    /// in indexes built before incremental indexing, which are then rebuilt in full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// The article folders and files it was built from, absolute (see
    /// [`crate::index::folders`]); empty in indexes built before they were remembered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corpus: Vec<String>,
}

fn paragraph_unit() -> JsonlUnit {
    JsonlUnit::Paragraph
}

impl IndexMeta {
    /// The metadata of an index built with `config` that holds the articles of `manifest`.
    pub(crate) fn new(
        config: &Config,
        outlets: BTreeMap<String, String>,
        manifest: &Manifest,
    ) -> IndexMeta {
        Self::with_counts(config, outlets, manifest.articles(), manifest.passages())
    }

    /// The metadata of an index built with `config` that holds `articles` articles cut into
    /// `passages` passages (for an index built without a manifest, as the fuzzing harness does).
    pub(crate) fn with_counts(
        config: &Config,
        outlets: BTreeMap<String, String>,
        articles: usize,
        passages: usize,
    ) -> IndexMeta {
        IndexMeta {
            talash_format: FORMAT_VERSION,
            talash_version: env!("CARGO_PKG_VERSION").to_string(),
            config: config.sources.clone(),
            max_words: config.spec.passages.max_words,
            jsonl: config.spec.passages.jsonl,
            outlets,
            articles,
            passages,
            manifest: None,
            corpus: Vec::new(),
        }
    }
}

/// The Talash format recorded in a commit payload, if the payload is Talash's.
pub(crate) fn talash_format(payload: &str) -> Option<u32> {
    #[derive(Deserialize)]
    struct Version {
        talash_format: u32,
    }
    serde_json::from_str::<Version>(payload)
        .ok()
        .map(|v| v.talash_format)
}

/// How to run the indexer.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    pub corpus: Vec<PathBuf>,
    pub dir: PathBuf,
    /// Skip bad files (reporting them) instead of failing the whole run.
    pub keep_going: bool,
    /// Writer heap in bytes, shared by the indexing threads.
    pub memory_bytes: usize,
    pub threads: usize,
    /// Largest article file read, in bytes (`--max-file-mb`; default [`crate::corpus::MAX_FILE_BYTES`]).
    pub max_file_bytes: u64,
    /// Rebuild every article even when the index could be updated incrementally.
    pub full: bool,
    /// Which paths to read: those given, the remembered ones too (`--add`), or only those
    /// given, forgetting the rest (`--replace`); see [`crate::index::folders`].
    pub mode: CorpusMode,
    /// The paths the new index remembers: set by [`crate::index::build`] from `mode` (callers
    /// leave it empty).
    pub remember: Vec<String>,
    /// The date and outlet of articles that do not give theirs (`--date`, `--outlet`).
    pub defaults: crate::corpus::Defaults,
}

impl IndexOptions {
    /// The settings the stat cache is valid under: the file size limit, with `--date` and
    /// `--outlet` mixed in when given (a file read under other defaults must be read again).
    pub fn cache_settings(&self) -> u64 {
        let d = &self.defaults;
        if d.date.is_none() && d.outlet.is_none() {
            return self.max_file_bytes;
        }
        let key = format!("{:?}\t{:?}", d.date.map(|d| d.to_string()), d.outlet);
        self.max_file_bytes ^ (xxhash_rust::xxh3::xxh3_64(key.as_bytes()) | 1 << 63)
    }
}

/// How an indexing run went about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunKind {
    /// Every article was indexed into a fresh index, for this reason.
    Full { reason: String },
    /// Only the difference from the previous run was written.
    Incremental(ChangeCounts),
}

impl Default for RunKind {
    fn default() -> Self {
        RunKind::Full {
            reason: "a new index".into(),
        }
    }
}

/// What an indexing run did.
#[derive(Debug, Clone, Default)]
pub struct IndexSummary {
    pub articles: usize,
    pub passages: usize,
    pub per_group: BTreeMap<String, usize>,
    pub skipped: Vec<InputError>,
    pub warnings: Vec<String>,
    pub elapsed: Duration,
    pub index_bytes: u64,
    pub run: RunKind,
    /// Article files in the corpus, and how many of them were read (an update reads only
    /// files whose size or mtime changed; see [`crate::index::statcache`]).
    pub files: usize,
    pub files_read: usize,
    /// The paths read and remembered, and what the previous index held.
    pub corpus: Resolved,
    /// The first few ids of the articles an update removed, sorted.
    pub removed_ids: Vec<String>,
}

/// What an incremental run found and did, in articles (and passages written or deleted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeCounts {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub passages_added: usize,
    pub passages_deleted: usize,
}
