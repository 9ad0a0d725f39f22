//! The consent in force for an event, and the tier a key is classified under.

use serde::{Deserialize, Serialize};

/// What the user behind a crew agreed to share.
///
/// Every event is built under one `Consent`. Keys classified
/// `#[telemetry(always)]` are sent under both; keys classified
/// `#[telemetry(share_crew)]` only under [`Consent::ShareCrew`]; keys classified
/// `#[telemetry(never)]` under none.
///
/// ```
/// use crewtel::{Consent, catalogue::Tier};
///
/// assert!(Consent::Anonymous.allows(Tier::Always));
/// assert!(!Consent::Anonymous.allows(Tier::ShareCrew));
/// assert!(Consent::ShareCrew.allows(Tier::ShareCrew));
/// assert_eq!(Consent::from_share_crew(true), Consent::ShareCrew);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// The default: anonymous usage data only.
    #[default]
    Anonymous,
    /// The crew opted in (`share_crew`): its content may be sent too.
    ShareCrew,
}

impl Consent {
    /// The consent a crew's `share_crew` switch stands for.
    #[inline]
    pub const fn from_share_crew(share_crew: bool) -> Self {
        if share_crew {
            Consent::ShareCrew
        } else {
            Consent::Anonymous
        }
    }

    /// The stricter of two consents: what a nested or flattened struct that
    /// carries its own consent (a crew inside another's event) is walked
    /// under, so that a crew that did not opt in never shares its content
    /// because the event around it did.
    #[inline]
    pub const fn stricter(self, other: Consent) -> Consent {
        match (self, other) {
            (Consent::ShareCrew, Consent::ShareCrew) => Consent::ShareCrew,
            _ => Consent::Anonymous,
        }
    }

    /// Whether a key classified under `tier` may be sent under this consent.
    #[inline]
    pub const fn allows(self, tier: Tier) -> bool {
        match tier {
            Tier::Always => true,
            Tier::ShareCrew => matches!(self, Consent::ShareCrew),
        }
    }
}

/// The class of an emitted key: when it may leave the process.
///
/// `never` is not a tier: a field classified `never` emits no key at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Sent under every consent: anonymous usage data.
    Always,
    /// Sent only from crews that opted in with `share_crew`.
    ShareCrew,
}

impl Tier {
    /// The stricter of two tiers: a `share_crew` key nested in an `always`
    /// field is still `share_crew`, and anything nested in a `share_crew` field
    /// is `share_crew`.
    #[inline]
    pub const fn stricter(self, other: Tier) -> Tier {
        match (self, other) {
            (Tier::Always, Tier::Always) => Tier::Always,
            _ => Tier::ShareCrew,
        }
    }

    /// The attribute spelling of the tier: `always` or `share_crew`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Tier::Always => "always",
            Tier::ShareCrew => "share_crew",
        }
    }
}

/// What a `#[telemetry(consent)]` field can be: something that carries a
/// consent. A `bool` is the crew's own opt-in switch (`true`: share); a
/// [`Consent`] is one as it is; a `Telemetry` value (`&Crew`, a flattened
/// view) carries its own, so that a task's events take their crew's.
#[diagnostic::on_unimplemented(
    message = "the `consent` field must carry a consent, and `{Self}` does not",
    label = "`#[telemetry(consent)]` needs a `bool`, a `Consent` or a `Telemetry` value",
    note = "a `bool` is the crew's opt-in (`true` means `share_crew`); a `Consent` is one as it is; a struct deriving `Telemetry` (or a reference to one, such as the crew a task runs in) carries its own"
)]
pub trait ConsentFlag {
    /// The consent the field stands for.
    fn consent(&self) -> Consent;
}

impl ConsentFlag for bool {
    #[inline]
    fn consent(&self) -> Consent {
        Consent::from_share_crew(*self)
    }
}

impl ConsentFlag for Consent {
    #[inline]
    fn consent(&self) -> Consent {
        *self
    }
}
