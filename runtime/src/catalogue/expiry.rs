//! `expires = "YYYY-MM-DD"`: the last day a key or an event is sent.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Serialize, Serializer};

/// The last day a key (or an event) is sent, as `expires` declared it:
/// from the next day on (UTC), it is not sent. A build after that day
/// generates no code that reads the field; a program built before it stops
/// sending it on the day after, by its clock.
///
/// ```
/// use crewtel::Telemetry;
///
/// #[derive(Telemetry)]
/// struct Crew {
///     /// How many agents: read until the study ends.
///     #[telemetry(always, expires = "2020-06-30")]
///     agents: u32,
/// }
///
/// let crew = Crew { agents: 3 };
/// assert!(crew.telemetry_event().key_values().is_empty(), "past its day: not sent");
/// let keys = Crew::CATALOGUE.keys();
/// assert_eq!(keys[0].expires.unwrap().date, "2020-06-30");
/// assert!(keys[0].expires.unwrap().has_passed());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Expiry {
    /// The date as declared, `YYYY-MM-DD`.
    pub date: &'static str,
    /// The same day, counted from 1970-01-01.
    pub day: u32,
}

impl Expiry {
    /// Whether the day has passed: today (UTC) is later.
    pub fn has_passed(&self) -> bool {
        self.passed_on(today())
    }

    /// Whether the day has passed on `day` (counted from 1970-01-01).
    pub const fn passed_on(&self, day: u32) -> bool {
        day > self.day
    }

    /// The days from `day` to the last day (0: it is the last day; less:
    /// it has passed).
    pub const fn days_left_on(&self, day: u32) -> i64 {
        self.day as i64 - day as i64
    }

    /// The earlier of two expiries, if any.
    pub(crate) fn earlier(a: Option<Expiry>, b: Option<Expiry>) -> Option<Expiry> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.day < a.day { b } else { a }),
            (a, b) => a.or(b),
        }
    }
}

/// Today (UTC), counted from 1970-01-01.
pub fn today() -> u32 {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    u32::try_from(seconds / 86_400).unwrap_or(u32::MAX)
}

/// Serialized as its date.
impl Serialize for Expiry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_passes_the_day_after() {
        let expiry = Expiry {
            date: "2027-06-30",
            day: 20_999,
        };
        assert!(!expiry.passed_on(20_998));
        assert!(!expiry.passed_on(20_999), "sent on its last day");
        assert!(expiry.passed_on(21_000));
        assert_eq!(expiry.days_left_on(20_969), 30);
        assert_eq!(expiry.days_left_on(21_000), -1);
        let earlier = Expiry {
            date: "2027-01-31",
            day: 20_849,
        };
        assert_eq!(Expiry::earlier(Some(expiry), Some(earlier)), Some(earlier));
        assert_eq!(Expiry::earlier(None, Some(expiry)), Some(expiry));
        assert!(today() > 20_000, "after 2024");
    }
}
