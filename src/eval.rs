//! Relevance evaluation of a TREC run against judgments, computed as trec_eval computes it.
//!
//! The numbers must be comparable with published ones, so every rule follows trec_eval 9.0's
//! C code (checked against PyPI's `pytrec-eval-terrier` in tests/eval_pytrec.rs):
//! - a run is re-sorted by score descending, ties by docid *descending* (byte order); the rank
//!   column is ignored;
//! - a judged relevance > 0 is relevant; a document not judged is not relevant, nor is one
//!   judged with a negative value;
//! - nDCG's gains are the judged values (> 0 only); rank r is discounted by log2(r + 1); the
//!   ideal ranking takes every judged document with value > 0, highest first;
//! - P@k divides by k even when fewer documents were retrieved;
//! - queries in the run without judgments are ignored; judged queries missing from the run are
//!   left out of the averages (trec_eval without `-c`), or count as finding nothing with
//!   `complete` (`-c`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result, bail};

use crate::corpus::InputError;

/// A measure, named as trec_eval names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Mean average precision.
    Map,
    /// nDCG over the first k documents.
    NdcgCut(usize),
    /// Precision at k.
    P(usize),
    /// Recall at k.
    Recall(usize),
    /// Reciprocal rank of the first relevant document.
    RecipRank,
    /// nDCG over the whole ranking (trec_eval's `ndcg`).
    Ndcg,
    /// Precision after R documents, R the number of relevant documents (`Rprec`).
    Rprec,
    /// Buckley and Voorhees' bpref: ranks relevant documents against judged non-relevant ones
    /// only, so unjudged documents cost nothing (`bpref`, robust to incomplete judgments).
    Bpref,
}

impl FromStr for Metric {
    type Err = String;

    fn from_str(s: &str) -> Result<Metric, String> {
        let cut = |prefix: &str| {
            s.strip_prefix(prefix)
                .and_then(|k| k.parse::<usize>().ok())
                .filter(|&k| k > 0)
        };
        match s.trim() {
            "map" => return Ok(Metric::Map),
            "recip_rank" => return Ok(Metric::RecipRank),
            "ndcg" => return Ok(Metric::Ndcg),
            "Rprec" => return Ok(Metric::Rprec),
            "bpref" => return Ok(Metric::Bpref),
            _ => {}
        }
        if let Some(k) = cut("ndcg_cut_") {
            return Ok(Metric::NdcgCut(k));
        }
        if let Some(k) = cut("P_") {
            return Ok(Metric::P(k));
        }
        if let Some(k) = cut("recall_") {
            return Ok(Metric::Recall(k));
        }
        Err(format!(
            "unknown metric {s:?}; the metrics are map, ndcg, ndcg_cut_K, P_K, recall_K, recip_rank, Rprec, bpref (K a cut-off such as 10)"
        ))
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Metric::Map => write!(f, "map"),
            Metric::NdcgCut(k) => write!(f, "ndcg_cut_{k}"),
            Metric::P(k) => write!(f, "P_{k}"),
            Metric::Recall(k) => write!(f, "recall_{k}"),
            Metric::RecipRank => write!(f, "recip_rank"),
            Metric::Ndcg => write!(f, "ndcg"),
            Metric::Rprec => write!(f, "Rprec"),
            Metric::Bpref => write!(f, "bpref"),
        }
    }
}

/// Judgments: query → document → relevance value.
#[derive(Debug, Clone, Default)]
pub struct Qrels {
    pub queries: BTreeMap<String, HashMap<String, i64>>,
}

/// A run: query → (document, score) in file order.
#[derive(Debug, Clone, Default)]
pub struct Run {
    pub queries: BTreeMap<String, Vec<(String, f64)>>,
}

