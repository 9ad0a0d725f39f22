// An enum's variants are checked as a struct's fields are, every error of
// the derive in one compile.
use crewtel::Telemetry;

#[derive(Telemetry)]
#[telemetry(tag = "feature")]
enum Feature {
    // A field with no class.
    Planning { steps: u32 },
    // A key that is the enum's own.
    Memory {
        #[telemetry(always)]
        feature: u32,
    },
    // Two keys the same within a variant.
    Tools {
        #[telemetry(always)]
        count: u32,
        #[telemetry(always, rename = "count")]
        used: u32,
    },
    // Fields with no names.
    Hooks(u32),
    // The name of another variant.
    #[telemetry(rename = "planning")]
    Again,
}

// `tag` is for enums.
#[derive(Telemetry)]
#[telemetry(tag = "kind")]
struct NotAnEnum {
    #[telemetry(always)]
    count: u32,
}

fn main() {}
