//! `telemetry status` without a reporter: what a run would do, read from
//! the settings and the files crewtel keeps, with no thread started, no
//! connection opened, no notice shown and nothing written or deleted.

use std::io::IsTerminal;
use std::path::Path;

use super::status::{Drops, Pending, Status, without_credentials};
use super::{ReporterBuilder, STATUS_EVENTS};
use crate::config::{Mode, NoticeGate, NoticeProblem, Reason, Settings};
use crate::export::outbox::{self, OUTBOX_DIR};
use crate::local::{self, NoticeMarker};

impl ReporterBuilder {
    /// The status a reporter built now would report, before it sent
    /// anything: read only. An exporter that could not be built is warned
    /// about through `warn`, as a build would.
    pub(super) fn inspect(
        &self,
        settings: &Settings,
        host_dir: Option<&Path>,
        warn: &super::WarningSink,
    ) -> Status {
        // As a build would narrow it, without showing the notice.
        let mut decision = settings.decision.clone();
        if let Some(export) = settings.decision.export() {
            if let NoticeGate::BeforeDefaultEndpoint { in_ci } = export.notice
                && !self.notice_was_shown(host_dir)
                && (in_ci || !self.notice_visible())
            {
                decision.narrowed(Reason::NoticeNotShown(NoticeProblem::NotSeen));
            } else if let Err(error) = crate::export::check(export) {
                warn(&format!(
                    "crewtel: the OTLP exporter could not be built ({error}); nothing is sent"
                ));
                decision.narrowed(Reason::ExporterFailed);
            }
        }
        let (mode, decided_by) = (decision.mode(), decision.reason());
        let record = super::record_path(&settings.record, host_dir);
        let recording = matches!(mode, Mode::Export | Mode::Local) && record.is_some();
        let record = record.filter(|path| recording || path.exists());
        let waiting = host_dir
            .map(|dir| outbox::pending_in(&dir.join(OUTBOX_DIR)))
            .unwrap_or_default();
        Status {
            enabled: mode == Mode::Export,
            mode,
            decided_by,
            choice: settings.choice.as_ref().map(|(choice, _, _)| *choice),
            chosen_by: settings.choice.as_ref().map(|(_, by, _)| *by),
            choice_file: settings.choice.as_ref().and_then(|(_, _, f)| f.clone()),
            endpoint: (mode == Mode::Export)
                .then(|| settings.endpoint().map(without_credentials))
                .flatten(),
            last_events: record
                .as_deref()
                .map(|path| local::tail(path, STATUS_EVENTS))
                .unwrap_or_default(),
            record,
            recording,
            dropped_events: 0,
            dropped: Drops::default(),
            pending: Pending {
                requests: waiting.requests,
                oldest_age: waiting.oldest.and_then(|at| at.elapsed().ok()),
                next_attempt_in: None,
            },
            // Another process's, not known here.
            sampling: None,
            unrecorded_events: 0,
            unused_application_endpoint: settings.unused_application_endpoint,
        }
    }

    fn notice_was_shown(&self, host_dir: Option<&Path>) -> bool {
        host_dir.is_some_and(|dir| NoticeMarker::new(dir, &self.notice.version).shown())
    }

    fn notice_visible(&self) -> bool {
        match &self.notice_output {
            Some(output) => output.visible,
            None => std::io::stderr().is_terminal(),
        }
    }
}
