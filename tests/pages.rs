//! Saved web pages, web archives, plain text and the JSONL export (issue 22), on real pages
//! from the shared set (Mozilla's Readability test pages: `source.html`, the text its reader
//! view extracts, and the page's metadata) where the test needs real pages.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// News pages of the shared set, of many outlets, languages and charsets.
const NEWS: &[&str] = &[
    "nytimes-1",
    "nytimes-2",
    "bbc-1",
    "guardian-1",
    "cnn",
    "wapo-1",
    "wapo-2",
    "telegraph",
    "seattletimes-1",
    "herald-sun-1",
    "breitbart",
    "yahoo-1",
    "msn",
    "lemonde-1",
    "liberation-1",
    "folha",
    "la-nacion",
    "aktualne",
    "heise",
    "salon-1",
    "theverge",
    "citylab-1",
    "buzzfeed-1",
    "medicalnewstoday",
    "engadget",
    "ars-1",
];

fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The text of an HTML fragment, crudely (tags dropped, the few entities decoded).
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&nbsp;", " ")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Bag-of-words F1 of `got` against `want`.
fn token_f1(got: &str, want: &str) -> f64 {
    let (g, w) = (tokens(got), tokens(want));
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for t in &w {
        *counts.entry(t).or_default() += 1;
    }
    let hit = g
        .iter()
        .filter(|t| {
            counts.get_mut(t.as_str()).is_some_and(|c| {
                *c > 0 && {
                    *c -= 1;
                    true
                }
            })
        })
        .count() as f64;
    if hit == 0.0 {
        return 0.0;
    }
    let (p, r) = (hit / g.len() as f64, hit / w.len() as f64);
    2.0 * p * r / (p + r)
}

fn norm(s: &str) -> String {
    tokens(s).join(" ")
}

/// The shared pages `names` copied into `dir` as `NAME.html`.
fn copy_pages(pages: &Path, names: &[&str], dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for n in names {
        std::fs::copy(
            pages.join(n).join("source.html"),
            dir.join(format!("{n}.html")),
        )
        .unwrap();
    }
}

/// The whole article `id` as `talash show --json` gives it.
fn article(idx: &Path, id: &str) -> Value {
    let out = talash_ok(idx, &["show", id, "--json"]);
    serde_json::from_str(out.lines().next().unwrap_or("")).unwrap()
}

