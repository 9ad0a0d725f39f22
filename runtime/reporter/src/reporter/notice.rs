//! The first-run notice: before anything is sent to a host's built-in
//! default endpoint, the user is told, once per catalogue version. Where
//! nobody can see it (CI, stderr not a terminal), nothing goes there.

use std::io::Write;
use std::path::Path;

use crate::config::NoticeProblem;
use crate::local::NoticeMarker;

/// What the host says in its notice, and the catalogue version it covers.
pub(crate) struct Notice {
    pub text: Option<String>,
    pub version: String,
}

/// Where the notice is written, and whether a person can see it there.
pub(crate) struct NoticeOutput {
    pub out: Box<dyn Write + Send>,
    pub visible: bool,
}

/// Whether the host's default endpoint may be used.
pub(crate) enum Gate {
    /// Shown before (this version), or shown just now.
    Open,
    /// Could not be shown: send nothing to the default endpoint.
    Closed(NoticeProblem),
}

pub(crate) fn gate(
    notice: &Notice,
    service: &str,
    endpoint: &str,
    dir: Option<&Path>,
    in_ci: bool,
    mut output: NoticeOutput,
) -> Gate {
    let marker = dir.map(|dir| NoticeMarker::new(dir, &notice.version));
    if marker.as_ref().is_some_and(NoticeMarker::shown) {
        return Gate::Open;
    }
    if in_ci || !output.visible {
        return Gate::Closed(NoticeProblem::NotSeen);
    }
    let text = notice.text.clone().unwrap_or_else(|| {
        format!(
            "{service} sends anonymous usage telemetry (versions, OS, CPU count, how its crews are built) to \
             {endpoint}. See exactly what with CREWTEL_DEBUG=1; turn it off with DO_NOT_TRACK=1."
        )
    });
    if writeln!(output.out, "{text}").is_err() {
        return Gate::Closed(NoticeProblem::NotWritable);
    }
    let _ = output.out.flush();
    if let Some(marker) = marker {
        marker.mark();
    }
    Gate::Open
}
