// A `&'static str` is read as a string literal only inside the standard
// containers: a host's type alias named `Vec` (or `Option`, ...) that is
// something else is refused, not taken for a list of literals by its name.
use crewtel::Telemetry;

pub trait Judge {
    type Out;
}
impl Judge for crewtel::Literal {
    type Out = u32;
}
impl Judge for &'static str {
    type Out = String;
}
type Vec<T> = <T as Judge>::Out;
type Option<T> = <T as Judge>::Out;

#[derive(Telemetry)]
struct Prompted {
    /// What the user asked.
    #[telemetry(always)]
    prompt: Vec<&'static str>,
    /// What the user asked first.
    #[telemetry(always)]
    first: Option<&'static str>,
    /// A list of literals, as the standard list.
    #[telemetry(always)]
    kinds: std::vec::Vec<&'static str>,
}

fn main() {}
