//! What a host shows a user who asks (`my-framework telemetry status`).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::choice::{Choice, ChosenBy};
use crate::config::{Mode, Reason};
pub use crate::export::Drops;

/// Whether telemetry is on, why, and what it has sent.
///
/// ```
/// use crewtel_reporter::Reporter;
/// use crewtel_reporter::status::Reason;
///
/// let reporter = Reporter::builder()
///     .environment(|name| (name == "DO_NOT_TRACK").then(|| "1".into()))
///     .build();
/// let status = reporter.status();
/// assert!(!status.enabled);
/// assert_eq!(status.decided_by, Reason::TurnedOff("DO_NOT_TRACK"));
/// println!("{status}");
/// ```
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Status {
    /// Whether events leave the process (in debug mode they are printed and
    /// nothing leaves: this is `false`).
    pub enabled: bool,
    /// Where events go.
    pub mode: Mode,
    /// The switch, variable or setting that decided the mode.
    pub decided_by: Reason,
    /// The user's lasting choice (`off`, `local`, `on`), if one was found.
    pub choice: Option<Choice>,
    /// Where it was found.
    pub chosen_by: Option<ChosenBy>,
    /// The file that holds it (`None` for the variable).
    pub choice_file: Option<PathBuf>,
    /// The OTLP endpoint, without any user name or password in it.
    pub endpoint: Option<String>,
    /// The local record of what was sent: the one being kept, or one left by
    /// earlier runs.
    pub record: Option<PathBuf>,
    /// Whether events are being added to the record now.
    pub recording: bool,
    /// The last events in the record, oldest first, one JSON object each.
    pub last_events: Vec<String>,
    /// Events dropped, all reasons together ([`Drops`] has them one by
    /// one).
    pub dropped_events: u64,
    /// What was dropped, by reason.
    pub dropped: Drops,
    /// What waits to be sent: kept in the outbox (or in memory) until a
    /// collector takes it.
    pub pending: Pending,
    /// The application's own endpoint variable
    /// (`OTEL_EXPORTER_OTLP_ENDPOINT` or `_TRACES_ENDPOINT`), when one is
    /// set: crewtel never sends there. Its own
    /// `CREWTEL_EXPORTER_OTLP_ENDPOINT` would
    /// ([`crewtel_variable`](Self::crewtel_variable)).
    pub unused_application_endpoint: Option<&'static str>,
    /// The latest stretch of sampling under load, if there was one: while
    /// the host makes more spans than the upload budget carries, whole runs
    /// are left out.
    pub sampling: Option<UnderLoad>,
    /// Events that left but are not in the record: one line alone longer
    /// than the record's bound, or a record refused (a symbolic link, a
    /// file or folder of another user).
    pub unrecorded_events: u64,
}

impl Status {
    /// crewtel's own variable for what an application's `OTEL_*` one
    /// sets: `OTEL_EXPORTER_OTLP_ENDPOINT` → `CREWTEL_EXPORTER_OTLP_ENDPOINT`.
    ///
    /// ```
    /// assert_eq!(
    ///     crewtel_reporter::status::Status::crewtel_variable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
    ///     "CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
    /// );
    /// ```
    pub fn crewtel_variable(application: &str) -> String {
        let rest = application.strip_prefix("OTEL_").unwrap_or(application);
        format!("CREWTEL_{rest}")
    }
}

/// What waits to be sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Pending {
    /// Export requests waiting, each holding one or more events.
    pub requests: usize,
    /// How long the oldest has waited.
    pub oldest_age: Option<Duration>,
    /// When the next attempt is due, if one waits on a backoff or on a
    /// collector's `Retry-After`; `None` when the next is due at once.
    pub next_attempt_in: Option<Duration>,
}

/// Sampling under load: when a program makes more spans than the upload
/// budget carries (about 5,000 a second, [`DEFAULT_QUEUE_SIZE`](crate::DEFAULT_QUEUE_SIZE)
/// or more), each new run is sent or left out whole by OpenTelemetry's
/// consistent probability sampling, and each span sent says at what rate
/// (`trace_state` `ot=th:...`), so that counts can be re-weighted. It ends
/// when the load does.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UnderLoad {
    /// How long ago it started.
    pub started_ago: Duration,
    /// How long ago it ended; `None` while it goes on.
    pub ended_ago: Option<Duration>,
    /// The share of runs kept, from 0 to 1: now, or when it ended. Each
    /// run sent stands for `1 / keeping` runs.
    pub keeping: f64,
    /// Runs left out so far.
    pub runs_left_out: u64,
}

