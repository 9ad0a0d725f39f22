// What a sink receives is always a derived event: a host cannot hand it a
// value of its own that claims any keys.
use crewtel::{AnyEvent, Catalogue, Consent};

struct Forged;

impl AnyEvent for Forged {
    fn name(&self) -> &'static str {
        "Forged"
    }
    fn consent(&self) -> Consent {
        Consent::ShareCrew
    }
    fn is_allowed(&self) -> bool {
        true
    }
    fn catalogue(&self) -> &'static Catalogue {
        unimplemented!()
    }
    fn key_values(&self) -> Vec<crewtel::opentelemetry::KeyValue> {
        vec![crewtel::opentelemetry::KeyValue::new("prompt", "my diary")]
    }
    fn key_values_and(&self, _: &[crewtel::opentelemetry::KeyValue]) -> Vec<crewtel::opentelemetry::KeyValue> {
        self.key_values()
    }
    fn attributes_json(&self) -> String {
        String::new()
    }
}

fn main() {}
