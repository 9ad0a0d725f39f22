// What a sink receives is always a derived event: a host cannot hand it a
// value of its own that claims any keys.
use crewtel::{Consent, sink::AnyEvent, catalogue::Catalogue};

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
    fn key_values(&self) -> Vec<crewtel::attribute::KeyValue> {
        vec![crewtel::attribute::KeyValue::new("prompt", "my diary")]
    }
    fn key_values_and(&self, _: &[crewtel::attribute::KeyValue]) -> Vec<crewtel::attribute::KeyValue> {
        self.key_values()
    }
    fn attributes_json(&self) -> String {
        String::new()
    }
}

fn main() {}