fn read_lines(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn line_error(path: &Path, line: usize, message: String) -> anyhow::Error {
    InputError {
        path: path.to_path_buf(),
        line: Some(line),
        message,
    }
    .into()
}

/// Reads TREC qrels: `qid iter docid relevance` a line.
pub fn read_qrels(path: &Path) -> Result<Qrels> {
    let text = read_lines(path)?;
    parse_qrels(&text, path)
}

pub fn parse_qrels(text: &str, path: &Path) -> Result<Qrels> {
    let mut qrels = Qrels::default();
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            continue;
        }
        let [qid, _iter, docid, rel] = cols[..] else {
            return Err(line_error(
                path,
                i + 1,
                format!(
                    "expected 4 columns `qid iter docid relevance` (e.g. `1 0 184 2`), found {}",
                    cols.len()
                ),
            ));
        };
        let rel: i64 = rel.parse().map_err(|_| {
            line_error(
                path,
                i + 1,
                format!("relevance {rel:?} is not a whole number"),
            )
        })?;
        let docs = qrels.queries.entry(qid.to_string()).or_default();
        if docs.insert(docid.to_string(), rel).is_some() {
            return Err(line_error(
                path,
                i + 1,
                format!("document {docid:?} is judged twice for query {qid:?}"),
            ));
        }
    }
    if qrels.queries.is_empty() {
        bail!("{}: no judgments in the file", path.display());
    }
    Ok(qrels)
}

/// Reads a TREC run: `qid Q0 docid rank score tag` a line.
pub fn read_run(path: &Path) -> Result<Run> {
    let text = read_lines(path)?;
    parse_run(&text, path)
}

pub fn parse_run(text: &str, path: &Path) -> Result<Run> {
    let mut run = Run::default();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            continue;
        }
        let [qid, _q0, docid, _rank, score, _tag] = cols[..] else {
            return Err(line_error(
                path,
                i + 1,
                format!(
                    "expected 6 columns `qid Q0 docid rank score tag`, found {}",
                    cols.len()
                ),
            ));
        };
        let score: f64 = score
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite())
            .ok_or_else(|| line_error(path, i + 1, format!("score {score:?} is not a number")))?;
        if let Some(first) = seen.insert((qid.to_string(), docid.to_string()), i + 1) {
            return Err(line_error(
                path,
                i + 1,
                format!(
                    "document {docid:?} is listed twice for query {qid:?} (first on line {first}); trec_eval refuses such runs"
                ),
            ));
        }
        run.queries
            .entry(qid.to_string())
            .or_default()
            .push((docid.to_string(), score));
    }
    Ok(run)
}

/// The relevance values of a query's ranking, in trec_eval's order; `None` = not judged.
fn ranked_relevance(docs: &[(String, f64)], judged: &HashMap<String, i64>) -> Vec<Option<i64>> {
    let mut order: Vec<&(String, f64)> = docs.iter().collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
    order.iter().map(|(d, _)| judged.get(d).copied()).collect()
}

fn is_relevant(rel: Option<i64>) -> bool {
    rel.is_some_and(|r| r > 0)
}

/// nDCG's gain/discount sum over gains in rank order.
fn dcg(gains: impl Iterator<Item = f64>) -> f64 {
    gains
        .enumerate()
        .filter(|(_, g)| *g > 0.0)
        .map(|(i, g)| g / ((i + 2) as f64).log2())
        .sum()
}

/// One query's value of one metric.
pub fn measure(metric: Metric, ranked: &[Option<i64>], judged: &HashMap<String, i64>) -> f64 {
    let num_rel = judged.values().filter(|&&r| r > 0).count();
    let rel_in = |k: usize| ranked.iter().take(k).filter(|r| is_relevant(**r)).count();
    match metric {
        Metric::Map => {
            if num_rel == 0 {
                return 0.0;
            }
            let mut found = 0;
            let mut sum = 0.0;
            for (i, r) in ranked.iter().enumerate() {
                if is_relevant(*r) {
                    found += 1;
                    sum += found as f64 / (i + 1) as f64;
                }
            }
            sum / num_rel as f64
        }
        Metric::P(k) => rel_in(k) as f64 / k as f64,
        Metric::Recall(k) => {
            if num_rel == 0 {
                0.0
            } else {
                rel_in(k) as f64 / num_rel as f64
            }
        }
        Metric::RecipRank => ranked
            .iter()
            .position(|r| is_relevant(*r))
            .map_or(0.0, |i| 1.0 / (i + 1) as f64),
        Metric::Ndcg => measure(
            Metric::NdcgCut(ranked.len().max(num_rel).max(1)),
            ranked,
            judged,
        ),
        Metric::Rprec => {
            if num_rel == 0 {
                0.0
            } else {
                rel_in(num_rel) as f64 / num_rel as f64
            }
        }
        Metric::Bpref => bpref(ranked, num_rel, judged),
        Metric::NdcgCut(k) => {
            let got = dcg(ranked
                .iter()
                .take(k)
                .map(|r| r.filter(|&v| v > 0).unwrap_or(0) as f64));
            let mut ideal: Vec<i64> = judged.values().copied().filter(|&r| r > 0).collect();
            ideal.sort_unstable_by(|a, b| b.cmp(a));
            let best = dcg(ideal.iter().take(k).map(|&r| r as f64));
            if best > 0.0 { got / best } else { got }
        }
    }
}

