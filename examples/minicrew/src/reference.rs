//! Where minicrew's telemetry differs from the reference's (CrewAI 1.15.30,
//! as `shared/reference/crewai-telemetry.md` records it), key by key, and
//! why: one table, which the parity test applies and `docs/TELEMETRY.md`
//! shows. Every other key of every span is the reference's, with its type.

use std::fmt::Write;

/// What an attribute's value is on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wire {
    /// A string (JSON-encoded lists and objects included).
    Text,
    /// An integer.
    Int,
    /// A floating-point number.
    Float,
    /// A boolean.
    Bool,
    /// An array of strings.
    TextList,
}

/// How minicrew sends a key differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The reference sends it as the named key.
    Renamed(&'static str),
    /// The same key, as this type.
    Typed(Wire),
    /// The reference sends it under every consent; minicrew only from crews
    /// (or flows) that share.
    SharedOnly,
    /// Only from those that share, as this type; anonymously the key named
    /// is sent instead (a count).
    SharedOnlyCounted(Wire, &'static str),
    /// A key the reference does not send, of this type.
    Added(Wire),
    /// What the value holds inside (a JSON entry's nested value).
    Inside,
}

/// One difference.
#[derive(Clone, Copy, Debug)]
pub struct Difference {
    /// The spans it applies to.
    pub spans: &'static [&'static str],
    /// minicrew's key.
    pub key: &'static str,
    /// What changes.
    pub change: Change,
    /// What the reference sends.
    pub reference: &'static str,
    /// What minicrew sends.
    pub minicrew: &'static str,
    /// Why.
    pub why: &'static str,
}

const TEXT_BOOLS: &str = "values must arrive exactly as sent; the reference sends \"true\"/\"false\" strings because its ingestion lost every `false`";

/// Every difference, in the order of the reference's table.
pub const DIFFERENCES: &[Difference] = &[
    Difference {
        spans: &["every span"],
        key: "minicrew_version",
        change: Change::Renamed("crewai_version"),
        reference: "`crewai_version`: on every span of 1.15.30, though the published page found 9 of 24 span kinds without it",
        minicrew: "`minicrew_version`, on every span (`every_event`)",
        why: "minicrew's own version; a span without it cannot be read against a release",
    },
    Difference {
        spans: &["Crew Created"],
        key: "rust_version",
        change: Change::Renamed("python_version"),
        reference: "`python_version`",
        minicrew: "`rust_version`, the compiler minicrew was built with",
        why: "minicrew is Rust",
    },
    Difference {
        spans: &["Crew Created"],
        key: "crew_memory",
        change: Change::Typed(Wire::Bool),
        reference: "`\"true\"`/`\"false\"`",
        minicrew: "a boolean",
        why: TEXT_BOOLS,
    },
    Difference {
        spans: &["Crew Created"],
        key: "crew_inputs_present",
        change: Change::Typed(Wire::Bool),
        reference: "`\"true\"`/`\"false\"`",
        minicrew: "a boolean",
        why: TEXT_BOOLS,
    },
    Difference {
        spans: &["Crew Created"],
        key: "crew_fingerprint_metadata",
        change: Change::SharedOnly,
        reference: "under every consent, when set",
        minicrew: "only from crews that share, when set",
        why: "it is a dict the user wrote: content, not usage",
    },
    Difference {
        spans: &["Task Created"],
        key: "task_fingerprint_metadata",
        change: Change::SharedOnly,
        reference: "under every consent, when set",
        minicrew: "only from crews that share, when set",
        why: "it is a dict the user wrote: content, not usage",
    },
    Difference {
        spans: &["Crew Created"],
        key: "crew_agents",
        change: Change::Inside,
        reference: "`llm` and `function_calling_llm` of each entry: the model string",
        minicrew: "the model's settings, each classified: `model`, `model_name`, `provider`, `top_k`, `temperature`; `name` only when shared",
        why: "the published page lists these LLM attributes; `base_url` can name a private host, so it goes only as its provider, a closed value",
    },
    Difference {
        spans: &["Crew Individual Test Result"],
        key: "quality",
        change: Change::Typed(Wire::Float),
        reference: "a string of a float",
        minicrew: "a float",
        why: "values arrive with their type",
    },
    Difference {
        spans: &["Crew Individual Test Result"],
        key: "exec_time",
        change: Change::Typed(Wire::Float),
        reference: "a string of an integer",
        minicrew: "a float, in milliseconds",
        why: "values arrive with their type and unit",
    },
    Difference {
        spans: &["Crew Test Execution"],
        key: "iterations",
        change: Change::Typed(Wire::Int),
        reference: "a string of an integer",
        minicrew: "an integer",
        why: "values arrive with their type",
    },
    Difference {
        spans: &["Flow Plotting", "Flow Execution"],
        key: "node_names",
        change: Change::SharedOnlyCounted(Wire::TextList, "node_count"),
        reference: "the flow's method names, a JSON list, under every consent",
        minicrew: "an array of the names only from flows that share; anonymously `node_count`, how many",
        why: "method names are text the flow's author wrote, and the reference's own documentation says they are never sent",
    },
    Difference {
        spans: &["Flow Execution"],
        key: "resumed",
        change: Change::Typed(Wire::Bool),
        reference: "`\"true\"`/`\"false\"`",
        minicrew: "a boolean",
        why: TEXT_BOOLS,
    },
    Difference {
        spans: &["Flow Execution", "Flow Completed"],
        key: "conversational",
        change: Change::Typed(Wire::Bool),
        reference: "`\"true\"`/`\"false\"`",
        minicrew: "a boolean",
        why: TEXT_BOOLS,
    },
    Difference {
        spans: &["Feature Usage: coding_agent"],
        key: "agent",
        change: Change::Added(Wire::Text),
        reference: "`feature`: `coding_agent:<name>`",
        minicrew: "`feature`: `coding_agent`, and the name as `agent`",
        why: "the feature's values stay a closed set a reader can list (one variant, not one per agent); the name is a closed value either way",
    },
];

impl Difference {
    /// Whether it applies to `span` (a Feature Usage span is named with its
    /// feature: `Feature Usage: coding_agent`).
    pub fn applies_to(&self, span: &str) -> bool {
        self.spans.contains(&span) || self.spans.contains(&"every span")
    }
}

/// The differences as a Markdown section.
pub fn markdown() -> String {
    let mut out = String::from(
        "\n## Where minicrew differs from the reference\n\n\
         Every other key of every span is CrewAI 1.15.30's, under the same consent and with the same \
         type. Besides these keys: a run is one trace (a crew's run under Crew Completed, a flow's run \
         under Flow Execution, a test under Crew Test Execution), where the reference sends each span \
         as a trace of its own; and text a person wrote that is sent anonymously (roles, tool, flow, \
         template and model names, chosen outcomes) is marked free text above.\n\n\
         | span | key | the reference | minicrew | why |\n|---|---|---|---|---|\n",
    );
    for difference in DIFFERENCES {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} |",
            difference.spans.join(", "),
            difference.key,
            difference.reference,
            difference.minicrew,
            difference.why
        );
    }
    out
}
