//! Writing an evaluation (`talash eval`) as trec_eval does, so scripts that read trec_eval's
//! output read Talash's.

use std::io::Write;

use anyhow::Result;

use crate::eval::{Evaluation, Metric};

/// `measure \t qid|all \t value` lines, each query's first with `per_query`, then the means.
pub fn write_evaluation(
    out: &mut dyn Write,
    e: &Evaluation,
    metrics: &[Metric],
    per_query: bool,
) -> Result<()> {
    if per_query {
        for (qid, values) in &e.per_query {
            for (m, v) in metrics.iter().zip(values) {
                writeln!(out, "{:<22}\t{qid}\t{v:.4}", m.to_string())?;
            }
        }
    }
    writeln!(out, "{:<22}\tall\t{}", "num_q", e.per_query.len())?;
    for (m, v) in metrics.iter().zip(&e.mean) {
        writeln!(out, "{:<22}\tall\t{v:.4}", m.to_string())?;
    }
    Ok(())
}
