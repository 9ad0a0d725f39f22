//! Sampling under load: when the host makes more spans than the upload
//! budget carries, whole runs are left out, never spans cut at random.
//!
//! The sampler counts the spans the host makes (kept or not) and, over
//! windows of at most [`WINDOW`], compares their rate with the budget. While
//! the rate is within it, every run is sent (a light program sends
//! everything). Above it, each new run is kept when its trace id's low 56
//! bits are at least a threshold: OpenTelemetry's consistent probability
//! sampling, whose threshold travels on every span of a kept run
//! (`trace_state` `ot=th:...`), so that a vendor counts each kept run as
//! 2^56 / (2^56 - threshold) runs. A run's spans inherit its decision
//! ([`SpanIds::sampling`](crewtel::sink::SpanIds)), whatever the threshold
//! when they start: no span is sent without its parent.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crewtel::sink::Sampling;

/// The longest window the rate is measured over. A window also ends as
/// soon as it has seen a window's budget, so that heavy load is met within
/// a fraction of it, while a burst the budget carries (a crew of a thousand
/// tasks starting at once) is never sampled.
const WINDOW: Duration = Duration::from_secs(1);

/// The share of the budget sampling aims at: the rest drains what went
/// over it before sampling started.
const TARGET: f64 = 0.8;

/// Spans between two looks at the clock while every run is kept.
const LOOK_EVERY: u64 = 16;

/// 2^56: thresholds and trace randomness are of 56 bits.
const SPACE: u64 = 1 << 56;

/// A threshold's precision: 2 hex digits (1/256 of the space), so that
/// `th` stays short and says no more of the host's rate than a vendor
/// needs to re-weight.
const STEP: u64 = 1 << 48;

/// What a pipeline can upload.
pub(crate) struct Budget {
    /// Spans a second.
    pub spans: u64,
    /// Requests a second.
    pub requests: usize,
    /// How many requests wait to be sent behind the one being sent (the
    /// courier's count): while more than a second's worth wait, the
    /// collector takes less than the budget, and the budget shrinks to
    /// match.
    pub behind: Arc<AtomicUsize>,
}

/// The sampler of one pipeline.
pub(crate) struct Sampler {
    /// The spans a window may carry.
    budget_per_window: u64,
    /// The spans a second may carry.
    budget: f64,
    requests: usize,
    behind: Arc<AtomicUsize>,
    epoch: Instant,
    /// When the current window started, in microseconds since `epoch`.
    window_start: AtomicU64,
    /// Spans made in the current window.
    offered: AtomicU64,
    /// The threshold in force; 0 keeps every run.
    threshold: AtomicU64,
    /// Runs left out so far.
    left_out: AtomicU64,
    /// What status shows: the latest time sampling started.
    episode: Mutex<Option<Episode>>,
}

/// One stretch of sampling, as status shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Episode {
    /// When it started.
    pub since: SystemTime,
    /// When it ended, if it has.
    pub until: Option<SystemTime>,
    /// The share of runs kept now (or, once ended, at the end).
    pub keeping: f64,
}

impl Sampler {
    /// A sampler for `budget`.
    pub(crate) fn new(budget: Budget) -> Sampler {
        let per_second = budget.spans.max(1);
        let window = u64::try_from(WINDOW.as_micros()).unwrap_or(u64::MAX);
        Sampler {
            budget_per_window: (per_second.saturating_mul(window) / 1_000_000).max(1),
            budget: per_second as f64,
            requests: budget.requests.max(1),
            behind: budget.behind,
            epoch: Instant::now(),
            window_start: AtomicU64::new(0),
            offered: AtomicU64::new(0),
            threshold: AtomicU64::new(0),
            left_out: AtomicU64::new(0),
            episode: Mutex::new(None),
        }
    }

    /// Whether the new run of trace `trace_id` is sent: counts its first
    /// span.
    #[inline]
    pub(crate) fn run(&self, trace_id: u128) -> Sampling {
        self.span();
        let threshold = self.threshold.load(Ordering::Relaxed);
        // The low 56 bits: the W3C random part of the id.
        if (trace_id as u64) & (SPACE - 1) >= threshold {
            Sampling::Kept { threshold }
        } else {
            self.left_out.fetch_add(1, Ordering::Relaxed);
            Sampling::LeftOut
        }
    }

    /// Counts a span the host makes (of any run, kept or not).
    #[inline]
    pub(crate) fn span(&self) {
        let offered = self.offered.fetch_add(1, Ordering::Relaxed) + 1;
        let sampling = self.threshold.load(Ordering::Relaxed) != 0;
        if sampling || offered.is_multiple_of(LOOK_EVERY) {
            self.look();
        }
    }

