// A field named like a credential is judged by what its type is, not only
// by how it is written: text behind a type alias, or a type parameter
// filled in with text, is refused as `String` written out is.
use crewtel::Telemetry;

type Key = String;

#[derive(Telemetry)]
struct Llm {
    /// The provider's key.
    #[telemetry(share_crew)]
    api_key: Key,
    /// Keys by name.
    #[telemetry(share_crew, rename = "credentials")]
    keys: Option<Vec<Key>>,
}

#[derive(Telemetry)]
struct Wrapped<K> {
    /// The session's token.
    #[telemetry(share_crew)]
    token: K,
}

fn main() {
    let wrapped = Wrapped { token: Key::new() };
    let _ = crewtel::Telemetry::telemetry_event(&wrapped);
}
