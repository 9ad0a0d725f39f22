// What a `with` function returns is judged, not the field: text it returns
// is free text too.
use crewtel::Telemetry;

struct Tool {
    name: String,
}

impl crewtel::rules::SecretFree for Tool {}

fn name(tool: &Tool) -> &str {
    &tool.name
}

fn names(tools: &[Tool]) -> Vec<String> {
    tools.iter().map(|tool| tool.name.clone()).collect()
}

#[derive(Telemetry)]
struct Agent {
    #[telemetry(always, with = "name")]
    main_tool: Tool,
    #[telemetry(always, with = "names")]
    tools: Vec<Tool>,
}

fn main() {
    let agent = Agent {
        main_tool: Tool { name: "search".into() },
        tools: vec![],
    };
    let _ = agent.telemetry_event().key_values();
}
