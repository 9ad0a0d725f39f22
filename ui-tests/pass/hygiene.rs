// Generated code assumes nothing at the call site: no imports, and local items
// named like the std and crewtel items it uses do not change its meaning.
#![deny(warnings)]
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

fn main() {
    let agent = Agent {
        role: ::std::string::String::new(),
        process: Process::Sequential,
        tools: ::std::vec::Vec::new(),
        share_crew: false,
    };
    let crew = Crew { agents: ::std::vec![agent], lead: ::std::option::Option::None };
    let _ = ::crewtel::Telemetry::telemetry_event(&crew);
    let _ = ::crewtel::Telemetry::telemetry_event(&crew.agents[0]);
}
