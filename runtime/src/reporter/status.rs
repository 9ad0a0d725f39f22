//! What a host shows a user who asks (`my-framework telemetry status`).

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::config::Mode;
use crate::consent::Consent;

/// Whether telemetry is on, why, and what it has sent.
///
/// ```
/// use crewtel::Reporter;
///
/// let reporter = Reporter::builder()
///     .environment(|name| (name == "DO_NOT_TRACK").then(|| "1".into()))
///     .build();
/// let status = reporter.status();
/// assert!(!status.enabled);
/// assert_eq!(status.decided_by, "DO_NOT_TRACK");
/// println!("{status}");
/// ```
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Status {
    /// Whether events leave the process (or, in debug mode, are printed).
    pub enabled: bool,
    /// Where events go.
    pub mode: Mode,
    /// The switch, variable or setting that decided the mode.
    pub decided_by: String,
    /// The host's consent, as it told the reporter (`ReporterBuilder::consent`).
    pub consent: Option<Consent>,
    /// The OTLP endpoint, without any user name or password in it.
    pub endpoint: Option<String>,
    /// The local record of what was sent, if one is kept.
    pub record: Option<PathBuf>,
    /// The last events in the record, oldest first, one JSON object each.
    pub last_events: Vec<String>,
    /// Events dropped because the export queue was full.
    pub dropped_events: u64,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.enabled { "on" } else { "off" };
        writeln!(
            f,
            "telemetry: {state} ({:?}, decided by {})",
            self.mode, self.decided_by
        )?;
        match self.consent {
            Some(Consent::ShareCrew) => {
                writeln!(f, "consent:   share_crew (the crew's content is sent too)")?
            }
            Some(Consent::Anonymous) => writeln!(f, "consent:   anonymous (usage data only)")?,
            None => {}
        }
        writeln!(
            f,
            "endpoint:  {}",
            self.endpoint
                .as_deref()
                .unwrap_or("(none: nothing goes on the network)")
        )?;
        match &self.record {
            Some(path) => writeln!(f, "record:    {}", path.display())?,
            None => writeln!(f, "record:    (none kept)")?,
        }
        if self.dropped_events > 0 {
            writeln!(f, "dropped:   {} events (queue full)", self.dropped_events)?;
        }
        if self.last_events.is_empty() {
            write!(f, "last events sent: none")
        } else {
            write!(f, "last events sent:")?;
            for event in &self.last_events {
                write!(f, "\n  {event}")?;
            }
            Ok(())
        }
    }
}

/// `https://user:secret@host/path` → `https://host/path`.
pub(crate) fn without_credentials(endpoint: &str) -> String {
    match url::Url::parse(endpoint) {
        Ok(mut url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Err(_) => endpoint.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_not_shown() {
        assert_eq!(
            without_credentials("https://bob:hunter2@collector.example/v1/traces"),
            "https://collector.example/v1/traces"
        );
        assert_eq!(
            without_credentials("http://127.0.0.1:4318/v1/traces"),
            "http://127.0.0.1:4318/v1/traces"
        );
    }
}
