//! Environment data: what the resource of every export says about where it
//! runs. Detected once per process, from an allow-list of coarse data:
//! versions, OS family and major release, CPU architecture. Never a host name, user name, path, process id,
//! command line, machine or install id, or network address.

use std::sync::OnceLock;

use crewtel::attribute::{KeyValue, Value};
use crewtel::{catalogue::RESOURCE_KEYS, context::RUSTC_VERSION};

/// The host's name and version, as the builder was given them.
pub(crate) struct Service<'a> {
    pub(crate) name: &'a str,
    pub(crate) version: Option<&'a str>,
}

/// `14` of `14.2.1`, `11` of `11 (22631)`: the release without what would
/// tell one machine's patch level from another's.
fn major(version: &str) -> Option<&str> {
    let digits = version.trim().split(|c: char| !c.is_ascii_digit()).next()?;
    (!digits.is_empty()).then_some(digits)
}

/// What crewtel reports about the machine and toolchain it runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Environment {
    /// `os.type`: `linux`, `darwin`, `windows`, `freebsd` ...
    pub os_type: &'static str,
    /// The OS release (`12`, `14.2.1`); only its major part is on the
    /// resource (`os.version`). `None` where unknown.
    pub os_version: Option<String>,
    /// `host.arch`: `amd64`, `arm64` ...
    pub host_arch: &'static str,
    /// The kernel's release (`6.1.0-18-amd64`): not on the resource; a host
    /// may send it under `share_crew`, as the reference's `platform_release`.
    pub kernel_version: Option<String>,
    /// `process.runtime.version`: the rustc that built the host.
    pub rustc_version: &'static str,
    /// The number of logical CPUs: not on the resource, which carries only
    /// its band (`crewtel.cpu_band`, [`cpu_band`](crewtel::context::cpu_band)).
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

    /// The value of the resource's `key` here, if it has one. The keys and
    /// their purposes are crewtel's [`RESOURCE_KEYS`]; a key this reporter
    /// does not know is left out (a test holds the two together).
    fn value(&self, key: &str, service: &Service<'_>) -> Option<Value> {
        Some(match key {
            "service.name" => service.name.to_owned().into(),
            "service.version" => service.version?.to_owned().into(),
            "telemetry.sdk.name" => "crewtel".into(),
            "telemetry.sdk.version" => env!("CARGO_PKG_VERSION").into(),
            "telemetry.sdk.language" => "rust".into(),
            "process.runtime.name" => "rustc".into(),
            "process.runtime.version" => self.rustc_version.into(),
            "os.type" => self.os_type.into(),
            "host.arch" => self.host_arch.into(),
            "crewtel.cpu_band" => crewtel::context::cpu_band(self.logical_cpus).into(),
            "os.version" => major(self.os_version.as_deref()?)?.to_owned().into(),
            _ => return None,
        })
    }

    /// The resource attributes, with the host's service name and version.
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
            .filter_map(|key| Some(KeyValue::new(key.key, self.value(key.key, &service)?)))
            .collect()
    }
}

/// The OS release and the kernel release, probed by `sysinfo`.
fn os_releases() -> (Option<String>, Option<String>) {
    let known = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    (
        known(sysinfo::System::os_version().ok()),
        known(sysinfo::System::kernel_version().ok()),
    )
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
