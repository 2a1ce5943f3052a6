//! Work over many items on a few threads, with results taken in item order.
//!
//! Walking the corpus and preparing articles both need it: the index must receive articles in
//! corpus order (ids, error messages and runs are then the same whatever the thread count), and
//! memory must stay bounded whatever the corpus size.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use anyhow::Result;

/// Runs `work` on every item on `workers` threads and hands each result to `take` in item
/// order, with at most `window` items started and not yet taken, so memory stays bounded. An
/// error from `take` stops the workers and is returned.
pub(crate) fn ordered_map<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    window: usize,
    work: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(usize, R) -> Result<()>,
) -> Result<()> {
    if workers <= 1 || items.len() < 2 {
        for (i, item) in items.iter().enumerate() {
            take(i, work(item))?;
        }
        return Ok(());
    }
    // Each worker needs a token to start, and one more to see that the items are done.
    let window = window.max(workers);
    // A worker needs a token to start an item; the taker returns one per item taken.
    let (token_tx, token_rx) = mpsc::sync_channel::<()>(window);
    for _ in 0..window {
        let _ = token_tx.send(());
    }
    let next = Mutex::new((token_rx, 0usize));
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, stop, work) = (&next, &stop, &work);
            s.spawn(move || {
                loop {
                    let i = {
                        let mut guard = next.lock().unwrap_or_else(|p| p.into_inner());
                        if guard.0.recv().is_err() || stop.load(Ordering::Relaxed) {
                            return;
                        }
                        guard.1 += 1;
                        guard.1 - 1
                    };
                    let Some(item) = items.get(i) else { return };
                    if tx.send((i, work(item))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut expected = 0;
        let result = (|| {
            for (i, r) in rx.iter() {
                waiting.insert(i, r);
                while let Some(r) = waiting.remove(&expected) {
                    take(expected, r)?;
                    expected += 1;
                    let _ = token_tx.send(());
                }
            }
            Ok(())
        })();
        stop.store(true, Ordering::Relaxed);
        drop(token_tx);
        drop(rx);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_map_keeps_order_and_stops_on_error() {
        let items: Vec<u32> = (0..500).collect();
        for workers in [1, 2, 4] {
            let mut got = Vec::new();
            ordered_map(
                &items,
                workers,
                16 * workers,
                |x| x * 2,
                |i, r| {
                    got.push((i, r));
                    Ok(())
                },
            )
            .unwrap();
            let want: Vec<(usize, u32)> = items.iter().map(|&x| (x as usize, x * 2)).collect();
            assert_eq!(got, want);
            let mut taken = 0;
            let r = ordered_map(
                &items,
                workers,
                4,
                |x| *x,
                |_, r| {
                    taken += 1;
                    if r == 10 {
                        anyhow::bail!("stop at 10");
                    }
                    Ok(())
                },
            );
            assert!(r.is_err());
            assert_eq!(taken, 11);
        }
    }
}
