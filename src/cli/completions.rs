//! `talash completions`: a shell completion script, generated from the command line itself.

use std::process::ExitCode;

use anyhow::Result;

pub const HELP: &str =
    "In bash, zsh and fish, Tab after --group or -g offers the groups and aliases of the
index's gazetteer, and Tab after --outlet the outlets of the index's articles, quoted for the
shell (The\\ Express\\ Tribune). The script asks talash for them as you press Tab, on the index
an --index on the line names, else TALASH_INDEX, else ./index; with no index, Tab offers no
outlets and prints no error. Elvish and PowerShell complete the options only.

Examples:
  talash completions bash > ~/.local/share/bash-completion/completions/talash
  talash completions zsh > ~/.zfunc/_talash
  talash completions fish > ~/.config/fish/completions/talash.fish";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Prints the script for `cmd`, the whole `talash` command (passed in: it is built above
/// this module).
pub fn run(args: Args, cmd: clap::Command) -> Result<ExitCode> {
    crate::cli::docs::completions(cmd, args.shell, &mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}