fn body(a: &Value) -> String {
    a["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each page's title, author, date and outlet against what its metadata states, and its text
/// against what the reader view extracts: per field, the share that agrees.
#[test]
fn saved_pages_give_their_stated_metadata_and_text() {
    let Some(pages) = shared_data("readability-test-pages") else {
        return;
    };
    let tmp = temp("pages");
    let corpus = tmp.path().join("c");
    copy_pages(&pages, NEWS, &corpus);
    let idx = tmp.path().join("idx");
    let out = index_ok(&corpus, &idx, &[]);
    assert!(!out.contains("skipped"), "{out}");
    let mut tally: HashMap<&str, (u32, u32)> = HashMap::new();
    let mut f1s = Vec::new();
    for n in NEWS {
        let a = article(&idx, n);
        let meta: Value = serde_json::from_str(
            &std::fs::read_to_string(pages.join(n).join("expected-metadata.json")).unwrap(),
        )
        .unwrap();
        let checks = [
            ("title", "title", false),
            ("author", "byline", false),
            ("outlet", "siteName", false),
            ("date", "publishedTime", true),
        ];
        for (ours, theirs, day) in checks {
            let Some(want) = meta[theirs].as_str().filter(|w| !w.trim().is_empty()) else {
                continue;
            };
            // Some expected bylines are the page's dateline ("April 28, 2019 at 6:01 am"):
            // no author to compare with.
            if ours == "author" && want.chars().filter(char::is_ascii_digit).count() >= 4 {
                continue;
            }
            let got = a[ours].as_str().unwrap_or("");
            let ok = match day {
                true => want.get(..10) == Some(got),
                false => norm(got) == norm(want).trim_start_matches("by "),
            };
            let t = tally.entry(ours).or_default();
            t.1 += 1;
            if ok {
                t.0 += 1;
            } else {
                eprintln!("{n}: {ours} {got:?}, the page states {want:?}");
            }
        }
        let expected = std::fs::read_to_string(pages.join(n).join("expected.html")).unwrap();
        let f1 = token_f1(&body(&a), &html_text(&expected));
        eprintln!("{n}: body token F1 {f1:.3}");
        f1s.push(f1);
    }
    let mean = f1s.iter().sum::<f64>() / f1s.len() as f64;
    eprintln!("mean body token F1 {mean:.3}; metadata {tally:?}");
    assert!(mean >= 0.95, "mean body F1 {mean:.3}");
    assert!(f1s.iter().all(|f| *f >= 0.75), "{f1s:?}");
    for (field, (hit, of)) in &tally {
        assert!(*of >= 5, "{field}: only {of} pages state it");
        assert!(
            f64::from(*hit) >= 0.9 * f64::from(*of),
            "{field}: {hit} of {of} agree with the page"
        );
    }
    // Group tags and filters work on pages as on Markdown: the outlet filter by a part of the
    // name, the date filter.
    let guardian = article(&idx, "guardian-1");
    let outlet = guardian["outlet"].as_str().unwrap().to_string();
    let hits = search_in(&idx, &["whale", "--outlet", &outlet, "--limit", "1000"]);
    assert!(!hits.is_empty() && hits.iter().all(|h| field(h, "article_id") == "guardian-1"));
    let date = article(&idx, "nytimes-1")["date"]
        .as_str()
        .unwrap()
        .to_string();
    let dated = search_in(&idx, &["Sudan", "--since", &date, "--until", &date]);
    assert!(dated.iter().any(|h| field(h, "article_id") == "nytimes-1"));
}

/// A page gzipped, one in Windows-1252, an empty one, a script-only one and an index page:
/// the first two are read as the originals, the others skipped with the reason, the run goes
/// on.
#[test]
fn gzip_charsets_and_pages_that_are_not_articles() {
    let Some(pages) = shared_data("readability-test-pages") else {
        return;
    };
    let tmp = temp("pages-kinds");
    let corpus = tmp.path().join("c");
    copy_pages(&pages, &["nytimes-1"], &corpus);
    // A page with accents that Windows-1252 can hold whole.
    let (src, cp) = [
        "lemonde-1",
        "liberation-1",
        "folha",
        "la-nacion",
        "aktualne",
    ]
    .iter()
    .find_map(|n| {
        let src = std::fs::read(pages.join(n).join("source.html")).unwrap();
        let text = String::from_utf8(src.clone()).ok()?;
        let text = text.replacen("<head>", "<head><meta charset=\"windows-1252\">", 1);
        let (cp, _, lossy) = encoding_rs::WINDOWS_1252.encode(&text);
        (!lossy && text.contains('é')).then(|| (src, cp.into_owned()))
    })
    .expect("a page that Windows-1252 can hold");
    // gzip, as a saved `.html.gz`.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &src).unwrap();
    std::fs::write(corpus.join("lemonde-gz.html.gz"), gz.finish().unwrap()).unwrap();
    // Windows-1252, declared.
    std::fs::write(corpus.join("lemonde-cp1252.htm"), &cp).unwrap();
    std::fs::write(corpus.join("empty.html"), "").unwrap();
    std::fs::write(
        corpus.join("script.html"),
        "<html><body><script>document.write('x')</script></body></html>",
    )
    .unwrap();
    let links: String = (0..60)
        .map(|i| format!("<li><a href=\"/s{i}\">Headline of story number {i}</a></li>"))
        .collect();
    std::fs::write(
        corpus.join("index.html"),
        format!("<html><body><ul>{links}</ul></body></html>"),
    )
    .unwrap();
    let idx = tmp.path().join("idx");
    let out = index_ok(&corpus, &idx, &[]);
    for (page, why) in [
        ("empty.html", "empty or script-only"),
        ("script.html", "empty or script-only"),
        ("index.html", "not an article"),
    ] {
        assert!(
            out.contains(&format!("{page}: skipped, not an article")) && out.contains(why),
            "{page}: {out}"
        );
    }
    assert!(out.contains("Indexed 3 articles"), "{out}");
    let (a, b) = (article(&idx, "lemonde-gz"), article(&idx, "lemonde-cp1252"));
    assert_eq!(a["title"], b["title"]);
    assert_eq!(body(&a), body(&b));
    assert!(body(&a).contains('é'), "accents read as the charset says");
    assert_eq!(a["date"], b["date"]);
}

/// The record layout of WARC/1.0: version line, headers, blank line, body, two CRLFs.
fn warc_record(kind: &str, uri: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2023-03-06T05:00:00Z\r\nWARC-Record-ID: <urn:uuid:{}>\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        uri.len(),
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http_response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

/// A web archive built here from real pages, gzipped record by record as crawlers write it:
/// each HTML response is the article its page is when saved, with the record's URI and date
/// where the page has none; the other records are counted.
#[test]
fn web_archives_read_each_html_response_as_an_article() {
    let Some(pages) = shared_data("readability-test-pages") else {
        return;
    };
    let tmp = temp("warc");
    let corpus = tmp.path().join("c");
    let saved = tmp.path().join("saved");
    let names = ["nytimes-1", "guardian-1", "lemonde-1"];
    copy_pages(&pages, &names, &saved);
    std::fs::create_dir_all(&corpus).unwrap();
    let h = "application/http; msgtype=response";
    let mut records = vec![warc_record(
        "warcinfo",
        "",
        "application/warc-fields",
        b"software: talash test\r\n",
    )];
    for n in names {
        let src = std::fs::read(pages.join(n).join("source.html")).unwrap();
        let uri = format!("https://news.example/{n}");
        records.push(warc_record(
            "request",
            &uri,
            "application/http; msgtype=request",
            b"GET / HTTP/1.1\r\n\r\n",
        ));
        records.push(warc_record(
            "response",
            &uri,
            h,
            &http_response("200 OK", "text/html; charset=utf-8", &src),
        ));
    }
    records.push(warc_record(
        "response",
        "https://news.example/logo.png",
        h,
        &http_response("200 OK", "image/png", b"\x89PNG"),
    ));
    records.push(warc_record(
        "response",
        "https://news.example/gone",
        h,
        &http_response("404 Not Found", "text/html", b"<p>gone</p>"),
    ));
    records.push(warc_record(
        "revisit",
        "https://news.example/nytimes-1",
        h,
        b"",
    ));
    let mut file = Vec::new();
    for r in &records {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, r).unwrap();
        file.extend(gz.finish().unwrap());
    }
    std::fs::write(corpus.join("crawl.warc.gz"), file).unwrap();
    let idx = tmp.path().join("idx");
    let out = index_ok(&corpus, &idx, &[]);
    assert!(
        out.contains("crawl.warc.gz: web archive: 3 records read as articles; records skipped: 1 revisit, 1 not HTML, 1 error or redirect status, 4 request, metadata or info"),
        "{out}"
    );
    let saved_idx = tmp.path().join("saved-idx");
    index_ok(&saved, &saved_idx, &[]);
    let all = talash_ok(&idx, &["export", "--to", "jsonl", "-"]);
    let lines = json_lines(&all);
    assert_eq!(lines.len(), 3);
    for n in names {
        let from_page = article(&saved_idx, n);
        let rec = lines
            .iter()
            .find(|l| l["title"] == from_page["title"])
            .unwrap_or_else(|| panic!("{n} not in the archive's articles"));
        assert_eq!(
            rec["text"].as_str().unwrap(),
            body(&from_page).replace('\n', "\n\n"),
            "{n}"
        );
        assert_eq!(rec["author"], from_page["author"]);
        let url = rec["url"].as_str().unwrap();
        assert!(url.starts_with("http"), "{url}");
        // The fetch date stands in only where the page gives none.
        let date = rec["date"].as_str().unwrap();
        match from_page["date"].as_str() {
            Some(d) => assert_eq!(date, d),
            None => assert_eq!(date, "2023-03-06"),
        }
    }
}

/// Plain text: the title from the first line, --date and --outlet for the rest, reported.
#[test]
fn plain_text_takes_its_title_from_the_first_line() {
    let tmp = temp("txt");
    let corpus = tmp.path().join("c");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("talks notes.txt"),
        "Counter-terror talks resume\n\nDelegations met in Islamabad on Monday.\n\nThe TTP claimed the attack in Bannu, police said.\n",
    )
    .unwrap();
    let idx = tmp.path().join("idx");
    let out = index_ok(&corpus, &idx, &["--date", "2023-03-06", "--outlet", "Dawn"]);
    assert!(
        out.contains("talks notes.txt: no front matter, so guessed: title \"Counter-terror talks resume\" from line 1, date 2023-03-06 from --date, outlet \"Dawn\" from --outlet; id \"talks-notes\" from the file name"),
        "{out}"
    );
    let hits = search_in(
        &idx,
        &["Islamabad", "--outlet", "dawn", "--since", "2023-03"],
    );
    assert_eq!(hits.len(), 1);
    assert_eq!(field(&hits[0], "passage_id"), "talks-notes#1");
    let a = article(&idx, "talks-notes");
    assert_eq!(a["passages"].as_array().unwrap().len(), 2);
}

/// The export read back as a JSONL collection gives the same search results, passage for
/// passage (with `--jsonl-passages paragraph`), on the shipped corpus and on saved pages.
#[test]
fn the_jsonl_export_reads_back_to_the_same_results() {
    let tmp = temp("export-jsonl");
    let mut corpora: Vec<(PathBuf, Vec<&str>)> = vec![(
        repo().join("corpus"),
        vec![
            "counterterrorism",
            "TTP",
            "Balochistan dialogue",
            "\"United States\"",
        ],
    )];
    if let Some(pages) = shared_data("readability-test-pages") {
        let dir = tmp.path().join("pages");
        copy_pages(&pages, &NEWS[..8], &dir);
        corpora.push((dir, vec!["president", "said", "government"]));
    }
    for (i, (corpus, queries)) in corpora.iter().enumerate() {
        let idx = tmp.path().join(format!("idx{i}"));
        index_ok(corpus, &idx, &[]);
        let dir = tmp.path().join(format!("export{i}"));
        let out = talash_ok(
            &idx,
            &["export", "--format", "jsonl", dir.to_str().unwrap()],
        );
        assert!(out.contains("articles"), "{out}");
        let back = tmp.path().join(format!("back{i}"));
        index_ok(&dir, &back, &["--jsonl-passages", "paragraph"]);
        for q in queries {
            let (a, b) = (
                search_in(&idx, &[q, "--limit", "50"]),
                search_in(&back, &[q, "--limit", "50"]),
            );
            assert!(!a.is_empty(), "{q}");
            let key = |h: &Value| {
                (
                    h["passage_id"].clone(),
                    h["title"].clone(),
                    h["date"].clone(),
                    h["outlet"].clone(),
                    h["groups"].clone(),
                )
            };
            assert_eq!(
                a.iter().map(key).collect::<Vec<_>>(),
                b.iter().map(key).collect::<Vec<_>>(),
                "{q}"
            );
        }
    }
    let r = talash_in(
        &repo().join("no-such-index"),
        &["export", "--to", "opensearch", "-"],
    );
    assert_ne!(r.code, 0);
}

/// A synthetic news page of about 120 words naming `place`.
fn synthetic_page(title: &str, place: &str) -> String {
    let para = format!(
        "Officials in {place} said on Monday that the talks would go on for a second week, and that both delegations had agreed on an agenda for the meetings ahead. "
    );
    format!(
        "<html lang=\"en\"><head><title>{title}</title><meta property=\"og:site_name\" content=\"The Daily\"><meta property=\"article:published_time\" content=\"2024-05-13\"></head><body><article><h1>{title}</h1><p>{}</p><p>{}</p><p>{}</p></article></body></html>",
        para.repeat(2),
        para.repeat(2),
        para
    )
}

/// Updates read the new kinds as they read Markdown: unchanged pages, text files and archive
/// records are not re-indexed (the content hash decides), a changed page is.
#[test]
fn updates_reindex_only_changed_pages_text_and_records() {
    let tmp = temp("pages-update");
    let corpus = tmp.path().join("c");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("a.html"),
        synthetic_page("Talks in Quetta", "Quetta"),
    )
    .unwrap();
    std::fs::write(
        corpus.join("b.txt"),
        "Notes from Gwadar\n\nThe port in Gwadar reopened.\n",
    )
    .unwrap();
    let page = synthetic_page("Talks in Zhob", "Zhob");
    let mut http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n",
        page.len()
    )
    .into_bytes();
    http.extend_from_slice(page.as_bytes());
    std::fs::write(
        corpus.join("c.warc"),
        warc_record(
            "response",
            "https://d.example/zhob",
            "application/http; msgtype=response",
            &http,
        ),
    )
    .unwrap();
    let idx = tmp.path().join("idx");
    let first = index_ok(&corpus, &idx, &[]);
    assert!(first.contains("Indexed 3 articles"), "{first}");
    let again = index_ok(&corpus, &idx, &[]);
    assert!(
        again.contains("0 added, 0 changed, 0 removed, 3 unchanged articles"),
        "{again}"
    );
    std::fs::write(
        corpus.join("a.html"),
        synthetic_page("Talks in Quetta", "Turbat"),
    )
    .unwrap();
    let changed = index_ok(&corpus, &idx, &[]);
    assert!(
        changed.contains("0 added, 1 changed, 0 removed, 2 unchanged articles"),
        "{changed}"
    );
    assert_eq!(search_in(&idx, &["Turbat"]).len(), 3);
    assert!(!search_in(&idx, &["Zhob", "--outlet", "daily"]).is_empty());
}
