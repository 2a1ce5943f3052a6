//! The read side: parsing queries, filtering, ranking passages and articles, counting facets,
//! showing a passage in its article, and timelines.
//!
//! Everything here reads an index opened by [`crate::index::open()`] through an [`Engine`]; none
//! of it writes. See docs/ARCHITECTURE.md for the path of a search, file by file.

pub mod articles;
pub mod compounds;
pub mod engine;
pub mod facets;
pub mod feedback;
pub mod filters;
pub mod page;
pub mod prefix;
pub mod proximity;
pub mod query;
pub mod show;
pub mod stored;
pub mod tally;
pub mod timeline;
pub mod topk;

pub use engine::Engine;

/// How a search ranks its matches beyond plain BM25; both off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Ranking {
    /// Pseudo-relevance feedback (`--prf`): the query is run again with terms of its top
    /// results.
    pub prf: Option<feedback::Rm3>,
    /// Neighbouring query words also score as phrases and windows (`--proximity`).
    pub proximity: bool,
}
pub use filters::{FilterArgs, Filters};
pub use stored::Hit;
pub use topk::Paging;
