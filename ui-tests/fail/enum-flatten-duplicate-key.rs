// Keys of variants of one enum are never sent together; keys of different
// enums, flattened into one event, are: the same key twice does not compile.
use crewtel::Telemetry;

#[derive(Telemetry)]
enum Inner {
    Bar {
        #[telemetry(always)]
        k: u32,
    },
}

// An enum flattened into a variant of another.
#[derive(Telemetry)]
enum Outer {
    Foo {
        #[telemetry(always)]
        k: u32,
        #[telemetry(always, flatten)]
        inner: Inner,
    },
}

#[derive(Telemetry)]
enum F {
    A {
        #[telemetry(always)]
        k: u32,
    },
    B,
}

#[derive(Telemetry)]
enum G {
    A,
    B {
        #[telemetry(always)]
        k: u32,
    },
}

// Two enums side by side, the key in another variant of each.
#[derive(Telemetry)]
struct Both {
    #[telemetry(always, flatten)]
    f: F,
    #[telemetry(always, flatten)]
    g: G,
}

fn main() {}
