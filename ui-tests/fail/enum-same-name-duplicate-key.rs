// An enum is known by where it is flattened, not by its name or path: two
// enums named `Mode`, declared in two functions of one module (so with one
// `module_path!()`), send their keys together when flattened into one
// event, and the same key twice does not compile.
use crewtel::Telemetry;

struct Modes;

trait ChatMode {
    type Mode;
}

trait CompletionMode {
    type Mode;
}

#[allow(dead_code, non_local_definitions)]
fn chat() {
    #[derive(Telemetry)]
    #[telemetry(tag = "chat_mode")]
    enum Mode {
        Chat {
            #[telemetry(always)]
            model: u32,
        },
        Off,
    }

    impl ChatMode for Modes {
        type Mode = Mode;
    }
}

#[allow(dead_code, non_local_definitions)]
fn completion() {
    #[derive(Telemetry)]
    #[telemetry(tag = "completion_mode")]
    enum Mode {
        Off,
        Completion {
            #[telemetry(always)]
            model: u32,
        },
    }

    impl CompletionMode for Modes {
        type Mode = Mode;
    }
}

#[derive(Telemetry)]
struct Call {
    #[telemetry(always, flatten)]
    chat: <Modes as ChatMode>::Mode,
    #[telemetry(always, flatten)]
    completion: <Modes as CompletionMode>::Mode,
}

fn main() {}
