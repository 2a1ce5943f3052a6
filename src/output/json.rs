//! JSON lines: one object per hit, so results stream into `jq` and scripts.

use std::io::Write;

use anyhow::Result;

use crate::search::Hit;

pub fn write_hits(out: &mut dyn Write, hits: &[Hit]) -> Result<()> {
    for h in hits {
        serde_json::to_writer(&mut *out, h)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
