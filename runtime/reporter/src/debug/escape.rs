//! Text as a JSON string literal, the bytes serde_json writes for it, at
//! the speed the record needs: an event's agents and tasks are nested JSON
//! carried as text, a quote every few bytes, each escaped again in its line.
//! serde_json copies the run before each escape and then the escape, two
//! calls each; here the text is checked eight bytes at a time, a word
//! without an escape copied whole, and every byte written into room made
//! for it once.

const HEX: &[u8; 16] = b"0123456789abcdef";

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// Whether any of the eight bytes of `word` is escaped in a JSON string: a
/// control character, a quote or a backslash (the classic zero-byte test,
/// exact for "is there one"; a byte of 0x80 or above is never one).
#[inline(always)]
fn any_escaped(word: u64) -> bool {
    let below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGHS;
    let control = below(word, 0x20);
    let quote = below(word ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(word ^ (ONES * u64::from(b'\\')), 1);
    control | quote | backslash != 0
}

/// Appends `s` as a JSON string literal, with its quotes.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut at = out.len();
    // Room for two bytes a byte and the quotes: a quote or a backslash is
    // written as two; a control character's six get their room as it comes.
    out.resize(at + 2 * bytes.len() + 2, 0);
    out[at] = b'"';
    at += 1;
    let (words, tail) = bytes.as_chunks::<8>();
    for word in words {
        if any_escaped(u64::from_ne_bytes(*word)) {
            for &byte in word {
                at = byte_at(out, at, byte);
            }
        } else {
            out[at..at + 8].copy_from_slice(word);
            at += 8;
        }
    }
    for &byte in tail {
        at = byte_at(out, at, byte);
    }
    out[at] = b'"';
    out.truncate(at + 1);
}

/// What a byte is written as in a JSON string: 0 as it is, `u` as
/// `\u00XX`, any other as a backslash and that letter. A table, not a
/// `match`: a match on the byte is a jump the processor mispredicts at
/// every escape (measured: 3.1 against 1.8 us for 2.9 KB of agents).
const ESCAPE: [u8; 256] = {
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

/// Writes `byte` at `at`, escaped if it must be; returns where the next goes.
#[inline(always)]
fn byte_at(out: &mut Vec<u8>, at: usize, byte: u8) -> usize {
    match ESCAPE[usize::from(byte)] {
        0 => {
            out[at] = byte;
            at + 1
        }
        b'u' => {
            out.resize(out.len() + 4, 0);
            let code = [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ];
            out[at..at + 6].copy_from_slice(&code);
            at + 6
        }
        letter => {
            out[at] = b'\\';
            out[at + 1] = letter;
            at + 2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(s: &str) -> String {
        let mut out = b"[".to_vec();
        string(&mut out, s);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn every_byte_is_written_as_serde_json_writes_it() {
        for byte in 0..=0x7f_u8 {
            for place in 0..17 {
                let mut s = "abcdefghijklmnop".to_owned();
                s.insert(place, char::from(byte));
                assert_eq!(
                    written(&s),
                    format!("[{}", serde_json::to_string(&s).unwrap()),
                    "{byte:#x} at {place}"
                );
            }
        }
    }

    #[test]
    fn nested_json_and_every_script_are_written_as_serde_json_writes_them() {
        for s in [
            "",
            "🦙",
            "é\u{1f}é",
            "abcdefg\u{e9}\"h",
            "abcdef🦙\\ghijklmnopq\u{2028}\"",
            r#"[{"role":"Researcher","tools_names":["search"],"goal":"a \"b\"\n"}]"#,
            "\u{7f}\u{80}\u{2028}\\\\\"\"\u{0}",
        ] {
            assert_eq!(
                written(s),
                format!("[{}", serde_json::to_string(s).unwrap()),
                "{s:?}"
            );
        }
    }
}
