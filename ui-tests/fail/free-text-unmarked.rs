// Text a person wrote is not sent anonymously unless its field says so:
// every shape of text under `always`, reported in one compile.
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

use crewtel::Telemetry;

type Role = String;

#[derive(Telemetry)]
struct Agent<'a> {
    #[telemetry(always)]
    role: String,
    #[telemetry(always)]
    borrowed: &'a str,
    #[telemetry(always)]
    initial: char,
    #[telemetry(always)]
    cow: Cow<'a, str>,
    #[telemetry(always)]
    boxed: Box<str>,
    #[telemetry(always)]
    shared: Rc<str>,
    #[telemetry(always)]
    synced: Arc<str>,
    #[telemetry(always)]
    optional: Option<String>,
    #[telemetry(always)]
    list: Vec<String>,
    #[telemetry(always)]
    set: BTreeSet<String>,
    #[telemetry(always)]
    array: [&'a str; 2],
    #[telemetry(always)]
    by_name: BTreeMap<String, u32>,
    #[telemetry(always)]
    named: BTreeMap<u32, String>,
    #[telemetry(always)]
    aliased: Role,
}

fn main() {}
