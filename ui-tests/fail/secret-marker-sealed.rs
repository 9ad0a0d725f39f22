// The marker that keeps `Secret`s out cannot be implemented by a host.
use crewtel::__private::SecretIsNeverSent;

struct Token;

impl SecretIsNeverSent for Token {}

fn main() {}
