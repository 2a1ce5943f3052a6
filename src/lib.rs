//! Talash: full-text search over news passages, with group, date and outlet facets.
//!
//! The library holds all the logic; the binaries `talash-index` and `talash` only parse
//! arguments, call it and print. See README.md for the tour.

pub mod analysis;
pub mod articles;
pub mod batch;
pub mod cli;
pub mod corpus;
pub mod damage;
pub mod date;
pub mod docs;
pub mod error;
pub mod eval;
pub mod facets;
pub mod fresh;
pub mod fuzzing;
pub mod groups;
pub mod incremental;
pub mod index;
pub(crate) mod ingest;
pub mod lock;
pub mod manifest;
pub mod output;
pub mod page;
pub mod progress;
pub mod query;
pub mod readonly;
pub mod recover;
pub mod schema;
pub mod search;
pub mod show;
pub mod smart;
pub mod statcache;
pub mod tally;
#[cfg(test)]
mod testing;
pub mod timeline;
pub mod walk;
