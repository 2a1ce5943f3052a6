//! The values `talash complete` lists for a shell's completion, one a line.

use std::io::Write;

/// Writes each value on its own line. A value with a control character (a newline would
/// split it in two, and none can be typed at a prompt) is left out.
pub fn write_values(out: &mut dyn Write, values: &[String]) -> std::io::Result<()> {
    for v in values {
        if !v.is_empty() && !v.chars().any(char::is_control) {
            writeln!(out, "{v}")?;
        }
    }
    out.flush()
}
