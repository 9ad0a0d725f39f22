//! Facts about the process rather than one event: the [`ProcessContext`] a
//! program sends on every span (CrewAI's `coding_agent`, `runtime_context`,
//! `cpu_band` and `project_id`), the CPU count's band, and the compiler that
//! built the host.
//!
//! Only variable *names* are tested, and two values compared with a fixed
//! string (`TERM_PROGRAM=vscode`, `TERMINAL_EMULATOR=JetBrains-JediTerm`);
//! no value is ever read into an attribute.

use std::io::IsTerminal;

use crate::Telemetry;

/// The version of the rustc that built crewtel (and so its host), captured
/// at build time: reading it probes nothing.
pub const RUSTC_VERSION: &str = env!("CREWTEL_RUSTC_VERSION");

/// Where and under what the process runs, as coarse categories.
///
/// ```
/// use crewtel::ProcessContext;
///
/// let context = ProcessContext::detect("demo-project");
/// assert_eq!(context.project_id, "demo-project");
/// assert!(["1-2", "3-4", "5-8", "9-16", "17-32", "33+", "unknown"].contains(&context.cpu_band));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Telemetry)]
#[telemetry(event = "Every Event")]
pub struct ProcessContext {
    /// The coding assistant the process runs under, from the session variable
    /// it sets (`claude_code`, `codex`, `cline`, `gemini_cli`, `cursor`),
    /// `other` when only `AI_AGENT` is set, else `unknown`.
    #[telemetry(always)]
    pub coding_agent: &'static str,
    /// How the process runs: `ci`, `serverless`, `paas`, `hosted_ide`,
    /// `notebook`, `container`, `vscode_terminal`, `jetbrains_terminal`,
    /// `interactive` or `non_interactive`.
    #[telemetry(always)]
    pub runtime_context: &'static str,
    /// The logical CPU count as a coarse band (`1-2` ... `33+`), so that it
    /// is no fingerprint.
    #[telemetry(always)]
    pub cpu_band: &'static str,
    /// The id the host project declares in its own configuration; empty when
    /// none. Never minted by crewtel. Text the project's author wrote, sent
    /// anonymously as the reference sends it.
    #[telemetry(always, free_text)]
    pub project_id: String,
}

/// Variables any of which says the process runs in CI, where nobody reads
/// stderr (so no first-run notice can be seen).
pub const CI_VARIABLES: &[&str] = &[
    "APPVEYOR",
    "BITBUCKET_BUILD_NUMBER",
    "BUILDKITE",
    "CI",
    "CIRCLECI",
    "DRONE",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "JENKINS_URL",
    "TEAMCITY_VERSION",
    "TF_BUILD",
    "TRAVIS",
];

/// Environment variables whose presence says where the process runs, in
/// order: the first match wins.
const RUNTIME_CONTEXTS: &[(&str, &[&str])] = &[
    ("ci", CI_VARIABLES),
    (
        "serverless",
        &[
            "AWS_LAMBDA_FUNCTION_NAME",
            "FUNCTIONS_EXTENSION_VERSION",
            "FUNCTIONS_WORKER_RUNTIME",
            "FUNCTION_TARGET",
            "K_SERVICE",
            "VERCEL",
        ],
    ),
    ("paas", &["DYNO", "WEBSITE_INSTANCE_ID"]),
    (
        "hosted_ide",
        &["CODESPACES", "GITPOD_WORKSPACE_ID", "REPL_ID"],
    ),
    ("notebook", &["COLAB_RELEASE_TAG", "JPY_PARENT_PID"]),
    ("container", &["KUBERNETES_SERVICE_HOST"]),
];

const CODING_AGENTS: &[(&str, &str)] = &[
    ("CLAUDECODE", "claude_code"),
    ("CODEX_SANDBOX", "codex"),
    ("CLINE_ACTIVE", "cline"),
    ("GEMINI_CLI", "gemini_cli"),
    ("CURSOR_AGENT", "cursor"),
];

/// What detection may look at: which variables are set, whether one equals
/// a fixed string, whether `/.dockerenv` exists, whether stdout is a terminal.
pub(crate) struct Probe<'a> {
    pub is_set: &'a dyn Fn(&str) -> bool,
    pub equals: &'a dyn Fn(&str, &str) -> bool,
    pub dockerenv: bool,
    pub stdout_terminal: bool,
    pub cpus: Option<usize>,
}

impl ProcessContext {
    /// Detects the context of this process; `project_id` is the host's own
    /// project id (empty when it has none).
    pub fn detect(project_id: impl Into<String>) -> ProcessContext {
        let is_set = |name: &str| std::env::var_os(name).is_some();
        let equals =
            |name: &str, expected: &str| std::env::var_os(name).is_some_and(|v| v == expected);
        ProcessContext::detect_with(
            &Probe {
                is_set: &is_set,
                equals: &equals,
                dockerenv: std::path::Path::new("/.dockerenv").exists(),
                stdout_terminal: std::io::stdout().is_terminal(),
                cpus: std::thread::available_parallelism().ok().map(usize::from),
            },
            project_id.into(),
        )
    }

