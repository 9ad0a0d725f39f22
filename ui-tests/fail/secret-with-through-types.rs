// A `with` function cannot read a field whose type holds a `Secret`, however
// the type is written: the type system looks, not the macro.
use std::cell::RefCell;
use std::rc::Rc;

use crewtel::Secret as Key;
use crewtel::{Secret, Telemetry};

type Credentials = (String, Secret<String>);

fn anything<T: ?Sized>(_: &T) -> &'static str {
    "known"
}

#[derive(Telemetry)]
struct Llm<'a> {
    // A renamed import: the macro cannot see the word `Secret`.
    #[telemetry(always, with = "anything")]
    renamed: Key<String>,
    // In a tuple, behind an alias.
    #[telemetry(always, with = "anything")]
    tuple: Credentials,
    // Behind `&mut`.
    #[telemetry(always, with = "anything")]
    borrowed: &'a mut Key<String>,
    // Shared and mutable.
    #[telemetry(always, with = "anything")]
    shared: Rc<RefCell<Key<String>>>,
    // Optional list.
    #[telemetry(always, with = "anything")]
    optional_list: Option<Vec<Key<String>>>,
}

fn main() {}
