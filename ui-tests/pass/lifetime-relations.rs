// Lifetimes related by a field's type, by the struct's `where` clause, or by
// a host type's own bound: the derive's judgement of the field keeps them.
use crewtel::Telemetry;

#[derive(Clone, Copy)]
struct Pair<'a, 'b: 'a>(&'a &'b u8);
impl crewtel::TelemetryValue for Pair<'_, '_> {
    fn telemetry_value(&self) -> crewtel::value::Scalar<'_> {
        crewtel::value::Scalar::I64(**self.0 as i64)
    }
}
impl crewtel::NotFreeText for Pair<'_, '_> {}

#[derive(Telemetry)]
struct S1<'a, 'b> {
    #[telemetry(always)]
    x: &'a &'b u8,
}

#[derive(Telemetry)]
struct S2<'a, 'b>
where
    'b: 'a,
{
    #[telemetry(always)]
    x: Pair<'a, 'b>,
}

#[derive(Telemetry)]
struct S4<'a, 'b> {
    #[telemetry(always)]
    x: Pair<'a, 'b>,
}

fn main() {
    let v = 7u8;
    let r = &v;
    let s1 = S1 { x: &r };
    let s2 = S2 { x: Pair(&r) };
    let s4 = S4 { x: Pair(&r) };
    for json in [
        serde_json::to_string(&s1.telemetry_event().attributes()).unwrap(),
        serde_json::to_string(&s2.telemetry_event().attributes()).unwrap(),
        serde_json::to_string(&s4.telemetry_event().attributes()).unwrap(),
    ] {
        assert_eq!(json, r#"{"x":7}"#);
    }
}
