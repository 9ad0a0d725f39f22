//! Environment data: what the resource of every export says about where it
//! runs. Detected once per process, from an allow-list of coarse data:
//! versions, OS family and major release, CPU architecture. Never a host name, user name, path, process id,
//! command line, machine or install id, or network address.

use std::sync::OnceLock;

#[cfg(feature = "reporter")]
use opentelemetry::KeyValue;
use opentelemetry::Value;

/// The version of the rustc that built crewtel (and so its host), captured
/// at build time: reading it probes nothing.
pub const RUSTC_VERSION: &str = env!("CREWTEL_RUSTC_VERSION");

/// One key the resource of an export can carry: its name, why it is there,
/// and where its value comes from. [`RESOURCE_KEYS`] is the one list of them:
/// the resource, the catalogue document and the tests read it.
#[derive(Debug, serde::Serialize)]
pub struct ResourceKey {
    /// The attribute key (a semantic-convention name).
    pub key: &'static str,
    /// Why it is sent: what the catalogue document says of it.
    pub purpose: &'static str,
    #[cfg_attr(
        not(feature = "reporter"),
        allow(dead_code, reason = "the reporter reads it")
    )]
    #[serde(skip)]
    value: fn(&Environment, &Service<'_>) -> Option<Value>,
}

/// The host's name and version, as the builder was given them.
pub(crate) struct Service<'a> {
    pub(crate) name: &'a str,
    pub(crate) version: Option<&'a str>,
}

/// Every key the resource of an export can carry, in the order it is sent.
/// Only coarse data: what any anonymous event may say (the CPU count as its
/// band). Exact platform data (the kernel release, the CPU count) is a
/// host's to send under `share_crew`.
pub const RESOURCE_KEYS: &[ResourceKey] = &[
    ResourceKey {
        key: "service.name",
        purpose: "The host framework's name, as the framework sets it (never the application's `OTEL_SERVICE_NAME`).",
        value: |_, service| Some(service.name.to_owned().into()),
    },
    ResourceKey {
        key: "service.version",
        purpose: "The host framework's version.",
        value: |_, service| service.version.map(|v| v.to_owned().into()),
    },
    ResourceKey {
        key: "telemetry.distro.name",
        purpose: "`crewtel`: what sends the telemetry.",
        value: |_, _| Some("crewtel".into()),
    },
    ResourceKey {
        key: "telemetry.distro.version",
        purpose: "crewtel's version.",
        value: |_, _| Some(env!("CARGO_PKG_VERSION").into()),
    },
    ResourceKey {
        key: "telemetry.sdk.name",
        purpose: "`opentelemetry`: the SDK beneath crewtel.",
        value: |_, _| Some("opentelemetry".into()),
    },
    ResourceKey {
        key: "telemetry.sdk.language",
        purpose: "`rust`.",
        value: |_, _| Some("rust".into()),
    },
    ResourceKey {
        key: "process.runtime.name",
        purpose: "`rustc`: the compiler the host was built with.",
        value: |_, _| Some("rustc".into()),
    },
    ResourceKey {
        key: "process.runtime.version",
        purpose: "That compiler's version.",
        value: |env, _| Some(env.rustc_version.into()),
    },
    ResourceKey {
        key: "os.type",
        purpose: "The OS family (`linux`, `darwin`, `windows` ...).",
        value: |env, _| Some(env.os_type.into()),
    },
    ResourceKey {
        key: "host.arch",
        purpose: "The CPU architecture (`amd64`, `arm64` ...).",
        value: |env, _| Some(env.host_arch.into()),
    },
    ResourceKey {
        key: "crewtel.cpu_band",
        purpose: "The number of logical CPUs as a coarse band (`1-2`, `3-4`, `5-8` ... `33+`), so that it is no fingerprint; the exact count is a host's to send under `share_crew`.",
        value: |env, _| Some(crate::context::cpu_band(env.logical_cpus).into()),
    },
    ResourceKey {
        key: "os.version",
        purpose: "The OS's major release (`12`, `14`, `11`), when the OS has one.",
        value: |env, _| {
            env.os_version
                .as_deref()
                .and_then(major)
                .map(|v| v.to_owned().into())
        },
    },
];

/// `14` of `14.2.1`, `11` of `11 (22631)`: the release without what would
/// tell one machine's patch level from another's.
fn major(version: &str) -> Option<&str> {
    let digits = version.trim().split(|c: char| !c.is_ascii_digit()).next()?;
    (!digits.is_empty()).then_some(digits)
}

