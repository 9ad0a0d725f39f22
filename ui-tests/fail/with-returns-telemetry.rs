// A `with` function cannot return a telemetry struct: its keys would be
// missing from the catalogue. Send the struct itself, or flatten it.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Model {
    #[telemetry(always)]
    max_tokens: u32,
}

struct Llm {
    model: Model,
}

impl crewtel::rules::SecretFree for Llm {}

fn model(llm: &Llm) -> &Model {
    &llm.model
}

fn models(llms: &[Llm]) -> Vec<&Model> {
    llms.iter().map(|llm| &llm.model).collect()
}

#[derive(Telemetry)]
struct Agent {
    #[telemetry(share_crew, with = "model")]
    llm: Llm,
    #[telemetry(always, with = "models")]
    fallbacks: Vec<Llm>,
}

fn main() {
    let agent = Agent {
        llm: Llm { model: Model { max_tokens: 1 } },
        fallbacks: vec![],
    };
    let _ = agent.telemetry_event().key_values();
}
