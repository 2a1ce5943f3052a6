//! The article reader: front matter, then the body cleaned and cut into passages.
//! Invariants: never panics; an accepted article has a valid id and a non-empty title; every
//! passage respects the word limit.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use talash::corpus::{self, Article, article::validate_id, passage::word_count};
use talash::schema::Config;

fn config() -> &'static Config {
    static C: OnceLock<Config> = OnceLock::new();
    C.get_or_init(|| Config::shipped().expect("the shipped configuration is valid"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(article) = Article::parse(text, Path::new("fuzz.md")) else {
        return;
    };
    assert!(
        validate_id(&article.id).is_ok(),
        "accepted a bad id {:?}",
        article.id
    );
    assert!(!article.title.trim().is_empty(), "accepted an empty title");
    let max = 12;
    for p in corpus::passages(&article, &config().boilerplate, max) {
        assert!(
            word_count(&p.text) <= max,
            "passage over the limit: {:?}",
            p.text
        );
        assert!(!p.text.trim().is_empty(), "empty passage");
    }
});
