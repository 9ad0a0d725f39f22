// A `with` function may lend a part of what it reads (`&Option<u32>`), but
// a reference changes nothing of what may be sent: a telemetry struct or a
// `Secret` behind `&Option`, `&[_; N]` or `&Rc` is refused as it is by value.
use std::rc::Rc;

use crewtel::{Secret, Telemetry};

#[derive(Telemetry)]
struct Model {
    #[telemetry(always)]
    max_tokens: u32,
}

struct Llm {
    model: Option<Model>,
    models: [Model; 1],
    key: Option<Secret<String>>,
    shared: Rc<Secret<String>>,
}

crewtel::secret_free!(Llm);

fn model(llm: &Llm) -> &Option<Model> {
    &llm.model
}

fn models(llm: &Llm) -> &[Model; 1] {
    &llm.models
}

fn key(llm: &Llm) -> &Option<Secret<String>> {
    &llm.key
}

fn shared(llm: &Llm) -> &Rc<Secret<String>> {
    &llm.shared
}

#[derive(Telemetry)]
struct Agent {
    #[telemetry(share_crew, with = "model")]
    model: Llm,
    #[telemetry(share_crew, with = "models", rename = "models")]
    models: Llm,
    #[telemetry(share_crew, with = "key", rename = "key")]
    key: Llm,
    #[telemetry(share_crew, with = "shared", rename = "shared")]
    shared: Llm,
}

fn main() {}
