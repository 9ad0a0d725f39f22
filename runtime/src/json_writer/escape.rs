//! Text as JSON strings, escaped as serde_json escapes it: once (a JSON
//! string) or twice (a string inside a string, nested JSON carried as a
//! string value), in one pass. Text that needs no escape, nearly all, is
//! checked eight bytes at a time and copied whole.
//!
//! Self-contained (no `crate::` path): the benchmarks' hand-written limit
//! writes its text with it too, so that what they compare is the walk.

/// How text is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quoting {
    /// As a JSON string.
    Once,
    /// As a JSON string inside the contents of another (nested JSON carried
    /// as a string value): escaped twice, in one pass.
    Twice,
}

/// `s` as a JSON string literal, written as `quoting` says.
#[inline(always)]
pub(crate) fn text(out: &mut String, s: &str, quoting: Quoting) {
    // Each quote a constant: a store, not a copy of a length known only
    // at run time.
    match quoting {
        Quoting::Once => {
            out.push('"');
            escape(out, s, quoting);
            out.push('"');
        }
        Quoting::Twice => {
            out.push_str("\\\"");
            escape(out, s, quoting);
            out.push_str("\\\"");
        }
    }
}

/// What a byte is written as in a JSON string: 0 as it is, `u` as
/// `\u00XX`, any other as a backslash and that letter (serde_json's table).
pub(crate) const ESCAPE: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// Whether any of the eight bytes of `word` is escaped in a JSON string: a
/// control character, a quote or a backslash (the classic zero-byte test,
/// exact for "is there one"; a byte of 0x80 or above is never one).
#[inline(always)]
pub(crate) fn any_escaped(word: u64) -> bool {
    let below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGHS;
    let control = below(word, 0x20);
    let quote = below(word ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(word ^ (ONES * u64::from(b'\\')), 1);
    control | quote | backslash != 0
}

/// Whether any byte of `bytes` is escaped in a JSON string: eight at a
/// time, the last eight overlapping the words before them (no copy).
#[inline(always)]
fn needs_escape(bytes: &[u8]) -> bool {
    let Some(last) = bytes.last_chunk::<8>() else {
        return bytes.iter().any(|&byte| ESCAPE[usize::from(byte)] != 0);
    };
    let (words, _) = bytes.as_chunks::<8>();
    words
        .iter()
        .any(|word| any_escaped(u64::from_ne_bytes(*word)))
        || any_escaped(u64::from_ne_bytes(*last))
}

/// The contents of a JSON string literal holding `s`: text that needs no
/// escape (nearly all) is checked eight bytes at a time and copied whole.
#[inline(always)]
pub(crate) fn escape(out: &mut String, s: &str, quoting: Quoting) {
    if needs_escape(s.as_bytes()) {
        escape_each(out, s, quoting);
    } else {
        out.push_str(s);
    }
}

/// [`escape`] byte by byte (only ASCII is ever escaped; the rest passes
/// through whole).
#[cold]
fn escape_each(out: &mut String, s: &str, quoting: Quoting) {
    let mut start = 0;
    for (at, byte) in s.bytes().enumerate() {
        let escape = ESCAPE[usize::from(byte)];
        if escape == 0 {
            continue;
        }
        out.push_str(&s[start..at]);
        escaped_byte(out, byte, escape, quoting);
        start = at + 1;
    }
    out.push_str(&s[start..]);
}

fn escaped_byte(out: &mut String, byte: u8, escape: u8, quoting: Quoting) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str(match quoting {
        Quoting::Once => "\\",
        Quoting::Twice => "\\\\",
    });
    match escape {
        b'u' => {
            out.push_str("u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        // Inside a string inside a string, `\"` and `\\` are escaped again.
        b'"' | b'\\' if quoting == Quoting::Twice => {
            out.push('\\');
            out.push(char::from(escape));
        }
        letter => out.push(char::from(letter)),
    }
}
