//! The duplicate-id check, which every input form pays over every event. A hash set of a
//! million ids spends its time on cache misses; here each id is hashed once and the hashes are
//! checked for repeats in partitions small enough for the cache. Only when two hashes agree
//! (a repeated id, or a rare collision) are ids compared, to find the first repeat exactly.

use rustc_hash::FxHashSet;

/// The index of the first id equal to an earlier one, among the `n` ids `id(0..n)`.
pub(crate) fn first_repeated<'a>(n: usize, id: impl Fn(usize) -> &'a [u8]) -> Option<usize> {
    let hashes: Vec<u64> = (0..n).map(|k| hash(id(k))).collect();
    if !any_repeated(&hashes) {
        return None;
    }
    let mut seen = FxHashSet::with_capacity_and_hasher(n, Default::default());
    (0..n).find(|&k| !seen.insert(id(k)))
}

/// A 64-bit hash of bytes on every target (`FxHasher` has 32 bits on wasm32, too few to
/// partition by the top ones): 8 bytes at a time multiplied in (the last 8 overlapping the
/// others when the length is not a multiple of 8), then the halves mixed so that the top bits
/// depend on every byte.
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |h: u64, word: u64| (h ^ word).wrapping_mul(K).rotate_left(29);
    let word =
        |at: usize| bytes.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map_or(0, u64::from_le_bytes);
    let len = bytes.len();
    let mut h = (len as u64).wrapping_mul(K);
    if len >= 8 {
        let mut at = 0;
        while at + 8 <= len {
            h = mix(h, word(at));
            at += 8;
        }
        if at < len {
            h = mix(h, word(len - 8));
        }
    } else {
        h = mix(h, bytes.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b)));
    }
    (h ^ (h >> 32)).wrapping_mul(K)
}

/// Bits of a hash that choose its partition.
const PARTITION_BITS: u32 = 8;

/// Whether two hashes might be equal (false positives allowed, false negatives not).
fn any_repeated(hashes: &[u64]) -> bool {
    if hashes.len() < 2 {
        return false;
    }
    let partition = |h: u64| (h >> (64 - PARTITION_BITS)) as usize;
    // Counting sort by partition: `starts[p]..starts[p + 1]` is partition p in `sorted`.
    let mut starts = vec![0usize; (1 << PARTITION_BITS) + 1];
    for &h in hashes {
        starts[partition(h) + 1] += 1;
    }
    for p in 0..1 << PARTITION_BITS {
        starts[p + 1] += starts[p];
    }
    let mut next = starts.clone();
    let mut sorted = vec![0u64; hashes.len()];
    for &h in hashes {
        let slot = &mut next[partition(h)];
        sorted[*slot] = h;
        *slot += 1;
    }
    // An open-addressing set per partition, reused; 0 marks an empty slot, so the lowest bit
    // of every hash is set (which can only add false positives).
    let mut table: Vec<u64> = Vec::new();
    starts.windows(2).any(|bounds| {
        let part = &sorted[bounds[0]..bounds[1]];
        let bits = (2 * part.len()).next_power_of_two().trailing_zeros();
        table.clear();
        table.resize(1 << bits, 0);
        let mask = table.len() - 1;
        part.iter().any(|&h| {
            let h = h | 1;
            // The bits below the partition's choose the slot.
            let mut slot = ((h << PARTITION_BITS) >> (64 - bits.max(1))) as usize & mask;
            loop {
                match table[slot] {
                    0 => {
                        table[slot] = h;
                        return false;
                    }
                    seen if seen == h => return true,
                    _ => slot = (slot + 1) & mask,
                }
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(ids: &[&str]) -> Option<usize> {
        first_repeated(ids.len(), |k| ids[k].as_bytes())
    }

    #[test]
    fn finds_the_first_repeat() {
        assert_eq!(first(&[]), None);
        assert_eq!(first(&["a"]), None);
        assert_eq!(first(&["a", "b", "c"]), None);
        assert_eq!(first(&["a", "b", "a", "b"]), Some(2));
        assert_eq!(first(&["a", "b", "b", "a"]), Some(2));
        let many: Vec<String> = (0..100_000).map(|k| format!("id{k}")).collect();
        let mut ids: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(first(&ids), None);
        ids.push("id77");
        ids.push("id5");
        assert_eq!(first(&ids), Some(100_000));
    }

    #[test]
    fn hashes_spread_over_partitions() {
        // Ids that differ in one character only still land all over the partitions.
        let mut used = [false; 1 << PARTITION_BITS];
        for k in 0..10_000 {
            used[(hash(format!("DE_kwDOBench{k:07}").as_bytes()) >> (64 - PARTITION_BITS)) as usize] = true;
        }
        assert!(used.iter().all(|&u| u));
        assert_ne!(hash(b"a"), hash(b"a\0"));
    }

    #[test]
    fn equal_hashes_are_reported() {
        assert!(any_repeated(&[5, 9, 5]));
        // Equal but for the lowest bit: a false positive, which the exact pass then clears.
        assert!(any_repeated(&[4, 5]));
        assert!(!any_repeated(&[1 << 63, 1 << 62, 3, 1 << 63 | 2]));
    }
}