    /// Ends the window when it is over (by time, or by what it has seen)
    /// and sets the threshold for the next. (On every span while sampling,
    /// every 16th otherwise.)
    fn look(&self) {
        let now = micros(self.epoch.elapsed());
        let start = self.window_start.load(Ordering::Acquire);
        // Read after the start: another thread may have just ended the
        // window, and the count of the one before is not this one's.
        let offered = self.offered.load(Ordering::Acquire);
        let elapsed = now.saturating_sub(start);
        let window = micros(WINDOW);
        if elapsed == 0 || (elapsed < window && offered < self.budget_per_window) {
            return;
        }
        // One thread ends the window; the others go on.
        if self
            .window_start
            .compare_exchange(start, now, Ordering::AcqRel, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        let offered = self.offered.swap(0, Ordering::AcqRel);
        let threshold = self.decide(offered, elapsed);
        self.threshold.store(threshold, Ordering::Relaxed);
        self.note(threshold);
    }

    /// The threshold after a window of `micros` that saw `offered` spans.
    fn decide(&self, offered: u64, micros: u64) -> u64 {
        let rate = offered as f64 * 1e6 / micros.max(1) as f64;
        let behind = self.behind.load(Ordering::Relaxed);
        let budget = match behind > self.requests {
            // Behind by more than a second: the collector takes less.
            true => self.budget * self.requests as f64 / behind as f64,
            false => self.budget,
        };
        threshold(budget, rate)
    }

    /// Keeps the episode status shows up to date.
    fn note(&self, threshold: u64) {
        let Ok(mut episode) = self.episode.lock() else {
            return;
        };
        let keeping = keeping(threshold);
        match (episode.as_mut(), threshold) {
            (Some(current), 0) => {
                if current.until.is_none() {
                    current.until = Some(SystemTime::now());
                }
            }
            (Some(current), _) if current.until.is_none() => current.keeping = keeping,
            (_, 0) => {}
            (_, _) => {
                *episode = Some(Episode {
                    since: SystemTime::now(),
                    until: None,
                    keeping,
                });
            }
        }
    }

    /// The latest stretch of sampling, if there was one.
    pub(crate) fn episode(&self) -> Option<Episode> {
        self.episode.lock().ok().and_then(|episode| *episode)
    }

    /// Runs left out so far.
    pub(crate) fn left_out(&self) -> u64 {
        self.left_out.load(Ordering::Relaxed)
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// The threshold that keeps [`TARGET`] of `budget` spans a second out of
/// `rate`: 0 (every run) while the rate is within the budget, else the
/// share of the space to leave out, rounded up to [`STEP`] (so that what is
/// kept stays within the aim), and never the whole space.
fn threshold(budget: f64, rate: f64) -> u64 {
    if rate <= budget {
        return 0;
    }
    let keep = (budget * TARGET / rate).clamp(0.0, 1.0);
    let steps = ((1.0 - keep) * (SPACE / STEP) as f64).ceil() as u64;
    steps.min(SPACE / STEP - 1) * STEP
}

/// The share of runs `threshold` keeps.
pub(crate) fn keeping(threshold: u64) -> f64 {
    (SPACE - threshold.min(SPACE)) as f64 / SPACE as f64
}

/// `threshold` as OpenTelemetry writes it in `trace_state`: `ot=th:` and
/// the 56 bits in 14 hex digits, without trailing zeros (`0` for none).
pub(crate) fn trace_state(threshold: u64) -> String {
    TRACE_STATE_KEY
        .chars()
        .chain(threshold_digits(threshold).map(char::from))
        .collect()
}

/// The length of [`trace_state`]`(threshold)`.
pub(crate) fn trace_state_len(threshold: u64) -> usize {
    TRACE_STATE_KEY.len() + threshold_digits(threshold).len()
}

/// [`trace_state`]`(threshold)` appended to `out` (a span's protobuf,
/// written without a `String` for each).
pub(crate) fn write_trace_state(threshold: u64, out: &mut Vec<u8>) {
    out.extend_from_slice(TRACE_STATE_KEY.as_bytes());
    out.extend(threshold_digits(threshold));
}

const TRACE_STATE_KEY: &str = "ot=th:";

/// The hex digits of `threshold`'s 56 bits, trailing zeros left out (one
/// `0` for none).
fn threshold_digits(threshold: u64) -> impl ExactSizeIterator<Item = u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let threshold = threshold & (SPACE - 1);
    let count = match threshold {
        0 => 1,
        t => 14 - t.trailing_zeros() as usize / 4,
    };
    (0..count).map(move |at| HEX[((threshold >> (52 - 4 * at)) & 0xf) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampler(spans: u64) -> Sampler {
        Sampler::new(Budget {
            spans,
            requests: 10,
            behind: Arc::default(),
        })
    }

    /// A collector slower than the budget: requests pile up behind the
    /// courier, and a rate within the budget is sampled all the same.
    #[test]
    fn while_sending_is_behind_the_budget_shrinks() {
        let steady = sampler(1000);
        let behind = sampler(1000);
        behind.behind.store(40, Ordering::Relaxed);
        // 800 spans a second: within the budget, more than three times
        // what a collector four seconds behind takes.
        assert_eq!(steady.decide(800, 1_000_000), 0);
        let kept = keeping(behind.decide(800, 1_000_000));
        let aim = 1000.0 * 10.0 / 40.0 * TARGET / 800.0;
        assert!(kept <= aim && kept > aim - 0.01, "{kept}");
    }

    #[test]
    fn thresholds_are_written_as_opentelemetry_reads_them() {
        assert_eq!(trace_state(0), "ot=th:0");
        assert_eq!(trace_state(0xc << 52), "ot=th:c");
        assert_eq!(trace_state(0x8 << 52), "ot=th:8");
        assert_eq!(trace_state(0xabc << 44), "ot=th:abc");
        assert_eq!(trace_state(1), "ot=th:00000000000001");
        assert_eq!(keeping(0xc << 52), 0.25);
    }

    /// What leaves the process of the host's rate: `th` has two hex
    /// digits at most, whatever the rate.
    #[test]
    fn a_threshold_says_no_more_than_two_hex_digits() {
        for rate in [5001.0, 6000.0, 7777.7, 20_000.0, 123_456.0, 1e9] {
            let state = trace_state(threshold(5000.0, rate));
            let digits = state.strip_prefix("ot=th:").unwrap();
            assert!((1..=2).contains(&digits.len()), "{rate}: {state}");
        }
    }

    #[test]
    fn within_the_budget_every_run_is_kept() {
        assert_eq!(threshold(5000.0, 5000.0), 0);
        assert_eq!(threshold(5000.0, 10.0), 0);
    }

    #[test]
    fn above_it_the_share_kept_is_the_aim_or_a_little_less() {
        let t = threshold(5000.0, 20_000.0);
        let aim = 5000.0 * TARGET / 20_000.0;
        assert!(keeping(t) <= aim && keeping(t) > aim - 1.0 / 256.0, "{t:x}");
        // However high the rate, a threshold below the whole space.
        assert!(threshold(1.0, 1e18) < SPACE);
    }

    #[test]
    fn a_run_is_kept_when_its_randomness_reaches_the_threshold() {
        let sampler = sampler(1000);
        sampler.threshold.store(0xc << 52, Ordering::Relaxed);
        let at = |low: u64| (7_u128 << 64) | u128::from(low);
        assert_eq!(
            sampler.run(at(0xc << 52)),
            Sampling::Kept {
                threshold: 0xc << 52
            }
        );
        assert_eq!(sampler.run(at((0xc << 52) - 1)), Sampling::LeftOut);
        // The byte above the 56 bits is not randomness.
        assert_eq!(sampler.run(at(0xff << 56)), Sampling::LeftOut);
        assert_eq!(sampler.left_out(), 2);
    }

    #[test]
    fn a_burst_starts_sampling_within_a_window_s_budget_and_status_says_so() {
        let sampler = sampler(1000);
        assert_eq!(sampler.episode(), None);
        // Far more than a window's budget at once.
        for n in 0..10_000_u128 {
            sampler.run(n << 8);
        }
        let episode = sampler.episode().expect("sampling started");
        assert!(episode.until.is_none());
        assert!(episode.keeping < 1.0);
        assert!(sampler.left_out() > 5_000, "{}", sampler.left_out());
    }

    #[test]
    fn sampling_ends_when_the_load_does() {
        let sampler = sampler(1000);
        for n in 0..10_000_u128 {
            sampler.run(n);
        }
        assert!(sampler.threshold.load(Ordering::Relaxed) > 0);
        std::thread::sleep(WINDOW + Duration::from_millis(50));
        sampler.run(1);
        assert_eq!(sampler.threshold.load(Ordering::Relaxed), 0);
        let episode = sampler.episode().unwrap();
        assert!(episode.until.is_some());
    }
}
