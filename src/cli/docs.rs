//! Shell completions and man pages, generated from the binaries' clap definitions.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Command;
use clap_complete::Shell;

/// Writes the completion script for `shell` to `out`. For `talash`, the bash, zsh and fish
/// scripts also complete the values of `--group` and `--outlet` (see [`with_values`]).
pub fn completions(mut cmd: Command, shell: Shell, out: &mut dyn Write) -> Result<()> {
    let name = cmd.get_name().to_string();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, name.as_str(), &mut script);
    let script =
        String::from_utf8(script).context("clap_complete wrote a script that is not UTF-8")?;
    let script = if name == "talash" {
        with_values(shell, script)?
    } else {
        script
    };
    out.write_all(script.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// clap_complete's script for `talash`, changed to complete `--group`/`-g` and `--outlet` with
/// the values `talash complete groups|outlets` lists at the time (the index's outlets change;
/// an index may have its own gazetteer). clap_complete's own way of calling back
/// (`unstable-dynamic`) is unstable in 4.6, replaces the whole script, and in bash passes the
/// word under the cursor split at spaces (clap-rs/clap#6363), which "The Express Tribune"
/// needs; so each script is changed in one place instead:
/// - bash: a function run before clap's `_talash` takes the two options, and is registered
///   in its place;
/// - zsh: the two options' action (`_default`) becomes `_talash_values KIND`;
/// - fish: the two options' lines get `-f -a "(__talash_values KIND)"`.
///
/// Elvish and PowerShell scripts are left as generated. Each change checks that clap_complete
/// wrote what it expects, so a new clap_complete that writes otherwise fails here (and in the
/// tests) rather than ship a script that silently completes nothing.
fn with_values(shell: Shell, script: String) -> Result<String> {
    let changed = match shell {
        Shell::Bash => {
            let register = "\nif [[ \"${BASH_VERSINFO[0]}\" -eq 4";
            script.rfind(register).map(|at| {
                let mut s = script[..at].to_string();
                s.push_str(include_str!("completions/values.bash"));
                s
            })
        }
        Shell::Zsh => {
            let after = "autoload -U is-at-least\n";
            let actions = [
                (":GROUP:_default'", ":GROUP:_talash_values groups'"),
                (":OUTLET:_default'", ":OUTLET:_talash_values outlets'"),
            ];
            (script.contains(after) && actions.iter().all(|(from, _)| script.contains(from))).then(
                || {
                    let mut s = script.replacen(
                        after,
                        &format!("{after}\n{}", include_str!("completions/values.zsh")),
                        1,
                    );
                    for (from, to) in actions {
                        s = s.replace(from, to);
                    }
                    s
                },
            )
        }
        Shell::Fish => {
            let mut found = [false, false];
            let mut s = String::with_capacity(script.len() + 2048);
            for line in script.lines() {
                s.push_str(line);
                if line.starts_with("complete -c talash ") {
                    for (i, (option, kind)) in
                        [(" -l group ", "groups"), (" -l outlet ", "outlets")]
                            .iter()
                            .enumerate()
                    {
                        if line.contains(option) {
                            found[i] = true;
                            s.push_str(&format!(" -f -a \"(__talash_values {kind})\""));
                        }
                    }
                }
                s.push('\n');
            }
            s.push_str(include_str!("completions/values.fish"));
            (found == [true, true]).then_some(s)
        }
        _ => Some(script),
    };
    changed.with_context(|| {
        format!(
            "cannot add group and outlet completion to clap_complete's {shell} script: \
             it is not written as this version of Talash expects"
        )
    })
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