/// bpref as trec_eval computes it: each relevant document retrieved scores 1 less the share of
/// judged non-relevant documents ranked above it (at most R of them, over min(R, N)); unjudged
/// documents and negative judgments are skipped; the sum is divided by R.
fn bpref(ranked: &[Option<i64>], num_rel: usize, judged: &HashMap<String, i64>) -> f64 {
    if num_rel == 0 {
        return 0.0;
    }
    // trec_eval counts a negative judgment as outside the pool: neither relevant nor judged.
    let num_nonrel = judged.values().filter(|&&r| r == 0).count();
    let mut nonrel_above = 0usize;
    let mut sum = 0.0;
    for r in ranked.iter().flatten() {
        if *r < 0 {
            continue;
        }
        if *r > 0 {
            sum += if nonrel_above > 0 {
                1.0 - nonrel_above.min(num_rel) as f64 / num_rel.min(num_nonrel) as f64
            } else {
                1.0
            };
        } else {
            nonrel_above += 1;
        }
    }
    sum / num_rel as f64
}

/// The values per query and their means.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Queries evaluated (in the run and judged), in trec_eval's order, with one value per metric.
    pub per_query: Vec<(String, Vec<f64>)>,
    pub mean: Vec<f64>,
    /// Run queries without judgments (ignored).
    pub unjudged_queries: Vec<String>,
    /// Judged queries not in the run (not averaged).
    pub missing_queries: Vec<String>,
}

