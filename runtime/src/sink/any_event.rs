//! `AnyEvent`: an event of any `Telemetry` type, as a sink receives it.

use crate::attribute::KeyValue;

use crate::catalogue::Catalogue;
use crate::consent::Consent;
use crate::event::{Event, Telemetry};

/// An [`Event`] whose type a [`Sink`](super::Sink) does not know: its name,
/// its consent, and its attributes on demand, exactly as the derive walks
/// them under that consent.
///
/// Only events implement it (the trait is sealed), so what a sink receives
/// is what the event's consent allows of the host's classifications. (That
/// consent is the one the event was built with: a crew's own, or the one
/// its code passed to `telemetry_event_with`.)
///
/// Building the attributes runs host code (a `with` function, an
/// [`OnSend`](crate::OnSend), a hand-written `TelemetryValue`), which may
/// panic. The `Reporter` contains such a panic (the event is dropped and
/// counted); a sink of your own that must never panic catches it
/// (`std::panic::catch_unwind`) around these methods.
pub trait AnyEvent: sealed::Sealed {
    /// The event (span) name.
    fn name(&self) -> &'static str;

    /// The consent the event carries.
    fn consent(&self) -> Consent;

    /// Whether that consent allows this event at all (an event declared
    /// `share_crew` is not sent by an anonymous crew).
    fn is_allowed(&self) -> bool;

    /// Everything this kind of event can carry.
    fn catalogue(&self) -> &'static Catalogue;

    /// The attributes as key-values (none when the event is
    /// not allowed).
    fn key_values(&self) -> Vec<KeyValue>;

    /// The attributes followed by those of `extra` whose keys the event does
    /// not send itself, in one allocation.
    fn key_values_and(&self, extra: &[KeyValue]) -> Vec<KeyValue>;

    /// The attributes as one JSON object, nested lists as JSON-encoded
    /// strings (as they are sent).
    fn attributes_json(&self) -> String;
}

mod sealed {
    pub trait Sealed {}

    impl<T: crate::event::Telemetry + ?Sized> Sealed for crate::event::Event<'_, T> {}
}

impl<T: Telemetry + ?Sized> AnyEvent for Event<'_, T> {
    fn name(&self) -> &'static str {
        Event::name(self)
    }

    fn consent(&self) -> Consent {
        Event::consent(self)
    }

    fn is_allowed(&self) -> bool {
        Event::is_allowed(self)
    }

    fn catalogue(&self) -> &'static Catalogue {
        Event::catalogue(self)
    }

    fn key_values(&self) -> Vec<KeyValue> {
        Event::key_values(self)
    }

    fn key_values_and(&self, extra: &[KeyValue]) -> Vec<KeyValue> {
        Event::key_values_and(self, extra)
    }

    fn attributes_json(&self) -> String {
        // Serializing derived attributes into a string cannot fail: every
        // key is a string and every value a scalar, list or map of them.
        serde_json::to_string(&self.attributes()).unwrap_or_else(|_| "{}".to_owned())
    }
}
