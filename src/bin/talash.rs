//! `talash`: search the passage index from the terminal. Each subcommand lives in its own
//! module of `talash::cli`; this only parses the command line and hands it over.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use talash::cli::app::{Cli, Command};
use talash::cli::common::on_index;
use talash::cli::{
    batch, complete, completions, eval, export, facets, groups, man, run, search, show, timeline,
};

fn main() -> ExitCode {
    let argv: Vec<_> = std::env::args_os().collect();
    if complete::is_called(&argv) {
        return complete::main(argv);
    }
    run("talash", || {
        let Cli { global, command } = Cli::parse();
        let style = global.style();
        let chart = (style, global.chart_width());
        let index = &global.index;
        match command {
            Command::Search(a) => on_index(index, |e, out| search::run(e, a, style, out)),
            Command::Groups(a) => on_index(index, |e, out| groups::run(e, a, out)),
            Command::Batch(a) => on_index(index, |e, out| batch::run(e, a, out)),
            Command::Eval(a) => eval::run(a),
            Command::Facets(a) => on_index(index, |e, out| facets::run(e, a, style, out)),
            Command::Export(a) => on_index(index, |e, out| export::run(e, a, out)),
            Command::Show(a) => on_index(index, |e, out| show::run(e, a, style, out)),
            Command::Timeline(a) => on_index(index, |e, out| timeline::run(e, a, chart, out)),
            Command::Completions(a) => completions::run(a, Cli::command()),
            Command::Man(a) => man::run(a, Cli::command()),
        }
    })
}
