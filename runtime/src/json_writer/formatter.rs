//! serde_json writing JSON already escaped as the contents of a JSON
//! string, for nested values that are not a struct walk (a map).

/// serde_json's compact JSON, written already escaped as the contents of a
/// JSON string: a quote as `\"`, an escape doubled. What needs no escaping
/// (structure, numbers, text between escapes) is written as it is.
pub(crate) struct Escaped;

impl serde_json::ser::Formatter for Escaped {
    #[inline]
    fn begin_string<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b"\\\"")
    }

    #[inline]
    fn end_string<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b"\\\"")
    }

    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        escape: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        use serde_json::ser::CharEscape;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let twice: &[u8] = match escape {
            CharEscape::Quote => b"\\\\\\\"",
            CharEscape::ReverseSolidus => b"\\\\\\\\",
            CharEscape::Solidus => b"\\\\/",
            CharEscape::Backspace => b"\\\\b",
            CharEscape::FormFeed => b"\\\\f",
            CharEscape::LineFeed => b"\\\\n",
            CharEscape::CarriageReturn => b"\\\\r",
            CharEscape::Tab => b"\\\\t",
            CharEscape::AsciiControl(byte) => {
                out.write_all(b"\\\\u00")?;
                return out.write_all(&[HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]]);
            }
        };
        out.write_all(twice)
    }
}
