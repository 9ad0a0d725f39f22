use crewtel::Telemetry;

// Every mistake in an `expires` is reported in one compile, at its date.
#[derive(Telemetry)]
#[telemetry(expires = "2027-6-30")]
struct Crew {
    #[telemetry(always, expires = "2027-02-30")]
    not_a_day: u32,
    #[telemetry(always, expires = "30/06/2027")]
    another_form: u32,
    #[telemetry(never, expires = "2027-06-30")]
    never_sent: u32,
    #[telemetry(always, expires = "2027-06-30", expires = "2027-07-01")]
    twice: u32,
    #[telemetry(always, expires = 20270630)]
    a_number: u32,
    #[telemetry(always, expire = "2027-06-30")]
    misspelt: u32,
}

fn main() {}
