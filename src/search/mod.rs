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
pub mod query;
pub mod show;
pub mod stored;
pub mod tally;
pub mod timeline;
pub mod topk;

pub use engine::Engine;
pub use filters::{FilterArgs, Filters};
pub use stored::Hit;
pub use topk::Paging;
