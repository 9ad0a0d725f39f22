// A field named like a credential (by its name or its key) that holds text
// is never sent, whatever it is marked or a `with` function makes of it:
// its place is a `Secret`. `not_secret` says a name is a false alarm, and
// only where the rule would refuse it.
use std::borrow::Cow;
use std::collections::BTreeMap;

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
    /// Through a `with` function, still the key.
    #[telemetry(always, free_text, with = "same")]
    access_token: String,
    #[telemetry(share_crew)]
    api_keys: Vec<String>,
    #[telemetry(share_crew)]
    credentials: BTreeMap<String, String>,
    /// Named well, sent under a credential's key.
    #[telemetry(share_crew, rename = "openai_api_key")]
    model: String,
    /// A number: `not_secret` does nothing.
    #[telemetry(always, not_secret)]
    token_count: u32,
}

fn same(text: &str) -> &str {
    text
}

fn main() {}
