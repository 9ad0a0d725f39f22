//! The resource: what every export says about where it runs, besides the
//! events. Listed here, with the purpose of each key, so that the catalogue
//! documents it (and its fingerprint changes with it); the reporter fills in
//! the values, from an allow-list of coarse data only: versions, OS family and
//! major release, CPU architecture and band. Never a host name, user name,
//! path, process id, command line, machine or install id, or network
//! address.

/// One key the resource of an export can carry: its name and why it is
/// there. [`RESOURCE_KEYS`] is the one list of them: the reporter's resource,
/// the catalogue document and the tests read it.
#[derive(Debug, serde::Serialize)]
#[non_exhaustive]
pub struct ResourceKey {
    /// The attribute key (a semantic-convention name).
    pub key: &'static str,
    /// Why it is sent: what the catalogue document says of it.
    pub purpose: &'static str,
}

/// Every key the resource of an export can carry, in the order it is sent.
/// Only coarse data: what any anonymous event may say (the CPU count as its
/// band). Exact platform data (the kernel release, the CPU count) is a host's
/// to send under `share_crew`.
pub const RESOURCE_KEYS: &[ResourceKey] = &[
    ResourceKey {
        key: "service.name",
        purpose: "The host framework's name, as the framework sets it (never the application's `OTEL_SERVICE_NAME`).",
    },
    ResourceKey {
        key: "service.version",
        purpose: "The host framework's version.",
    },
    ResourceKey {
        key: "telemetry.sdk.name",
        purpose: "`crewtel`: the SDK that sends the telemetry (its own, not OpenTelemetry's, whose name `opentelemetry` is reserved to it).",
    },
    ResourceKey {
        key: "telemetry.sdk.version",
        purpose: "The version of crewtel's reporter.",
    },
    ResourceKey {
        key: "telemetry.sdk.language",
        purpose: "`rust`.",
    },
    ResourceKey {
        key: "process.runtime.name",
        purpose: "`rustc`: the compiler the host was built with.",
    },
    ResourceKey {
        key: "process.runtime.version",
        purpose: "That compiler's version.",
    },
    ResourceKey {
        key: "os.type",
        purpose: "The OS family (`linux`, `darwin`, `windows` ...).",
    },
    ResourceKey {
        key: "host.arch",
        purpose: "The CPU architecture (`amd64`, `arm64` ...).",
    },
    ResourceKey {
        key: "crewtel.cpu_band",
        purpose: "The number of logical CPUs as a coarse band (`1-2`, `3-4`, `5-8` ... `33+`), so that it is no fingerprint; the exact count is a host's to send under `share_crew`.",
    },
    ResourceKey {
        key: "os.version",
        purpose: "The OS's major release (`12`, `14`, `11`), when the OS has one.",
    },
];
