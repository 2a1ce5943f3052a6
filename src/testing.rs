//! Helpers shared by unit tests.

/// `count` texts, each of 1 to `max_pieces` pieces drawn from `pieces` by a fixed-seed
/// generator (64-bit LCG): the same texts on every run, so a failure can be replayed.
pub(crate) fn random_texts(pieces: &[&str], count: usize, max_pieces: u64) -> Vec<String> {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    (0..count)
        .map(|_| {
            let len = next() % max_pieces.max(1) + 1;
            (0..len)
                .map(|_| pieces[next() as usize % pieces.len()])
                .collect()
        })
        .collect()
}

/// Passages that tie: the same title and text score the same for a one-word query.
const TIE: (&str, &str) = ("Harbour news", "The harbour reopened after the storm.");

/// An engine for ranking tests. Six passages tie on `harbour`, spread over two segments in an
/// order unlike their ids (so tantivy's own tie order, by address, is not the id order);
/// `e#1` scores above them and `f#1` below. Articles `a` and `b` have two passages each.
pub(crate) fn harbour_engine() -> crate::search::Engine {
    let p = |id, (title, text): (&'static str, &'static str)| {
        (id, title, "Dawn", "2024-05", &[][..], text)
    };
    let low = (
        "Port news",
        "Ships waited in the bay for days while the harbour master weighed the forecasts, the \
         tides and the cargo lists of every vessel.",
    );
    let high = ("Harbour news", "harbour harbour harbour reopened");
    // Each article's passages in one segment, as real indexes hold them (index format 4).
    let first = [p("d#1", TIE), p("b#2", TIE), p("f#1", low), p("b#1", TIE)];
    let second = [p("c#1", TIE), p("e#1", high), p("a#2", TIE), p("a#1", TIE)];
    crate::fuzzing::engine_of(&[&first, &second]).expect("the harbour engine builds")
}

/// The passage ids of hits, in order.
pub(crate) fn ids(hits: &[crate::search::Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.passage_id.as_str()).collect()
}
