//! The gazetteer matcher. Invariants: never panics; mentions are in order, do not overlap and
//! lie on character boundaries of the text; a mention's own text resolves to its group.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use talash::groups::MatchMode;
use talash::schema::Config;

fn config() -> &'static Config {
    static C: OnceLock<Config> = OnceLock::new();
    C.get_or_init(|| Config::shipped().expect("the shipped configuration is valid"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let gaz = &config().gazetteer;
    for mode in [MatchMode::Text, MatchMode::Query] {
        let mut last_end = 0;
        for m in gaz.mentions(text, mode) {
            assert!(m.start >= last_end && m.start < m.end && m.end <= text.len());
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            assert!(m.group < gaz.groups().len());
            last_end = m.end;
        }
    }
    let _ = gaz.tag(text, text);
    let _ = gaz.resolve(text);
});
