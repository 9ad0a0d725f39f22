// A field named like a credential that holds text is never sent, whatever
// it is marked: its place is a `Secret`. `not_secret` says a name is a
// false alarm, and only where the name is one.
use std::borrow::Cow;

use crewtel::Telemetry;

#[derive(Telemetry)]
struct Llm<'a> {
    /// The provider's key.
    #[telemetry(always)]
    api_key: String,
    /// Marked free text: still a credential.
    #[telemetry(always, free_text)]
    token: String,
    /// Shared or not, a password is not telemetry.
    #[telemetry(share_crew)]
    db_password: Option<&'a str>,
    #[telemetry(share_crew)]
    client_secret: Cow<'a, str>,
    /// The model's role: no credential, so `not_secret` does nothing.
    #[telemetry(always, free_text, not_secret)]
    role: String,
}

fn main() {}
