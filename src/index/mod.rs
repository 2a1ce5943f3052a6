//! The write side: building, updating and committing an index, and opening one to read.
//!
//! An indexing run starts in [`run`], which either updates the index in place ([`update`]) or
//! builds it anew ([`full`]); both stream the corpus through [`ingest`] and commit through
//! [`commit`]. See docs/ARCHITECTURE.md for the data path and the files of an index folder.

pub mod articlehash;
pub mod cachewriter;
pub mod commit;
pub mod damage;
pub mod document;
pub mod folders;
pub mod fresh;
pub mod full;
pub mod ingest;
pub mod layout;
pub mod lock;
pub mod manifest;
pub mod meta;
pub mod open;
pub mod prepare;
pub mod progress;
pub mod readonly;
pub mod recover;
pub mod run;
pub mod seen;
pub mod sidefile;
pub mod statcache;
pub mod update;
pub mod writer;

pub use document::{outlet_facet, outlet_key};
pub use meta::{FORMAT_VERSION, IndexMeta, IndexOptions, IndexSummary, RunKind};
pub use open::{OpenIndex, open};
pub use run::build;
