// `Telemetry` is the derive's: an impl by hand, which skips every check
// the derive makes (classes, free text, `Secret`s, the catalogue), does not
// compile unless it spells the hidden `__DeriveOnly`, a door a reviewer
// searches for.
use crewtel::{Consent, Telemetry, catalogue::Catalogue, value::{Scalar, Text}, event::Visitor};

struct Prompt(String);

static EMPTY: Catalogue = Catalogue {
    event: "Prompt",
    type_name: "Prompt",
    path: "forged::Prompt",
    tier: crewtel::catalogue::Tier::Always,
    expires: None,
    entries: &[],
    expiring: &[],
};

impl Telemetry for Prompt {
    const EVENT: &'static str = "Prompt";
    const CATALOGUE: &'static Catalogue = &EMPTY;
    type Flattens = ();

    fn max_attributes() -> usize {
        1
    }

    fn visit_attributes<V: Visitor>(&self, _: Consent, visitor: &mut V) {
        visitor.scalar(
            crewtel::event::AttributeKey::new("prompt"),
            Scalar::Text(Text::Borrowed(&self.0)),
        );
    }
}

fn main() {
    let _ = Prompt("my diary".into()).telemetry_event();
}
