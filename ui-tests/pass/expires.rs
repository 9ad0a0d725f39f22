// A key or event past its expiry compiles as before, without a warning,
// hygienically: an expiry never fails a build by itself. (trybuild allows
// `dead_code`: `tests/expiry.rs` denies it for an expired field.)
#![deny(warnings)]
#![no_implicit_prelude]

#[derive(::crewtel::Telemetry)]
#[telemetry(event = "Crew Created")]
struct Crew {
    #[telemetry(always, expires = "2020-01-01")]
    expired: u32,
    #[telemetry(never, len(always), expires = "2020-01-01")]
    expired_facts: ::std::vec::Vec<u32>,
    #[telemetry(always, expires = "2999-12-31")]
    later: u32,
}

#[derive(::crewtel::Telemetry)]
#[telemetry(event = "Old", expires = "2020-01-01")]
struct Old {
    #[telemetry(always)]
    finding: u32,
}

#[derive(::crewtel::Telemetry)]
enum Outcome {
    Done {
        #[telemetry(always, expires = "2020-01-01")]
        took_ms: u64,
    },
    Failed,
}

fn main() {
    use ::crewtel::Telemetry as _;
    let crew = Crew {
        expired: 1,
        expired_facts: ::std::vec![1],
        later: 2,
    };
    let sent = crew.telemetry_event().key_values();
    ::std::assert_eq!(sent.len(), 1);
    ::std::assert_eq!(sent[0].key.as_str(), "later");
    ::std::assert!(Old { finding: 1 }.telemetry_event().key_values().is_empty());
    let done = Outcome::Done { took_ms: 3 }.telemetry_event().key_values();
    ::std::assert_eq!(done.len(), 1, "the variant's name alone");
    ::std::assert!(Outcome::Failed.telemetry_event().is_allowed());
}
