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
