//! `Event::to_json`: an event as JSON in one pass, the same bytes as
//! `serde_json::to_string(&event)`. Through serde, a nested list is encoded
//! into a string and then escaped again as the outer value (two passes, an
//! allocation and a copy, and two thirds of the time: measured with
//! callgrind, BENCHMARKS.md section 9); here the walk writes straight into
//! one buffer (`json_writer`), nested lists already escaped as the outer
//! string's contents.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::consent::Consent;
use crate::event::{Event, Telemetry};
use crate::json_writer::{Writer, json_string};

impl<T: Telemetry + ?Sized> Event<'_, T> {
    /// The event as JSON: `{"name": ..., "consent": ..., "attributes":
    /// {...}}`, the attributes exactly as they are sent (nested lists as
    /// JSON-encoded strings). The same bytes as `serde_json::to_string`,
    /// written in one pass. Fails only as that would (a nested value's own
    /// `Serialize` failing).
    ///
    /// ```
    /// use crewtel::Telemetry;
    ///
    /// #[derive(Telemetry)]
    /// #[telemetry(event = "Tool Usage")]
    /// struct ToolUsage {
    ///     /// The tool.
    ///     #[telemetry(always, free_text)]
    ///     tool_name: String,
    ///     /// The attempts.
    ///     #[telemetry(always)]
    ///     attempts: Vec<u32>,
    /// }
    /// let usage = ToolUsage { tool_name: "search".into(), attempts: vec![1, 2] };
    /// let event = usage.telemetry_event();
    /// assert_eq!(
    ///     event.to_json().unwrap(),
    ///     r#"{"name":"Tool Usage","consent":"anonymous","attributes":{"tool_name":"search","attempts":[1,2]}}"#
    /// );
    /// assert_eq!(event.to_json().unwrap(), serde_json::to_string(&event).unwrap());
    /// ```
    pub fn to_json(&self) -> serde_json::Result<String> {
        // As large as the last event written: one allocation, not a
        // doubling each time the buffer fills.
        let mut out =
            String::with_capacity(LAST_LENGTH.load(Ordering::Relaxed).clamp(128, 1 << 16));
        out.push_str("{\"name\":");
        json_string(&mut out, T::EVENT);
        out.push_str(match self.consent() {
            Consent::Anonymous => ",\"consent\":\"anonymous\",\"attributes\":{",
            Consent::ShareCrew => ",\"consent\":\"share_crew\",\"attributes\":{",
        });
        let mut writer = Writer::event(&mut out);
        self.visit(&mut writer);
        writer.finish()?;
        out.push_str("}}");
        LAST_LENGTH.store(out.len(), Ordering::Relaxed);
        Ok(out)
    }
}

/// The length of the last event written as JSON, in this process.
static LAST_LENGTH: AtomicUsize = AtomicUsize::new(512);
