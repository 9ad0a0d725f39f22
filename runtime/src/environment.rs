//! Environment data: what the resource of every export says about where it
//! runs. Detected once per process, from an allow-list: versions, OS, CPU
//! architecture and count. Never a host name, user name, path, process id,
//! command line, machine or install id, or network address.

use std::sync::OnceLock;

use opentelemetry::KeyValue;

/// The version of the rustc that built crewtel (and so its host), captured
/// at build time: reading it probes nothing.
pub const RUSTC_VERSION: &str = env!("CREWTEL_RUSTC_VERSION");

/// The resource key of the logical CPU count (no semantic convention exists).
pub const CPU_COUNT_KEY: &str = "crewtel.host.cpu.logical_count";

/// Every key the resource of an export can carry, with why: what the
/// catalogue document lists before the events.
pub const RESOURCE_KEYS: &[(&str, &str)] = &[
    (
        "service.name",
        "The host framework's name (`OTEL_SERVICE_NAME` overrides it).",
    ),
    ("service.version", "The host framework's version."),
    (
        "telemetry.distro.name",
        "`crewtel`: what sends the telemetry.",
    ),
    ("telemetry.distro.version", "crewtel's version."),
    (
        "telemetry.sdk.name",
        "`opentelemetry`: the SDK beneath crewtel.",
    ),
    ("telemetry.sdk.language", "`rust`."),
    (
        "process.runtime.name",
        "`rustc`: the compiler the host was built with.",
    ),
    ("process.runtime.version", "That compiler's version."),
    (
        "os.type",
        "The OS family (`linux`, `darwin`, `windows` ...).",
    ),
    ("host.arch", "The CPU architecture (`amd64`, `arm64` ...)."),
    (
        "os.version",
        "The OS release (`12`, `14.2.1`), else the kernel version.",
    ),
    (
        CPU_COUNT_KEY,
        "The number of logical CPUs available to the process.",
    ),
];

/// What crewtel reports about the machine and toolchain it runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Environment {
    /// `os.type`: `linux`, `darwin`, `windows`, `freebsd` ...
    pub os_type: &'static str,
    /// `os.version`: the OS release (`12`, `14.2.1`), else the kernel version.
    pub os_version: Option<String>,
    /// `host.arch`: `amd64`, `arm64` ...
    pub host_arch: &'static str,
    /// The kernel's release (`6.1.0-18-amd64`): not on the resource; a host
    /// may send it under `share_crew`, as the reference's `platform_release`.
    pub kernel_version: Option<String>,
    /// `process.runtime.version`: the rustc that built the host.
    pub rustc_version: &'static str,
    /// The number of logical CPUs.
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
        let os_version = sysinfo::System::os_version()
            .or_else(|_| sysinfo::System::kernel_version())
            .ok()
            .filter(|v| !v.trim().is_empty());
        let kernel_version = sysinfo::System::kernel_version()
            .ok()
            .filter(|v| !v.trim().is_empty());
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
    pub(crate) fn resource(
        &self,
        service_name: &str,
        service_version: Option<&str>,
    ) -> Vec<KeyValue> {
        let mut resource = vec![KeyValue::new("service.name", service_name.to_owned())];
        if let Some(version) = service_version {
            resource.push(KeyValue::new("service.version", version.to_owned()));
        }
        resource.extend([
            KeyValue::new("telemetry.distro.name", "crewtel"),
            KeyValue::new("telemetry.distro.version", env!("CARGO_PKG_VERSION")),
            KeyValue::new("telemetry.sdk.name", "opentelemetry"),
            KeyValue::new("telemetry.sdk.language", "rust"),
            KeyValue::new("process.runtime.name", "rustc"),
            KeyValue::new("process.runtime.version", self.rustc_version),
            KeyValue::new("os.type", self.os_type),
            KeyValue::new("host.arch", self.host_arch),
        ]);
        if let Some(version) = &self.os_version {
            resource.push(KeyValue::new("os.version", version.clone()));
        }
        if let Some(cpus) = self.logical_cpus {
            resource.push(KeyValue::new(CPU_COUNT_KEY, cpus as i64));
        }
        resource
    }
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
    fn detection_finds_this_machine() {
        let env = Environment::get();
        assert_eq!(env.os_type, os_type(std::env::consts::OS));
        assert!(env.logical_cpus.is_some_and(|n| n >= 1));
        assert!(env.rustc_version.starts_with("1."), "{}", env.rustc_version);
        assert!(std::ptr::eq(env, Environment::get()), "detected once");
    }
}
