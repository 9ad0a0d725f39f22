// `SecretFree` can be vouched for a host's own type, never for a `Secret` or
// for a standard container of one.
use crewtel::{Secret, rules::SecretFree};

struct Token;

impl SecretFree for Secret<Token> {}

impl SecretFree for Vec<Secret<String>> {}

fn main() {}