/// How much of each recent event `Display` shows.
const SHOWN_CHARS: usize = 160;

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.mode {
            _ if self.enabled => "on",
            Mode::Local => "local",
            _ => "off",
        };
        writeln!(
            f,
            "telemetry: {state}: {} (decided by {})",
            self.mode, self.decided_by
        )?;
        match (&self.choice, &self.chosen_by, &self.choice_file) {
            (Some(choice), Some(by), Some(file)) => {
                writeln!(f, "choice:    {choice} ({by}: {})", file.display())?
            }
            (Some(choice), Some(by), None) => writeln!(f, "choice:    {choice} ({by})")?,
            _ => writeln!(
                f,
                "choice:    none kept (`telemetry off`, `local` or `on` keeps one)"
            )?,
        }
        writeln!(
            f,
            "endpoint:  {}",
            self.endpoint
                .as_deref()
                .unwrap_or("(none: nothing goes on the network)")
        )?;
        if let Some(variable) = self.unused_application_endpoint {
            writeln!(
                f,
                "note:      {variable} is set for the application's own telemetry and not read by crewtel ({} sets crewtel's)",
                Status::crewtel_variable(variable)
            )?;
        }
        match (&self.record, self.recording) {
            (Some(path), true) => writeln!(f, "record:    {}", path.display())?,
            (Some(path), false) => writeln!(
                f,
                "record:    {} (from earlier runs; nothing is added now)",
                path.display()
            )?,
            (None, _) => writeln!(f, "record:    (none)")?,
        }
        let pending = &self.pending;
        if pending.requests > 0 {
            write!(f, "pending:   {} requests", pending.requests)?;
            if let Some(age) = pending.oldest_age {
                write!(f, ", the oldest {} old", seconds(age))?;
            }
            match pending.next_attempt_in {
                Some(wait) => writeln!(f, "; next attempt in {}", seconds(wait))?,
                None => writeln!(f)?,
            }
        }
        if let Some(sampling) = &self.sampling {
            let percent = sampling.keeping * 100.0;
            let left_out = sampling.runs_left_out;
            match sampling.ended_ago {
                None => writeln!(
                    f,
                    "sampling:  under load since {} ago: keeping {percent:.1}% of runs; {left_out} runs left out",
                    seconds(sampling.started_ago)
                )?,
                Some(ended) => writeln!(
                    f,
                    "sampling:  under load from {} ago to {} ago, keeping {percent:.1}% of runs at the end; {left_out} runs left out",
                    seconds(sampling.started_ago),
                    seconds(ended)
                )?,
            }
        }
        let d = &self.dropped;
        let reasons = [
            (d.queue_full, "events: the queue was full"),
            (d.too_large, "events: too large"),
            (d.after_shutdown, "events: after shutdown"),
            (d.host_code_panicked, "events: host code panicked"),
            (d.refused, "requests: refused by the collector"),
            (d.outbox_full, "requests: past the outbox's bounds"),
            (d.damaged, "outbox files: damaged, set aside"),
        ];
        for (count, reason) in reasons.into_iter().filter(|(count, _)| *count > 0) {
            writeln!(f, "dropped:   {count} {reason}")?;
        }
        if self.last_events.is_empty() {
            write!(f, "last events sent: none")
        } else {
            write!(f, "last events sent (the record has them whole):")?;
            for event in &self.last_events {
                // A shared crew's event can be kilobytes: a glimpse here.
                match event.char_indices().nth(SHOWN_CHARS) {
                    Some((end, _)) => write!(f, "\n  {}…", &event[..end])?,
                    None => write!(f, "\n  {event}")?,
                }
            }
            Ok(())
        }
    }
}

/// `83 s`, `4 min`, `2 h`: a wait or an age, to a reader.
fn seconds(duration: Duration) -> String {
    match duration.as_secs() {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s => format!("{} h", s / 3600),
    }
}

/// `https://user:secret@host/path?key=secret` → `https://host/path`: what
/// may hold a credential is not shown.
pub(crate) fn without_credentials(endpoint: &str) -> String {
    let Ok(uri) = endpoint.parse::<http::Uri>() else {
        return "(not shown)".to_owned();
    };
    match (uri.scheme_str(), uri.host()) {
        (Some(scheme), Some(host)) => {
            let port = uri
                .port()
                .map(|port| format!(":{port}"))
                .unwrap_or_default();
            format!("{scheme}://{host}{port}{}", uri.path())
        }
        _ => "(not shown)".to_owned(),
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
