//! A writer that keeps article text from driving the user's terminal.
//!
//! Articles are pasted from the web and may carry control characters. Printed raw, an escape
//! sequence in a passage could clear the screen, move the cursor, retitle the window or, with
//! OSC 52, write the user's clipboard. Every byte Talash prints to stdout passes through
//! [`SafeTerminal`]: colour sequences (SGR, `ESC [ digits ; m`, which is all Talash itself emits)
//! pass, and every other control character (C0 but newline and tab, DEL, C1) is shown as `?`.
//! Text is never dropped, so what an article holds stays visible. JSON output is unaffected:
//! JSON escapes control characters itself.

use std::io::{self, Write};

/// Where the filter is within a possible colour sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// After ESC.
    Escape,
    /// After `ESC [`, reading digits and `;`.
    Csi,
    /// After 0xC2, the lead byte of U+0080..U+00BF (C1 controls are U+0080..U+009F).
    Lead,
}

/// Filters control characters out of everything written to `inner` (see the module doc).
pub struct SafeTerminal<W: Write> {
    inner: W,
    state: State,
    /// The bytes of an unfinished escape sequence, held until it is known to be a colour.
    pending: Vec<u8>,
}

const SHOWN_AS: u8 = b'?';

impl<W: Write> SafeTerminal<W> {
    pub fn new(inner: W) -> SafeTerminal<W> {
        SafeTerminal {
            inner,
            state: State::Text,
            pending: Vec::new(),
        }
    }

    /// Filters `buf` into `out`.
    fn filter(&mut self, buf: &[u8], out: &mut Vec<u8>) {
        for &b in buf {
            self.byte(b, out);
        }
    }

    fn byte(&mut self, b: u8, out: &mut Vec<u8>) {
        match self.state {
            State::Text => self.text(b, out),
            State::Escape if b == b'[' => {
                self.pending.push(b);
                self.state = State::Csi;
            }
            State::Escape => {
                self.reject(out);
                self.text(b, out);
            }
            State::Csi if b.is_ascii_digit() || b == b';' => self.pending.push(b),
            State::Csi if b == b'm' => {
                out.append(&mut self.pending);
                out.push(b);
                self.state = State::Text;
            }
            State::Csi => {
                self.reject(out);
                self.text(b, out);
            }
            State::Lead if (0x80..=0x9f).contains(&b) => {
                out.push(SHOWN_AS);
                self.state = State::Text;
            }
            State::Lead => {
                out.push(0xc2);
                self.state = State::Text;
                self.text(b, out);
            }
        }
    }

    fn text(&mut self, b: u8, out: &mut Vec<u8>) {
        match b {
            0x1b => {
                self.pending.push(b);
                self.state = State::Escape;
            }
            0xc2 => self.state = State::Lead,
            b'\n' | b'\t' => out.push(b),
            0x00..=0x1f | 0x7f => out.push(SHOWN_AS),
            _ => out.push(b),
        }
    }

    /// An escape that is not a colour: the ESC is shown as `?`, what followed it as text.
    fn reject(&mut self, out: &mut Vec<u8>) {
        out.push(SHOWN_AS);
        out.extend(self.pending.drain(..).skip(1));
        self.state = State::Text;
    }

    /// Writes out anything held back (an unfinished sequence is not a colour).
    fn settle(&mut self) -> io::Result<()> {
        let mut out = Vec::new();
        match self.state {
            State::Escape | State::Csi => self.reject(&mut out),
            State::Lead => {
                out.push(0xc2);
                self.state = State::Text;
            }
            State::Text => {}
        }
        self.inner.write_all(&out)
    }
}

impl<W: Write> Write for SafeTerminal<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len());
        self.filter(buf, &mut out);
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.settle()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for SafeTerminal<W> {
    /// An early return skips `flush`; what is held back still goes out.
    fn drop(&mut self) {
        let _ = self.settle();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safe(chunks: &[&[u8]]) -> Vec<u8> {
        let mut w = SafeTerminal::new(Vec::new());
        for c in chunks {
            w.write_all(c).unwrap();
        }
        w.flush().unwrap();
        std::mem::take(&mut w.inner)
    }

    #[test]
    fn colours_pass_other_controls_are_shown() {
        let colour = b"a \x1b[1;31mred\x1b[0m b\n";
        assert_eq!(safe(&[colour]), colour.to_vec());
        assert_eq!(safe(&[b"x\x1b[2Jy"]), b"x?[2Jy".to_vec());
        assert_eq!(
            safe(&[b"\x1b]52;c;aGk=\x07 z"]),
            b"?]52;c;aGk=? z".to_vec(),
            "OSC 52 (clipboard) is neutralised"
        );
        assert_eq!(safe(&[b"a\rb\x08c\x7fd\te"]), b"a?b?c?d\te".to_vec());
    }

    #[test]
    fn c1_controls_are_shown_but_latin1_letters_pass() {
        assert_eq!(safe(&["a\u{9b}2J".as_bytes()]), b"a?2J".to_vec());
        assert_eq!(
            safe(&["café ½ ©".as_bytes()]),
            "café ½ ©".as_bytes().to_vec()
        );
    }

    #[test]
    fn sequences_split_across_writes_are_judged_whole() {
        assert_eq!(safe(&[b"a\x1b", b"[3", b"1mb"]), b"a\x1b[31mb".to_vec());
        assert_eq!(safe(&[b"a\x1b", b"[3", b"1Hb"]), b"a?[31Hb".to_vec());
        assert_eq!(safe(&[b"end\x1b"]), b"end?".to_vec());
        assert_eq!(
            safe(&["x\u{9b}".as_bytes()[..2].as_ref(), b"\x9by"]),
            b"x?y".to_vec()
        );
    }
}
