//! Text as a JSON string literal, the bytes serde_json writes for it, at
//! the speed the record needs: an event's agents and tasks are nested JSON
//! carried as text, a quote every few bytes, each escaped again in its line.
//! serde_json copies the run before each escape and then the escape, two
//! calls each, and looks at every byte; here the text goes eight bytes at a
//! time: each word is written whole, and only at each byte that needs an
//! escape (found in the word all at once) is the rest of it written again,
//! one place further on.

const HEX: &[u8; 16] = b"0123456789abcdef";

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
const LOWS: u64 = u64::from_ne_bytes([0x7f; 8]);

/// The bytes of `word` a JSON string escapes (a control character, a quote,
/// a backslash), each marked by its high bit, exactly: a byte's low seven
/// bits plus at most 0x7f never carry into the next byte.
#[inline(always)]
fn escaped(word: u64) -> u64 {
    let zero = |x: u64| !(((x & LOWS) + LOWS) | x) & HIGHS;
    let control = !(((word & LOWS) + ONES * (0x80 - 0x20)) | word) & HIGHS;
    control | zero(word ^ (ONES * u64::from(b'"'))) | zero(word ^ (ONES * u64::from(b'\\')))
}

/// Appends `s` as a JSON string literal, with its quotes.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let start = out.len();
    // Room for two bytes a byte (a quote or a backslash is written as
    // two), the quotes, and a word written whole past the last byte; a
    // control character's six get their room as it comes.
    out.resize(start + 2 * bytes.len() + 2 + 8, 0);
    out[start] = b'"';
    let mut at = start + 1;
    let (words, tail) = bytes.as_chunks::<8>();
    for word in words {
        at = word_at(out, at, u64::from_le_bytes(*word));
    }
    if !tail.is_empty() {
        // The last bytes as a word, padded with spaces (never escaped,
        // so all after the text's bytes), of which the text's are kept.
        let mut last = [b' '; 8];
        last[..tail.len()].copy_from_slice(tail);
        at = word_at(out, at, u64::from_le_bytes(last)) - (8 - tail.len());
    }
    out[at] = b'"';
    out.truncate(at + 1);
}

/// Writes the eight bytes of `word` (read little-endian) at `at`, each
/// escaped if it must be; returns where the next goes.
#[inline(always)]
fn word_at(out: &mut Vec<u8>, mut at: usize, word: u64) -> usize {
    out[at..at + 8].copy_from_slice(&word.to_le_bytes());
    let mut marks = escaped(word);
    // The first byte of the word not yet counted in `at`.
    let mut from = 0;
    while marks != 0 {
        let place = marks.trailing_zeros() as usize / 8;
        marks &= marks - 1;
        at = escape_at(out, at + (place - from), (word >> (8 * place)) as u8);
        from = place + 1;
        let rest = word.checked_shr(8 * from as u32).unwrap_or(0);
        out[at..at + 8].copy_from_slice(&rest.to_le_bytes());
    }
    at + (8 - from)
}

/// Writes `byte`, one that must be escaped, at `at`; returns where the
/// next goes. Nearly all are quotes, the first arm.
#[inline(always)]
fn escape_at(out: &mut Vec<u8>, at: usize, byte: u8) -> usize {
    let letter = match byte {
        b'"' | b'\\' => byte,
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        0x08 => b'b',
        0x0c => b'f',
        _ => {
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
            return at + 6;
        }
    };
    out[at] = b'\\';
    out[at + 1] = letter;
    at + 2
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
    fn the_marks_are_exactly_the_bytes_escaped_whatever_their_neighbours() {
        for neighbour in [0x00, 0x1f, 0x20, b'"', b'\\', 0x7f, 0x80, 0xff] {
            for place in 0..8 {
                for byte in 0..=255_u8 {
                    let mut word = [neighbour; 8];
                    word[place] = byte;
                    let marks = escaped(u64::from_le_bytes(word));
                    for (i, &b) in word.iter().enumerate() {
                        let marked = marks >> (8 * i + 7) & 1 == 1;
                        // RFC 8259: control characters, quotes, backslashes.
                        let escapes = b < 0x20 || b == b'"' || b == b'\\';
                        assert_eq!(marked, escapes, "{word:?} at {i}");
                    }
                }
            }
        }
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
            "\"\"\"\"\"\"\"\"\"",
            "\u{0}\u{1}\n\u{1f}\\\"\t\u{8}\u{c}\r",
            "\u{7f}\u{80}\u{ff}\u{20}\u{1f}\u{21}\u{5b}\u{5c}\u{5d}",
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
