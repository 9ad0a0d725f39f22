// `error_type(...)` on text or a number is refused by what the type is,
// behind a type alias too: an alias of `String` would send `"String"`.
use crewtel::Telemetry;

type Message = String;
type MaybeMessage = Option<Message>;
type Code = u16;
type Count = std::num::NonZeroU32;
type Borrowed<'a> = std::borrow::Cow<'a, String>;

/// An error type of the host's own, behind an alias: sent as its name.
#[derive(Debug)]
struct ToolError;

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("tool failed")
    }
}

crewtel::secret_free!(ToolError);

type Failure = Option<ToolError>;

#[derive(Telemetry)]
struct ToolRun {
    #[telemetry(never, error_type(always))]
    last_error: Message,
    #[telemetry(never, error_type(always, rename = "maybe_type"))]
    maybe: MaybeMessage,
    #[telemetry(never, error_type(always, rename = "code_type"))]
    code: Code,
    #[telemetry(never, error_type(always, rename = "failure_type"))]
    failure: Failure,
    #[telemetry(never, error_type(always, rename = "count_type"))]
    count: Count,
    #[telemetry(never, error_type(always, rename = "borrowed_type"))]
    borrowed: Borrowed<'static>,
}

fn main() {}
