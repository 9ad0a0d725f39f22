// Every way to read a `Secret` spells `expose` (`expose()`,
// `into_exposed()`), so that a reviewer finds each place one is read: a
// `with` function over a type declared `secret_free!` cannot take the
// content out without it.
use crewtel::{Secret, Telemetry};

#[allow(dead_code)]
struct Credentials {
    key: Secret<String>,
}

crewtel::secret_free!(Credentials);

fn key_of(credentials: &Credentials) -> String {
    credentials.key.clone().into_inner()
}

#[derive(Telemetry)]
struct Llm {
    #[telemetry(share_crew, with = "key_of")]
    credentials: Credentials,
}

fn main() {}
