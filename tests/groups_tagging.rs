//! The group tagger measured: precision and recall per group on a labelled set of sentences
//! and short passages written for it (`tests/data/groups-labelled.tsv`), and no tag of a group
//! founded after 1993 on Reuters-21578 (1987) and 20 Newsgroups (1993), read from the shared
//! data through the library's own cutting and tagging.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use talash::corpus::{self, Article};
use talash::schema::Config;

/// The targets of the issue, per group.
const MIN_PRECISION: f64 = 0.98;
const MIN_RECALL: f64 = 0.95;

/// One labelled item: the groups its first passage is about, and the article's passages.
struct Item {
    line: usize,
    want: BTreeSet<String>,
    passages: Vec<String>,
}

/// `groups<TAB>kind<TAB>text`; groups comma-separated or `-`; the text's passages are separated
/// by ` ¶ ` (the label is the first passage's; the others are its article, for support).
fn labelled() -> Vec<Item> {
    let path = common::repo().join("tests/data/groups-labelled.tsv");
    let text = std::fs::read_to_string(&path).expect("the labelled set");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(
                cols.len(),
                3,
                "{}:{}: want 3 columns",
                path.display(),
                i + 1
            );
            let want = match cols[0] {
                "-" => BTreeSet::new(),
                g => g.split(',').map(|s| s.trim().to_string()).collect(),
            };
            Item {
                line: i + 1,
                want,
                passages: cols[2].split(" ¶ ").map(str::to_string).collect(),
            }
        })
        .collect()
}

#[test]
fn precision_and_recall_per_group_meet_the_targets() {
    let config = Config::shipped().unwrap();
    let gaz = &config.gazetteer;
    let items = labelled();
    let (mut positives, mut negatives) = (0, 0);
    // group → (true positives, false positives, false negatives)
    let mut counts: BTreeMap<String, (u32, u32, u32)> = gaz
        .groups()
        .iter()
        .map(|g| (g.path.to_string(), (0, 0, 0)))
        .collect();
    let mut errors = Vec::new();
    for item in &items {
        let passages: Vec<(u64, &str)> = item
            .passages
            .iter()
            .enumerate()
            .map(|(i, p)| (i as u64 + 1, p.as_str()))
            .collect();
        let tags = gaz.tag_article("", &passages);
        let got: BTreeSet<String> = tags[0].iter().map(|t| t.path.to_string()).collect();
        match item.want.is_empty() {
            true => negatives += 1,
            false => positives += 1,
        }
        for g in item.want.union(&got) {
            let c = counts
                .get_mut(g)
                .unwrap_or_else(|| panic!("line {}: unknown group {g}", item.line));
            match (item.want.contains(g), got.contains(g)) {
                (true, true) => c.0 += 1,
                (false, true) => c.1 += 1,
                (true, false) => c.2 += 1,
                (false, false) => {}
            }
        }
        if got != item.want {
            let why: Vec<String> = tags[0]
                .iter()
                .map(|t| format!("{:?}", t.evidence))
                .collect();
            errors.push(format!(
                "line {}: want {:?}, got {:?} {why:?}: {}",
                item.line, item.want, got, item.passages[0]
            ));
        }
    }
    assert!(items.len() >= 150, "only {} labelled items", items.len());
    println!(
        "{} items: {positives} with a group, {negatives} look-alikes or none",
        items.len()
    );
    println!(
        "{:<22} {:>4} {:>4} {:>4} {:>9} {:>6}",
        "group", "tp", "fp", "fn", "precision", "recall"
    );
    let mut failed = Vec::new();
    for (g, (tp, fp, fns)) in &counts {
        let precision = ratio(*tp, tp + fp);
        let recall = ratio(*tp, tp + fns);
        println!("{g:<22} {tp:>4} {fp:>4} {fns:>4} {precision:>9.3} {recall:>6.3}");
        assert!(
            tp + fns >= 3,
            "group {g} has {} labelled mentions; write more",
            tp + fns
        );
        if precision < MIN_PRECISION || recall < MIN_RECALL {
            failed.push(g.clone());
        }
    }
    for e in &errors {
        println!("{e}");
    }
    assert!(
        failed.is_empty(),
        "below precision {MIN_PRECISION} or recall {MIN_RECALL}: {failed:?}\n{}",
        errors.join("\n")
    );
}

