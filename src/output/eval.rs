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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_trec_evals() {
        let e = Evaluation {
            per_query: vec![("1".into(), vec![0.5, 1.0]), ("2".into(), vec![0.25, 0.0])],
            mean: vec![0.375, 0.5],
            ..Evaluation::default()
        };
        let metrics = [Metric::Map, Metric::P(5)];
        let mut out = Vec::new();
        write_evaluation(&mut out, &e, &metrics, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        let pad = |m: &str| format!("{m:<22}");
        let want = format!(
            "{}\tall\t2\n{}\tall\t0.3750\n{}\tall\t0.5000\n",
            pad("num_q"),
            pad("map"),
            pad("P_5")
        );
        assert_eq!(text, want);
        let mut out = Vec::new();
        write_evaluation(&mut out, &e, &metrics, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(&format!(
            "{}\t1\t0.5000\n{}\t1\t1.0000\n",
            pad("map"),
            pad("P_5")
        )));
        assert!(text.ends_with(&want));
    }
}
