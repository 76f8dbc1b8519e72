//! Sorting and searching many instants. Both go by stretches of time first: a comparison sort
//! or a binary search over hundreds of thousands of instants misses the cache at nearly every
//! step, while a stretch's few instants sit together.

use std::cmp::Ordering;

/// `items` sorted by `instant`, ties by `tie`: first grouped by stretches of time, then each
/// stretch, small enough for the cache, sorted by comparison.
pub(crate) fn sort_by_instant<T: Copy>(
    items: Vec<T>,
    instant: impl Fn(&T) -> i64,
    tie: impl Fn(&T, &T) -> Ordering,
) -> Vec<T> {
    let (mut grouped, starts) = group_by_instant(items, &instant, ITEMS_PER_SORTED_STRETCH);
    for bounds in starts.windows(2) {
        grouped[bounds[0]..bounds[1]].sort_unstable_by(|a, b| instant(a).cmp(&instant(b)).then_with(|| tie(a, b)));
    }
    grouped
}

/// How many items a stretch holds on average when sorting.
const ITEMS_PER_SORTED_STRETCH: usize = 16;

/// `items` grouped by stretches of time of about `per_stretch` items each, earlier stretches
/// first, in any order within a stretch (a counting sort: each item is moved once); and where
/// each stretch starts, with the length last.
pub(crate) fn group_by_instant<T: Copy>(
    items: Vec<T>,
    instant: impl Fn(&T) -> i64,
    per_stretch: usize,
) -> (Vec<T>, Vec<usize>) {
    let (Some(&first_item), true) = (items.first(), items.len() >= 2 * per_stretch) else {
        let all = vec![0, items.len()];
        return (items, all);
    };
    let (first, last) = items.iter().fold((i64::MAX, i64::MIN), |(lo, hi), item| {
        let t = instant(item);
        (lo.min(t), hi.max(t))
    });
    let shift = stretch_shift(last.abs_diff(first), items.len() / per_stretch);
    let stretch = |item: &T| (instant(item).abs_diff(first) >> shift) as usize;
    let mut starts = vec![0usize; (last.abs_diff(first) >> shift) as usize + 2];
    for item in &items {
        starts[stretch(item) + 1] += 1;
    }
    for s in 1..starts.len() {
        starts[s] += starts[s - 1];
    }
    let mut next = starts.clone();
    let mut grouped = vec![first_item; items.len()];
    for item in &items {
        let slot = &mut next[stretch(item)];
        grouped[*slot] = *item;
        *slot += 1;
    }
    (grouped, starts)
}

/// The smallest shift that cuts `span` milliseconds into at most `stretches` stretches of
/// `1 << shift` milliseconds (or into one or two, for spans beyond any date).
fn stretch_shift(span: u64, stretches: usize) -> u32 {
    let mut shift = 0;
    while shift < 63 && (span >> shift) >= stretches.max(1) as u64 {
        shift += 1;
    }
    shift
}

/// Ascending instants with an index of where each stretch of time starts, so that a search
/// looks at a few neighbours instead of halving the whole list.
pub(crate) struct SortedInstants<'a> {
    instants: &'a [i64],
    /// Instants are grouped in stretches of `1 << shift` ms from the first; stretch b starts
    /// at `starts[b]` and ends at `starts[b + 1]`.
    shift: u32,
    starts: Vec<u32>,
}

/// How many instants a stretch holds on average when searching (measured: more makes the
/// search inside a stretch longer, fewer the index larger).
const INSTANTS_PER_STRETCH: usize = 2;

impl<'a> SortedInstants<'a> {
    pub fn new(instants: &'a [i64]) -> Self {
        let (Some(&first), Some(&last)) = (instants.first(), instants.last()) else {
            return SortedInstants { instants, shift: 0, starts: Vec::new() };
        };
        let span = last.abs_diff(first);
        let shift = stretch_shift(span, instants.len() / INSTANTS_PER_STRETCH);
        let stretches = (span >> shift) as usize + 1;
        let mut starts = Vec::with_capacity(stretches + 1);
        for (k, &t) in instants.iter().enumerate() {
            let stretch = (t.abs_diff(first) >> shift) as usize;
            while starts.len() <= stretch {
                starts.push(k as u32);
            }
        }
        starts.resize(stretches + 1, instants.len() as u32);
        SortedInstants { instants, shift, starts }
    }

    /// The index of the first instant at or after `t`: `instants.partition_point(|&i| i < t)`.
    pub fn first_at_or_after(&self, t: i64) -> usize {
        let (Some(&first), Some(&last)) = (self.instants.first(), self.instants.last()) else {
            return 0;
        };
        if t <= first {
            return 0;
        }
        if t > last {
            return self.instants.len();
        }
        let stretch = (t.abs_diff(first) >> self.shift) as usize;
        let (from, to) = (self.starts[stretch] as usize, self.starts[stretch + 1] as usize);
        from + self.instants[from..to].partition_point(|&i| i < t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_instants_search_like_partition_point() {
        let lists: [&[i64]; 6] = [
            &[],
            &[5],
            &[5, 5, 5],
            &[-7, -7, 0, 3, 3, 4, 100, 1_000, 1_001, 50_000],
            &[i64::MIN, -1, 0, i64::MAX],
            &[0, 1 << 40, (1 << 40) + 1],
        ];
        for list in lists {
            let sorted = SortedInstants::new(list);
            let probes = list.iter().flat_map(|&t| [t.saturating_sub(1), t, t.saturating_add(1)]);
            for t in probes.chain([i64::MIN, -8, 2, 999, 60_000, i64::MAX]) {
                assert_eq!(sorted.first_at_or_after(t), list.partition_point(|&i| i < t), "{list:?} {t}");
            }
        }
    }

    #[test]
    fn sorting_by_stretches_sorts() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let spread: Vec<(i64, u8)> = (0..5_000).map(|_| ((next() % 100_000) as i64 - 50_000, next() as u8)).collect();
        let outliers: Vec<(i64, u8)> = spread
            .iter()
            .enumerate()
            .map(|(k, &(t, b))| (if k % 97 == 0 { i64::MAX - t.abs() } else { t }, b))
            .collect();
        let same: Vec<(i64, u8)> = (0..1_000).map(|_| (7, next() as u8)).collect();
        for items in [spread, outliers, same, vec![], vec![(3, 1)]] {
            let mut expected = items.clone();
            expected.sort_unstable();
            assert_eq!(sort_by_instant(items, |i| i.0, |a, b| a.1.cmp(&b.1)), expected);
        }
    }
}
