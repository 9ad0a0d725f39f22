//! Generated code assumes nothing at the call site: no imports, and local
//! items named like the std and crewtel items it uses do not change its
//! meaning. It trips no lint, `missing_docs` and `unreachable_pub` included.
#![deny(warnings, missing_docs, unreachable_pub)]
#![no_implicit_prelude]

#[allow(dead_code)]
struct Option;
#[allow(dead_code)]
struct Some;
#[allow(dead_code)]
struct Result;
#[allow(dead_code)]
struct Vec;
#[allow(dead_code)]
trait Visitor {}
#[allow(dead_code)]
mod __private {}

#[derive(::crewtel::TelemetryValue)]
enum Process {
    Sequential,
}

#[derive(::crewtel::Telemetry)]
struct Agent {
    #[telemetry(always, free_text)]
    role: ::std::string::String,
    #[telemetry(always)]
    process: Process,
    #[telemetry(always, free_text, len(always))]
    tools: ::std::vec::Vec<::std::string::String>,
    #[telemetry(consent)]
    share_crew: bool,
}

#[derive(::crewtel::Telemetry)]
struct Crew {
    #[telemetry(always)]
    agents: ::std::vec::Vec<Agent>,
    #[telemetry(share_crew)]
    lead: ::std::option::Option<Agent>,
}

// An enum whose variants carry fields: a consent, a flattened struct, a
// derived fact, and a variant with none.
#[derive(::crewtel::Telemetry)]
#[telemetry(tag = "feature")]
enum Feature<'a> {
    Planning {
        #[telemetry(consent)]
        share_crew: bool,
        #[telemetry(always, free_text)]
        model: &'a str,
        #[telemetry(share_crew, flatten)]
        crew: &'a Crew,
    },
    Tools {
        #[telemetry(never, len(always))]
        names: ::std::vec::Vec<::std::string::String>,
    },
    CodingAgent,
}

// Structs written by a host's `macro_rules!`, their field names and types
// passed in: the generated code's own locals (`self`, the visitor) must
// resolve whatever context the host's tokens come from.
macro_rules! host_struct {
    ($name:ident, $id:ident: $id_ty:ty, $inner:ident: $inner_ty:ty, $tools:ident, $err:ident, $with:ident, $role:ident, $share:ident) => {
        #[derive(::crewtel::Telemetry)]
        struct $name {
            #[telemetry(always)]
            $id: $id_ty,
            #[telemetry(always, flatten)]
            $inner: $inner_ty,
            #[telemetry(never, len(always), present(always))]
            $tools: ::std::vec::Vec<::std::string::String>,
            #[telemetry(never, error_type(always))]
            $err: ::std::option::Option<::std::io::Error>,
            #[telemetry(always, with = "tool_count")]
            $with: ::std::vec::Vec<u8>,
            #[telemetry(always, free_text)]
            $role: ::std::string::String,
            #[telemetry(consent)]
            $share: bool,
        }
    };
}

// A public struct generic over a type, whose event methods are also its
// own, called from outside its module with no trait imported: no lint of
// the host's (missing docs, unreachable `pub`) trips on them.
/// Labels.
pub mod labels {
    /// A label of any type.
    #[derive(::crewtel::Telemetry)]
    pub struct Labelled<T> {
        /// What the label says.
        #[telemetry(always)]
        pub value: T,
    }
}

fn tool_count(tools: &::std::vec::Vec<u8>) -> usize {
    tools.len()
}

host_struct!(Run, run_id: u64, crew: Crew, tools, failure, bytes, role, share_crew);

fn main() {
    let run = Run {
        run_id: 1,
        crew: Crew { agents: ::std::vec::Vec::new(), lead: ::std::option::Option::None },
        tools: ::std::vec::Vec::new(),
        failure: ::std::option::Option::None,
        bytes: ::std::vec::Vec::new(),
        role: ::std::string::String::new(),
        share_crew: false,
    };
    let _ = ::crewtel::Telemetry::telemetry_event(&run);

    let agent = Agent {
        role: ::std::string::String::new(),
        process: Process::Sequential,
        tools: ::std::vec::Vec::new(),
        share_crew: false,
    };
    let crew = Crew { agents: ::std::vec![agent], lead: ::std::option::Option::None };
    let _ = ::crewtel::Telemetry::telemetry_event(&crew);
    let _ = ::crewtel::Telemetry::telemetry_event(&crew.agents[0]);
    let planning = Feature::Planning { share_crew: true, model: "m", crew: &crew };
    let _ = ::crewtel::Telemetry::telemetry_event(&planning);
    let tools = Feature::Tools { names: ::std::vec::Vec::new() };
    let _ = ::crewtel::Telemetry::telemetry_event(&tools);
    let _ = ::crewtel::Telemetry::telemetry_event(&Feature::CodingAgent);
    let labelled = labels::Labelled { value: 3_u32 };
    let _ = labelled.telemetry_event();
    let _ = labelled.telemetry_event_with(::crewtel::Consent::ShareCrew);
    let _ = ::crewtel::Telemetry::telemetry_event(&labelled);
}
