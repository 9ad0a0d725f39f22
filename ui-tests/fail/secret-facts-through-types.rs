// No fact about a `Secret` (how many, whether there is one) is sent, however
// deep it is nested or however it is named.
use std::collections::BTreeMap;
use std::rc::Rc;

use crewtel::Secret as Key;
use crewtel::Telemetry;

type Failure = Key<std::io::Error>;

#[derive(Telemetry)]
struct Vault<'a> {
    #[telemetry(never, len(always))]
    boxed_list: Box<Vec<Key<String>>>,
    #[telemetry(never, present(always))]
    optional_option: Option<Option<Key<String>>>,
    #[telemetry(never, len(always))]
    map_of_lists: BTreeMap<String, Vec<Key<String>>>,
    #[telemetry(never, len(always))]
    shared_slice: Rc<[Key<String>]>,
    #[telemetry(never, present(always))]
    borrowed_list: &'a Vec<Key<String>>,
    #[telemetry(never, len(always))]
    list_of_options: Vec<Option<Key<String>>>,
    // Not even the type name of an error kept secret.
    #[telemetry(never, error_type(always))]
    failure: Option<Failure>,
}

fn main() {}