/// 1.0 when nothing was counted (no tag: no wrong tag).
fn ratio(n: u32, d: u32) -> f64 {
    if d == 0 {
        1.0
    } else {
        f64::from(n) / f64::from(d)
    }
}

/// Groups founded after 1993, the newest date in either collection.
const AFTER_1993: &[&str] = &[
    "TTP",
    "TTP/Jamaat-ul-Ahrar",
    "ISIS",
    "ISIS/Khorasan",
    "BLA",
    "BLA/Majeed Brigade",
    "al-Qaeda/AQIS",
    "JeM",
];

fn shared_data(name: &str) -> Option<PathBuf> {
    let shared = std::env::var_os("TALASH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::repo().join("../shared"));
    let dir = shared.join("data").join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    let why = format!("no {name} at {}; set TALASH_SHARED", dir.display());
    if common::required() {
        panic!("{why} (TALASH_REQUIRE_SHARED=1, so this is a failure)");
    }
    eprintln!("SKIPPED: {why}");
    None
}

fn article(id: String, title: String, body: String) -> Article {
    Article {
        path: PathBuf::from(format!("{id}.md")),
        id,
        title,
        outlet: None,
        date: None,
        author: None,
        kind: None,
        source_note: None,
        url: None,
        lang: None,
        body,
        body_line: 1,
        warnings: Vec::new(),
    }
}

/// The text of an SGML element's first `<TAG>...</TAG>`, its entities decoded.
fn sgml_field(doc: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let Some(at) = doc.find(&open) else {
        return String::new();
    };
    let rest = &doc[at + open.len()..];
    let end = rest.find(&format!("</{tag}>")).unwrap_or(rest.len());
    let mut text = rest[..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    // Numeric entities stand for control characters: a space reads the same.
    while let Some(i) = text.find("&#") {
        let j = text[i..].find(';').map_or(text.len(), |j| i + j + 1);
        text.replace_range(i..j, " ");
    }
    text
}

fn reuters(dir: &Path) -> Vec<Article> {
    let mut out = Vec::new();
    for n in 0..=21 {
        let bytes = std::fs::read(dir.join(format!("reut2-{n:03}.sgm"))).expect("a Reuters file");
        let text = String::from_utf8_lossy(&bytes);
        for (i, doc) in text.split("</REUTERS>").enumerate() {
            let body = sgml_field(doc, "BODY");
            let title = sgml_field(doc, "TITLE");
            if !body.trim().is_empty() || !title.trim().is_empty() {
                out.push(article(format!("reut-{n}-{i}"), title, body));
            }
        }
    }
    out
}

fn newsgroups(dir: &Path) -> Vec<Article> {
    let mut files = Vec::new();
    for split in ["20news-bydate-train", "20news-bydate-test"] {
        for group in std::fs::read_dir(dir.join(split)).expect("a 20 Newsgroups split") {
            for post in std::fs::read_dir(group.unwrap().path()).unwrap() {
                files.push(post.unwrap().path());
            }
        }
    }
    files.sort();
    files
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let bytes = std::fs::read(path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
            let title = head
                .lines()
                .find_map(|l| l.strip_prefix("Subject:"))
                .unwrap_or("")
                .trim()
                .to_string();
            article(format!("news-{i}"), title, body.to_string())
        })
        .collect()
}

#[test]
fn no_group_founded_after_1993_on_reuters_and_20_newsgroups() {
    let (Some(reuters_dir), Some(news_dir)) =
        (shared_data("reuters21578"), shared_data("20newsgroups"))
    else {
        return;
    };
    let config = Config::shipped().unwrap();
    let mut articles = reuters(&reuters_dir);
    let reuters_count = articles.len();
    articles.extend(newsgroups(&news_dir));
    assert!(
        reuters_count > 20_000 && articles.len() > 39_000,
        "{}",
        articles.len()
    );
    let (mut passages, mut tagged) = (0, BTreeMap::<String, usize>::new());
    let mut wrong = Vec::new();
    for a in &articles {
        let cut = corpus::passages_for(a, &config.boilerplate, &config.spec.passages);
        let texts: Vec<(u64, &str)> = cut
            .iter()
            .map(|p| (u64::from(p.id.n()), p.text.as_str()))
            .collect();
        passages += texts.len();
        for (p, tags) in cut
            .iter()
            .zip(config.gazetteer.tag_article(&a.title, &texts))
        {
            for t in tags {
                let g = t.path.to_string();
                *tagged.entry(g.clone()).or_default() += 1;
                if AFTER_1993.contains(&g.as_str()) {
                    wrong.push(format!("{}: {:?}: {}", p.id, t.evidence, p.text));
                }
            }
        }
    }
    println!(
        "{} articles ({reuters_count} Reuters), {passages} passages; tags: {tagged:?}",
        articles.len()
    );
    assert!(passages > 100_000, "{passages} passages");
    assert!(
        wrong.is_empty(),
        "{} post-1993 tags:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// `talash show` and `--json` give each tag's evidence, on the shipped corpus: here an acronym
/// backed by the full name two passages earlier.
#[test]
fn show_and_json_give_each_tag_its_evidence() {
    let idx = common::corpus_index();
    let id = "eurasia-2023-03-pakistan-us-cooperation#5";
    let shown: serde_json::Value = serde_json::from_str(
        common::talash_ok(idx, &["show", id, "--json", "--context", "0"]).trim(),
    )
    .unwrap();
    let e = &shown["passages"][0]["group_evidence"][0];
    assert_eq!(e["group"], "TTP");
    assert_eq!(e["rule"], "article_name");
    assert_eq!(e["words"], "TTP");
    assert_eq!(e["at"]["passage_no"], 5);
    assert_eq!(e["support"]["words"], "Tehrik-i-Taliban");
    assert_eq!(e["support"]["at"]["passage_no"], 3);
    // The offsets point at the words in the passage's text.
    let text = shown["passages"][0]["text"].as_str().unwrap();
    let (s, t) = (
        e["at"]["start"].as_u64().unwrap(),
        e["at"]["end"].as_u64().unwrap(),
    );
    assert_eq!(&text[s as usize..t as usize], "TTP");

    let plain = common::talash_ok(idx, &["show", id, "--context", "0"]);
    assert!(
        plain.contains("why TTP: \"TTP\" (#5, bytes 216-219), short form; the article names the group in full: \"Tehrik-i-Taliban\" (#3, bytes 338-354)"),
        "{plain}"
    );
    // Every hit of a search carries one piece of evidence per group, naming that group.
    let hits = common::search_json(&["TTP", "--limit", "50"]);
    assert!(hits.len() > 5);
    for h in &hits {
        let groups: Vec<&str> = h["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap())
            .collect();
        let evidence: Vec<&str> = h["group_evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["group"].as_str().unwrap())
            .collect();
        assert_eq!(groups, evidence, "{h}");
    }
}

/// A gazetteer file with a bad rule is refused before anything is written, naming the file,
/// the key and what would be valid.
#[test]
fn a_bad_rule_in_groups_toml_is_a_clear_error() {
    let dir = common::temp("badgroups");
    let shipped = std::fs::read_to_string(common::repo().join("index-schema/groups.toml")).unwrap();
    let bad = shipped.replacen("\"militant*\"", "\"mili*tant\"", 1);
    let file = dir.path().join("groups.toml");
    std::fs::write(&file, bad).unwrap();
    let idx = dir.path().join("idx");
    let r = common::index_into(
        &common::repo().join("corpus"),
        &idx,
        &["--groups", file.to_str().unwrap(), "--quiet"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(file.to_str().unwrap()), "{}", r.stderr);
    assert!(
        r.stderr.contains("rules.context: entry \"mili*tant\""),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("'*' may only end a word"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked") && !idx.exists());
}
