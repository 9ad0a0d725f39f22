// A struct that names itself (a tree, a chain) is asked about every other
// part of each field: a `Secret` beside the recursion, behind an alias or a
// type parameter, still keeps a `with` function from reading it.
use std::marker::PhantomData;

use crewtel::{Secret, Telemetry};

type Key = Secret<String>;

#[derive(Telemetry)]
struct Node<T> {
    #[telemetry(always)]
    depth: u32,
    #[telemetry(never)]
    key: (Option<T>, PhantomData<Self>),
}

#[derive(Telemetry)]
struct Chain {
    #[telemetry(always)]
    depth: u32,
    #[telemetry(never)]
    next: (Option<Key>, Option<Box<Chain>>),
}

fn has_key(node: &Node<Key>) -> bool {
    node.key.0.is_some()
}

fn chained(chain: &Chain) -> bool {
    chain.next.0.is_some()
}

#[derive(Telemetry)]
struct Outer {
    #[telemetry(always, with = "has_key")]
    node: Node<Key>,
    #[telemetry(always, with = "chained")]
    chain: Chain,
}

fn main() {}
