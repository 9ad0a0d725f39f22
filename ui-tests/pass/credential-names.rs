//! Names that sound like credentials but hold none: a count is a number,
//! and text says what it is with `not_secret`; a real key is a `Secret`.
#![deny(warnings)]

use crewtel::{Secret, Telemetry};

/// Counts behind an alias are numbers all the same.
type Count = u32;
/// Text behind an alias.
type Name = String;

#[derive(Telemetry)]
#[telemetry(event = "LLM Call")]
struct LlmCall {
    /// How many tokens the call used.
    #[telemetry(always)]
    token_count: u32,
    /// The tokenizer's name, which its author wrote.
    #[telemetry(always, free_text, not_secret)]
    token_encoding: String,
    /// The key, never sent.
    #[telemetry(never)]
    api_key: Secret<String>,
    /// How many tokens the prompt used.
    #[telemetry(always)]
    prompt_tokens: Count,
    /// The tokenizer's name, behind an alias.
    #[telemetry(share_crew, not_secret)]
    token_kind: Name,
}

fn main() {
    let call = LlmCall {
        token_count: 42,
        token_encoding: "cl100k_base".into(),
        api_key: Secret::new("sk-live".into()),
        prompt_tokens: 7,
        token_kind: "bpe".into(),
    };
    let json = serde_json::to_string(&call.telemetry_event().attributes()).unwrap();
    assert_eq!(
        json,
        r#"{"token_count":42,"token_encoding":"cl100k_base","prompt_tokens":7}"#
    );
}
