// A host cannot implement `ErrorType`: what `error_type` sends is a type's
// own name, never a string a host's code chose.
use std::borrow::Cow;

struct NotAnError;

impl crewtel::rules::ErrorType for NotAnError {
    fn error_type(&self) -> Cow<'static, str> {
        Cow::Borrowed("the user's prompt")
    }
}

fn main() {}
