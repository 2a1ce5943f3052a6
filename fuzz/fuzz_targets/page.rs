//! The saved-page and web-archive readers on any bytes: charset decoding, the extractor,
//! metadata, the not-an-article checks, and WARC records.
//! Invariants (`talash::fuzzing::check_page`): never panics; an accepted page has a valid id,
//! at least `MIN_WORDS` words and passages within the limit; a skipped page says why.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    talash::fuzzing::check_page(data);
});