    pub(crate) fn detect_with(probe: &Probe<'_>, project_id: String) -> ProcessContext {
        ProcessContext {
            coding_agent: coding_agent(probe),
            runtime_context: runtime_context(probe),
            cpu_band: cpu_band(probe.cpus),
            project_id,
        }
    }
}

fn coding_agent(probe: &Probe<'_>) -> &'static str {
    CODING_AGENTS
        .iter()
        .find(|(variable, _)| (probe.is_set)(variable))
        .map(|(_, agent)| *agent)
        .unwrap_or(if (probe.is_set)("AI_AGENT") {
            "other"
        } else {
            "unknown"
        })
}

fn runtime_context(probe: &Probe<'_>) -> &'static str {
    if let Some((context, _)) = RUNTIME_CONTEXTS
        .iter()
        .find(|(_, variables)| variables.iter().any(|v| (probe.is_set)(v)))
    {
        return context;
    }
    if (probe.equals)("TERM_PROGRAM", "vscode") {
        "vscode_terminal"
    } else if (probe.equals)("TERMINAL_EMULATOR", "JetBrains-JediTerm") {
        "jetbrains_terminal"
    } else if probe.dockerenv {
        "container"
    } else if probe.stdout_terminal {
        "interactive"
    } else {
        "non_interactive"
    }
}

/// The band a CPU count falls in.
pub fn cpu_band(cpus: Option<usize>) -> &'static str {
    match cpus {
        Some(1..=2) => "1-2",
        Some(3..=4) => "3-4",
        Some(5..=8) => "5-8",
        Some(9..=16) => "9-16",
        Some(17..=32) => "17-32",
        Some(33..) => "33+",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn detect(vars: &[(&str, &str)], dockerenv: bool, terminal: bool) -> ProcessContext {
        let env: HashMap<&str, &str> = vars.iter().copied().collect();
        let is_set = |name: &str| env.contains_key(name);
        let equals = |name: &str, expected: &str| env.get(name) == Some(&expected);
        let probe = Probe {
            is_set: &is_set,
            equals: &equals,
            dockerenv,
            stdout_terminal: terminal,
            cpus: Some(4),
        };
        ProcessContext::detect_with(&probe, String::new())
    }

    #[test]
    fn the_first_matching_context_wins() {
        assert_eq!(
            detect(&[("GITHUB_ACTIONS", "")], true, true).runtime_context,
            "ci"
        );
        assert_eq!(
            detect(&[("K_SERVICE", "x"), ("DYNO", "y")], false, false).runtime_context,
            "serverless"
        );
        assert_eq!(
            detect(&[("DYNO", "y")], false, false).runtime_context,
            "paas"
        );
        assert_eq!(
            detect(&[("CODESPACES", "true")], false, false).runtime_context,
            "hosted_ide"
        );
        assert_eq!(
            detect(&[("JPY_PARENT_PID", "1")], false, false).runtime_context,
            "notebook"
        );
        assert_eq!(
            detect(&[("KUBERNETES_SERVICE_HOST", "10.0.0.1")], false, false).runtime_context,
            "container"
        );
        assert_eq!(
            detect(&[("TERM_PROGRAM", "vscode")], true, true).runtime_context,
            "vscode_terminal"
        );
        assert_eq!(
            detect(&[("TERM_PROGRAM", "iTerm")], false, true).runtime_context,
            "interactive"
        );
        assert_eq!(
            detect(&[("TERMINAL_EMULATOR", "JetBrains-JediTerm")], false, false).runtime_context,
            "jetbrains_terminal"
        );
        assert_eq!(detect(&[], true, true).runtime_context, "container");
        assert_eq!(detect(&[], false, false).runtime_context, "non_interactive");
    }

    #[test]
    fn coding_agents_by_their_session_variable() {
        assert_eq!(
            detect(&[("CLAUDECODE", "1")], false, false).coding_agent,
            "claude_code"
        );
        assert_eq!(
            detect(&[("CURSOR_AGENT", "1"), ("AI_AGENT", "x")], false, false).coding_agent,
            "cursor"
        );
        assert_eq!(
            detect(&[("AI_AGENT", "anything")], false, false).coding_agent,
            "other"
        );
        assert_eq!(detect(&[], false, false).coding_agent, "unknown");
    }

    #[test]
    fn values_never_become_attributes() {
        let context = detect(
            &[
                ("CI", "secret-build-token"),
                ("AI_AGENT", "my-private-agent"),
            ],
            false,
            false,
        );
        let json = serde_json::to_string(&context.telemetry_event()).unwrap();
        assert!(
            !json.contains("secret-build-token") && !json.contains("my-private-agent"),
            "{json}"
        );
    }

    #[test]
    fn cpu_bands() {
        assert_eq!(cpu_band(Some(1)), "1-2");
        assert_eq!(cpu_band(Some(2)), "1-2");
        assert_eq!(cpu_band(Some(3)), "3-4");
        assert_eq!(cpu_band(Some(8)), "5-8");
        assert_eq!(cpu_band(Some(16)), "9-16");
        assert_eq!(cpu_band(Some(32)), "17-32");
        assert_eq!(cpu_band(Some(33)), "33+");
        assert_eq!(cpu_band(Some(0)), "unknown");
        assert_eq!(cpu_band(None), "unknown");
    }
}
