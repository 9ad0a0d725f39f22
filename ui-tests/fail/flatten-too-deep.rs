// Flattening nests at most `crewtel::catalogue::MAX_FLATTEN_DEPTH` (8) levels deep.
use crewtel::Telemetry;

macro_rules! chain {
    ($($outer:ident $key:ident $inner:ident),*) => {$(
        #[derive(Telemetry)]
        struct $outer {
            #[telemetry(always)]
            $key: u64,
            #[telemetry(always, flatten)]
            inner: $inner,
        }
    )*};
}

#[derive(Telemetry)]
struct L1 {
    #[telemetry(always)]
    k1: u64,
}

chain!(L2 k2 L1, L3 k3 L2, L4 k4 L3, L5 k5 L4, L6 k6 L5, L7 k7 L6, L8 k8 L7, L9 k9 L8);

// `L9` flattens structs eight levels deep: allowed.
const _: &crewtel::catalogue::Catalogue = <L9 as Telemetry>::CATALOGUE;

// Nine levels: refused at the field that nests one level too many.
#[derive(Telemetry)]
struct L10 {
    #[telemetry(always)]
    k10: u64,
    #[telemetry(always, flatten)]
    inner: L9,
}

fn main() {}
