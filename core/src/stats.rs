//! Summaries of durations, in milliseconds, converted to a unit with one final division so
//! that exact values stay exact (24 h is 24.0, not 23.999...).

use crate::options::Statistic;

/// The median (mean of the two middle values for an even count) or the mean of `durations`,
/// divided by `unit_ms`; `None` when empty. Reorders `durations`.
pub(crate) fn summarize(durations: &mut [i64], statistic: Statistic, unit_ms: f64) -> Option<f64> {
    let n = durations.len();
    if n == 0 {
        return None;
    }
    Some(match statistic {
        Statistic::Median => {
            // The middle value in place, smaller ones before it: no full sort needed.
            let (below, &mut middle, _) = durations.select_nth_unstable(n / 2);
            if n % 2 == 1 {
                middle as f64 / unit_ms
            } else {
                let before = below.iter().copied().max().unwrap_or(middle);
                (i128::from(before) + i128::from(middle)) as f64 / (2.0 * unit_ms)
            }
        }
        Statistic::Mean => {
            let sum: i128 = durations.iter().map(|&d| i128::from(d)).sum();
            sum as f64 / (n as f64 * unit_ms)
        }
    })
}

/// `numerator / denominator`, rounded to an integer half away from zero, exactly, for
/// non-negative integers (the rollup's mean durations in seconds).
pub(crate) fn div_round_half_away(numerator: i128, denominator: i128) -> i64 {
    debug_assert!(numerator >= 0 && denominator > 0);
    ((2 * numerator + denominator) / (2 * denominator)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_mean() {
        assert_eq!(summarize(&mut [], Statistic::Median, 1.0), None);
        assert_eq!(summarize(&mut [5, 1, 3], Statistic::Median, 1.0), Some(3.0));
        assert_eq!(summarize(&mut [4, 1, 3, 10], Statistic::Median, 1.0), Some(3.5));
        assert_eq!(summarize(&mut [4, 1, 3, 10], Statistic::Mean, 2.0), Some(2.25));
        assert_eq!(summarize(&mut [86_400_000], Statistic::Mean, 3_600_000.0), Some(24.0));
        assert_eq!(summarize(&mut [i64::MAX, i64::MAX], Statistic::Median, 1.0), Some(i64::MAX as f64));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round_half_away(1500, 1000), 2);
        assert_eq!(div_round_half_away(1499, 1000), 1);
        assert_eq!(div_round_half_away(2500, 1000), 3);
        assert_eq!(div_round_half_away(0, 1000), 0);
    }
}
