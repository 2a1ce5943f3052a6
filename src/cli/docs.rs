//! Shell completions and man pages, generated from the binaries' clap definitions.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Command;
use clap_complete::Shell;

/// Writes the completion script for `shell` to `out`.
pub fn completions(mut cmd: Command, shell: Shell, out: &mut dyn Write) -> Result<()> {
    let name = cmd.get_name().to_string();
    clap_complete::generate(shell, &mut cmd, name, out);
    Ok(())
}

/// Writes `NAME.1` and one `NAME-SUB.1` per subcommand into `dir`; returns the files written.
pub fn man_pages(cmd: Command, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = cmd.get_name().to_string();
    clap_mangen::generate_to(cmd, dir)
        .with_context(|| format!("cannot write man pages into {}", dir.display()))?;
    let ours = |file: &str| {
        file.ends_with(".1")
            && (file == format!("{name}.1") || file.starts_with(&format!("{name}-")))
    };
    let mut written: Vec<PathBuf> = list(dir)?
        .into_iter()
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(ours))
        .collect();
    written.sort();
    Ok(written)
}

fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect())
}

/// Writes the main man page (roff) to `out`.
pub fn man_page(cmd: Command, out: &mut dyn Write) -> Result<()> {
    clap_mangen::Man::new(cmd)
        .render(out)
        .context("cannot render the man page")
}