/// What crewtel reports about the machine and toolchain it runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Environment {
    /// `os.type`: `linux`, `darwin`, `windows`, `freebsd` ...
    pub os_type: &'static str,
    /// The OS release (`12`, `14.2.1`); only its major part is on the
    /// resource (`os.version`). `None` where unknown, and always without the
    /// `reporter` feature (the facade probes nothing of the OS).
    pub os_version: Option<String>,
    /// `host.arch`: `amd64`, `arm64` ...
    pub host_arch: &'static str,
    /// The kernel's release (`6.1.0-18-amd64`): not on the resource; a host
    /// may send it under `share_crew`, as the reference's `platform_release`.
    /// `None` without the `reporter` feature.
    pub kernel_version: Option<String>,
    /// `process.runtime.version`: the rustc that built the host.
    pub rustc_version: &'static str,
    /// The number of logical CPUs: not on the resource, which carries only
    /// its band (`crewtel.cpu_band`, [`cpu_band`](crate::cpu_band)).
    pub logical_cpus: Option<usize>,
}

static DETECTED: OnceLock<Environment> = OnceLock::new();

impl Environment {
    /// The environment of this process, detected on first use only.
    pub fn get() -> &'static Environment {
        DETECTED.get_or_init(Environment::detect)
    }

    /// Whether this process has probed its environment yet (a reporter that
    /// is off never does).
    pub fn detected() -> bool {
        DETECTED.get().is_some()
    }

    fn detect() -> Environment {
        let (os_version, kernel_version) = os_releases();
        let logical_cpus = std::thread::available_parallelism().ok().map(usize::from);
        Environment {
            os_type: os_type(std::env::consts::OS),
            os_version,
            host_arch: host_arch(std::env::consts::ARCH),
            kernel_version,
            rustc_version: RUSTC_VERSION,
            logical_cpus,
        }
    }

    /// The resource attributes, with the host's service name and version.
    #[cfg(feature = "reporter")]
    pub(crate) fn resource(
        &self,
        service_name: &str,
        service_version: Option<&str>,
    ) -> Vec<KeyValue> {
        let service = Service {
            name: service_name,
            version: service_version,
        };
        RESOURCE_KEYS
            .iter()
            .filter_map(|key| Some(KeyValue::new(key.key, (key.value)(self, &service)?)))
            .collect()
    }
}

/// The OS release and the kernel release, probed by `sysinfo` (the reporter
/// only: the facade probes nothing of the OS, and reads them as unknown).
#[cfg(feature = "reporter")]
fn os_releases() -> (Option<String>, Option<String>) {
    let known = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    (
        known(sysinfo::System::os_version().ok()),
        known(sysinfo::System::kernel_version().ok()),
    )
}

#[cfg(not(feature = "reporter"))]
fn os_releases() -> (Option<String>, Option<String>) {
    (None, None)
}

/// `std::env::consts::OS` in semantic-convention spelling.
fn os_type(os: &'static str) -> &'static str {
    match os {
        "macos" | "ios" => "darwin",
        "dragonfly" => "dragonflybsd",
        "illumos" => "solaris",
        other => other,
    }
}

/// `std::env::consts::ARCH` in semantic-convention spelling.
fn host_arch(arch: &'static str) -> &'static str {
    match arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "arm" => "arm32",
        "powerpc" => "ppc32",
        "powerpc64" => "ppc64",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_semantic_conventions() {
        assert_eq!(os_type("macos"), "darwin");
        assert_eq!(os_type("linux"), "linux");
        assert_eq!(os_type("windows"), "windows");
        assert_eq!(host_arch("x86_64"), "amd64");
        assert_eq!(host_arch("aarch64"), "arm64");
    }

    #[test]
    fn only_the_major_release_is_kept() {
        assert_eq!(major("14.2.1"), Some("14"));
        assert_eq!(major("12"), Some("12"));
        assert_eq!(major("11 (22631)"), Some("11"));
        assert_eq!(major("rolling"), None);
        assert_eq!(major(""), None);
    }

    #[test]
    #[cfg(feature = "reporter")]
    fn every_listed_key_has_a_value_here_and_nothing_else_is_sent() {
        let resource = Environment::get().resource("host", Some("1.0"));
        let sent: Vec<&str> = resource.iter().map(|kv| kv.key.as_str()).collect();
        let listed: Vec<&str> = RESOURCE_KEYS.iter().map(|k| k.key).collect();
        let optional = ["os.version"];
        assert!(sent.iter().all(|key| listed.contains(key)), "{sent:?}");
        assert!(
            listed
                .iter()
                .all(|key| sent.contains(key) || optional.contains(key)),
            "{sent:?}"
        );
    }

    #[test]
    fn detection_finds_this_machine() {
        let env = Environment::get();
        assert_eq!(env.os_type, os_type(std::env::consts::OS));
        assert!(env.logical_cpus.is_some_and(|n| n >= 1));
        assert!(env.rustc_version.starts_with("1."), "{}", env.rustc_version);
        assert!(std::ptr::eq(env, Environment::get()), "detected once");
    }
}
