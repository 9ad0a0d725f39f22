//! The dates of `expires = "YYYY-MM-DD"`: read as a day, and today, as the
//! compiler sees it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAY: u64 = 86_400;

/// The day `date` (`YYYY-MM-DD`, a real day of the calendar) is, counted
/// from 1970-01-01; or what is wrong with it.
pub fn day_of(date: &str) -> Result<u32, String> {
    let form = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !form {
        return Err(format!("`{date}` is not of that form"));
    }
    let midnight = humantime::parse_rfc3339(&format!("{date}T00:00:00Z"))
        .map_err(|_| format!("`{date}` is no day of the calendar"))?;
    let since_epoch = midnight
        .duration_since(UNIX_EPOCH)
        .map_err(|_| format!("`{date}` is before 1970"))?;
    u32::try_from(since_epoch.as_secs() / DAY).map_err(|_| format!("`{date}` is too far off"))
}

/// Today, counted from 1970-01-01: the build's date, `SOURCE_DATE_EPOCH`
/// when a reproducible build sets it.
pub fn today() -> u32 {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|seconds| seconds.trim().parse::<u64>().ok())
        .map_or_else(SystemTime::now, |seconds| {
            UNIX_EPOCH + Duration::from_secs(seconds)
        });
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    u32::try_from(seconds / DAY).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_a_day_of_the_calendar_in_its_one_form() {
        assert_eq!(day_of("1970-01-02"), Ok(1));
        assert_eq!(day_of("2027-06-30"), Ok(20_999));
        assert_eq!(day_of("2028-02-29"), Ok(21_243));
        assert!(day_of("2027-02-29").unwrap_err().contains("no day"));
        assert!(day_of("2027-13-01").is_err());
        assert!(day_of("2027-6-30").unwrap_err().contains("form"));
        assert!(day_of("30/06/2027").is_err());
        assert!(day_of("2027-06-30T00:00:00Z").is_err());
    }
}