/// Evaluates every query of the run that has judgments. With `complete` (trec_eval's `-c`),
/// judged queries missing from the run count too, as queries that found nothing.
pub fn evaluate(qrels: &Qrels, run: &Run, metrics: &[Metric], complete: bool) -> Evaluation {
    let mut e = Evaluation::default();
    for (qid, docs) in &run.queries {
        let Some(judged) = qrels.queries.get(qid) else {
            e.unjudged_queries.push(qid.clone());
            continue;
        };
        let ranked = ranked_relevance(docs, judged);
        let values = metrics
            .iter()
            .map(|&m| measure(m, &ranked, judged))
            .collect();
        e.per_query.push((qid.clone(), values));
    }
    e.missing_queries = qrels
        .queries
        .keys()
        .filter(|q| !run.queries.contains_key(*q))
        .cloned()
        .collect();
    if complete {
        for qid in &e.missing_queries {
            let judged = &qrels.queries[qid];
            let values = metrics.iter().map(|&m| measure(m, &[], judged)).collect();
            e.per_query.push((qid.clone(), values));
        }
        e.per_query.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let n = e.per_query.len();
    e.mean = (0..metrics.len())
        .map(|i| {
            if n == 0 {
                0.0
            } else {
                e.per_query.iter().map(|(_, v)| v[i]).sum::<f64>() / n as f64
            }
        })
        .collect();
    e
}

/// A list of ids for a message, cut after ten.
pub fn shorten(ids: &[String]) -> String {
    let mut s = ids.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > 10 {
        s.push_str(&format!(", … ({} more)", ids.len() - 10));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qrels(text: &str) -> Qrels {
        parse_qrels(text, Path::new("qrels")).unwrap()
    }

    fn run(text: &str) -> Run {
        parse_run(text, Path::new("run")).unwrap()
    }

    fn value(q: &Qrels, r: &Run, m: &str) -> f64 {
        evaluate(q, r, &[m.parse().unwrap()], false).mean[0]
    }

    #[test]
    fn average_precision_by_hand() {
        let q = qrels("1 0 a 1\n1 0 b 2\n1 0 c 0\n1 0 d 1\n");
        // Ranks: a (rel), x (unjudged), b (rel), c (judged 0): AP = (1/1 + 2/3) / 3.
        let r = run("1 Q0 a 1 4 t\n1 Q0 x 2 3 t\n1 Q0 b 3 2 t\n1 Q0 c 4 1 t\n");
        assert!((value(&q, &r, "map") - (1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!((value(&q, &r, "P_2") - 0.5).abs() < 1e-12);
        assert!((value(&q, &r, "recall_100") - 2.0 / 3.0).abs() < 1e-12);
        assert!((value(&q, &r, "recip_rank") - 1.0).abs() < 1e-12);
    }

    #[test]
    fn rprec_and_bpref_by_hand() {
        // R = 2 relevant (a, d), N = 2 judged non-relevant (b, c), e outside the pool.
        let q = qrels("1 0 a 1\n1 0 b 0\n1 0 c 0\n1 0 d 1\n1 0 e -1\n");
        // Ranks: b (non-rel), x (unjudged), a (rel), e (negative), c (non-rel), d (rel).
        let r = run(
            "1 Q0 b 1 6 t\n1 Q0 x 2 5 t\n1 Q0 a 3 4 t\n1 Q0 e 4 3 t\n1 Q0 c 5 2 t\n1 Q0 d 6 1 t\n",
        );
        // Rprec: 0 relevant in the first R = 2 (b, x).
        assert!(value(&q, &r, "Rprec").abs() < 1e-12);
        // bpref: a has 1 judged non-relevant above (1 - 1/2), d has 2 (1 - 2/2); over R = 2.
        assert!((value(&q, &r, "bpref") - 0.25).abs() < 1e-12);
        // ndcg over the whole ranking: gains at ranks 3 and 6 against the ideal 1 and 2.
        let got = 1.0 / 4f64.log2() + 1.0 / 7f64.log2();
        let ideal = 1.0 / 2f64.log2() + 1.0 / 3f64.log2();
        assert!((value(&q, &r, "ndcg") - got / ideal).abs() < 1e-12);
    }

    #[test]
    fn ties_sort_by_docid_descending_whatever_the_rank_column() {
        let q = qrels("1 0 a 1\n");
        // Equal scores: trec_eval puts "b" before "a", so the relevant doc is second.
        let r = run("1 Q0 a 1 5 t\n1 Q0 b 2 5 t\n");
        assert!((value(&q, &r, "recip_rank") - 0.5).abs() < 1e-12);
    }

    #[test]
    fn ndcg_uses_graded_gains_and_log2_rank_plus_one() {
        let q = qrels("1 0 a 2\n1 0 b 1\n1 0 z -1\n");
        let r = run("1 Q0 b 1 3 t\n1 Q0 z 2 2 t\n1 Q0 a 3 1 t\n");
        let got = 1.0 + 2.0 / 4f64.log2();
        let ideal = 2.0 + 1.0 / 3f64.log2();
        assert!((value(&q, &r, "ndcg_cut_10") - got / ideal).abs() < 1e-12);
    }

    #[test]
    fn unjudged_and_missing_queries_are_reported() {
        let q = qrels("1 0 a 1\n2 0 a 1\n");
        let r = run("1 Q0 a 1 1 t\n3 Q0 a 1 1 t\n");
        let e = evaluate(&q, &r, &[Metric::Map], false);
        assert_eq!(e.per_query.len(), 1);
        assert_eq!(e.unjudged_queries, vec!["3"]);
        assert_eq!(e.missing_queries, vec!["2"]);
        assert_eq!(e.mean, vec![1.0]);
        // trec_eval -c: the missing query counts, with nothing found.
        let c = evaluate(&q, &r, &[Metric::Map], true);
        assert_eq!(c.per_query.len(), 2);
        assert_eq!(c.mean, vec![0.5]);
    }

    #[test]
    fn bad_lines_name_the_line() {
        let e = parse_qrels("1 0 a 1\n1 a 1\n", Path::new("q")).unwrap_err();
        assert!(e.to_string().starts_with("q:2: expected 4 columns"), "{e}");
        let e = parse_run("1 Q0 a 1 x t\n", Path::new("r")).unwrap_err();
        assert!(e.to_string().starts_with("r:1: score"), "{e}");
        let e = parse_run("1 Q0 a 1 1 t\n1 Q0 a 2 1 t\n", Path::new("r")).unwrap_err();
        assert!(e.to_string().contains("listed twice"), "{e}");
        assert!(
            "ndcg_cut_x"
                .parse::<Metric>()
                .unwrap_err()
                .contains("ndcg_cut_K")
        );
    }
}
