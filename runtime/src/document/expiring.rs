//! What expires soon: the keys and events of a catalogue (its JSON) whose
//! last day falls within a given number of days, or has passed.

use std::fmt;
use std::time::UNIX_EPOCH;

use super::read::{CatalogueError, Document, Key, subject};
use crate::catalogue::today;

/// A key (or an event) that expires soon, or has expired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expiring {
    /// The event's name.
    pub event: String,
    /// The key's path (`crew_agents[].goal`); empty for the event itself.
    pub key: String,
    /// Its last day, `YYYY-MM-DD`.
    pub date: String,
    /// Days from today to its last day: 0 on it, less once it has passed.
    pub days_left: i64,
}

impl fmt::Display for Expiring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = subject(&self.key);
        let Expiring {
            event,
            date,
            days_left,
            ..
        } = self;
        match days_left {
            ..0 => write!(f, "`{event}`: {what} expired after {date}: it is not sent"),
            0 => write!(
                f,
                "`{event}`: {what} is sent for the last day today, {date}"
            ),
            _ => write!(
                f,
                "`{event}`: {what} expires after {date}, in {days_left} days"
            ),
        }
    }
}

/// The keys and events of `catalogue` (its JSON, as
/// [`json`](super::json) writes it) whose last day is within `within_days`
/// of today, or has passed: what a host sees coming.
///
/// ```
/// use crewtel::{document, Telemetry};
///
/// #[derive(Telemetry)]
/// struct Crew {
///     /// How many agents: read until the study ends.
///     #[telemetry(always, expires = "2020-06-30")]
///     agents: u32,
///     /// How many tasks.
///     #[telemetry(always)]
///     tasks: u32,
/// }
///
/// let expiring = document::expiring(&document::json(&[Crew::CATALOGUE], None), 30).unwrap();
/// assert_eq!(expiring.len(), 1);
/// assert_eq!(expiring[0].key, "agents");
/// assert!(expiring[0].days_left < 0);
/// ```
pub fn expiring(catalogue: &str, within_days: u32) -> Result<Vec<Expiring>, CatalogueError> {
    let today = i64::from(today());
    let mut out = Vec::new();
    for event in Document::read(catalogue)?.events() {
        let mut found = Found {
            event: &event.event,
            event_expires: event.expires.as_deref(),
            today,
            within: i64::from(within_days),
            out: &mut out,
        };
        found.check("", event.expires.as_deref());
        found.keys("", &event.keys);
    }
    Ok(out)
}

struct Found<'a> {
    event: &'a str,
    /// The event's own expiry, reported once, not again for each key.
    event_expires: Option<&'a str>,
    today: i64,
    within: i64,
    out: &'a mut Vec<Expiring>,
}

impl Found<'_> {
    fn keys(&mut self, prefix: &str, keys: &[Key]) {
        for key in keys {
            let path = format!("{prefix}{}", key.key);
            if key.expires.as_deref() != self.event_expires {
                self.check(&path, key.expires.as_deref());
            }
            self.keys(&format!("{path}{}", key.marker()), &key.nested);
        }
    }

    fn check(&mut self, key: &str, date: Option<&str>) {
        let Some(date) = date else { return };
        let Some(day) = day_of(date) else { return };
        let days_left = day - self.today;
        if days_left <= self.within {
            self.out.push(Expiring {
                event: self.event.to_owned(),
                key: key.to_owned(),
                date: date.to_owned(),
                days_left,
            });
        }
    }
}

/// `YYYY-MM-DD` as a day counted from 1970-01-01.
fn day_of(date: &str) -> Option<i64> {
    let midnight = humantime::parse_rfc3339(&format!("{date}T00:00:00Z")).ok()?;
    let seconds = midnight.duration_since(UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(seconds / 86_400).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_days() {
        assert_eq!(day_of("1970-01-02"), Some(1));
        assert_eq!(day_of("2027-06-30"), Some(20_999));
        assert_eq!(day_of("2027-02-30"), None);
    }
}
