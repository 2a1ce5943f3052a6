//! Talash: full-text search over news passages, with group, date and outlet facets.
//!
//! The library holds all the logic; the binaries `talash-index` and `talash` only parse
//! arguments, call it and print. See README.md for the tour.

pub mod analysis;
pub mod batch;
pub mod cli;
pub mod corpus;
pub mod date;
pub mod error;
pub mod eval;
/// The tiny in-RAM engine of the fuzz targets: not part of the release library (it builds an
/// index from constants), so only unit tests and `--features fuzzing` (fuzz/) compile it.
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
pub mod groups;
pub mod index;
pub mod output;
pub mod parallel;
pub mod plural;
pub mod schema;
pub mod search;
pub mod smart;
#[cfg(test)]
mod testing;
