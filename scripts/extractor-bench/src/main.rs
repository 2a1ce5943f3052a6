use std::collections::{HashMap, HashSet};
use std::time::Instant;

fn html_text(html: &str) -> String {
    let doc = scraper::Html::parse_fragment(html);
    let mut s = String::new();
    for t in doc.root_element().text() { s.push_str(t); s.push(' '); }
    s
}
fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect()
}
fn bag_f1(got: &[String], want: &[String]) -> f64 {
    let mut w: HashMap<&str, i64> = HashMap::new();
    for t in want { *w.entry(t).or_default() += 1; }
    let mut hit = 0i64;
    for t in got { if let Some(c) = w.get_mut(t.as_str()) { if *c > 0 { *c -= 1; hit += 1; } } }
    f1(hit as f64, got.len() as f64, want.len() as f64)
}
fn f1(hit: f64, g: f64, w: f64) -> f64 {
    if g == 0.0 && w == 0.0 { return 1.0 }
    if hit == 0.0 { return 0.0 }
    let p = hit / g; let r = hit / w; 2.0 * p * r / (p + r)
}
fn shingles(t: &[String]) -> HashSet<String> {
    if t.len() < 4 { return t.iter().cloned().collect() }
    t.windows(4).map(|w| w.join(" ")).collect()
}
fn sh_f1(got: &[String], want: &[String]) -> f64 {
    let g = shingles(got); let w = shingles(want);
    f1(g.intersection(&w).count() as f64, g.len() as f64, w.len() as f64)
}
#[derive(Default, Clone)]
struct Meta { title: Option<String>, byline: Option<String>, site: Option<String>, date: Option<String>, lang: Option<String> }
fn norm(s: &str) -> String { tokens(s).join(" ") }
fn hit(got: &Option<String>, want: &serde_json::Value) -> Option<bool> {
    let w = want.as_str()?;
    if w.trim().is_empty() { return None }
    Some(got.as_deref().map(norm) == Some(norm(w)))
}
fn date_hit(got: &Option<String>, want: &serde_json::Value) -> Option<bool> {
    let w = want.as_str()?;
    if w.len() < 10 { return None }
    Some(got.as_deref().map(|g| g.get(..10).unwrap_or(g).to_string()) == Some(w[..10].to_string()))
}

fn run(name: &str, html: &str) -> (String, Meta) {
    match name {
        "dom_smoothie" => match dom_smoothie::Readability::new(html, None, None).and_then(|mut r| r.parse()) {
            Ok(a) => (a.text_content.to_string(), Meta { title: Some(a.title), byline: a.byline, site: a.site_name, date: a.published_time, lang: a.lang }),
            Err(_) => (String::new(), Meta::default()),
        },
        "dom_smoothie-formatted" => { let cfg = dom_smoothie::Config { text_mode: dom_smoothie::TextMode::Formatted, ..Default::default() };
            match dom_smoothie::Readability::new(html, None, Some(cfg)).and_then(|mut r| r.parse()) {
            Ok(a) => (a.text_content.to_string(), Meta { title: Some(a.title), byline: a.byline, site: a.site_name, date: a.published_time, lang: a.lang }),
            Err(_) => (String::new(), Meta::default()),
        }},
        "readability" => {
            let url = url::Url::parse("http://example.com/").unwrap();
            match readability::extractor::extract(&mut html.as_bytes(), &url) {
                Ok(p) => (p.text, Meta { title: Some(p.title), ..Default::default() }),
                Err(_) => (String::new(), Meta::default()),
            }
        }
        "rs-trafilatura" => match rs_trafilatura::extract(html) {
            Ok(r) => (r.content_text, Meta { title: r.metadata.title, byline: r.metadata.author, site: r.metadata.sitename,
                date: r.metadata.date.map(|d| d.format("%Y-%m-%d").to_string()), lang: r.metadata.language }),
            Err(_) => (String::new(), Meta::default()),
        },
        _ => unreachable!(),
    }
}

fn main() {
    let root = std::path::Path::new("/work/shared/data/readability-test-pages");
    let mut pages = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(root).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("source.html").exists()).collect();
    dirs.sort();
    for d in &dirs {
        let src = std::fs::read(d.join("source.html")).unwrap();
        let src = String::from_utf8_lossy(&src).into_owned();
        let exp = std::fs::read_to_string(d.join("expected.html")).unwrap_or_default();
        let meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(d.join("expected-metadata.json")).unwrap_or("{}".into())).unwrap_or_default();
        pages.push((d.file_name().unwrap().to_string_lossy().into_owned(), src, tokens(&html_text(&exp)), meta));
    }
    let bytes: usize = pages.iter().map(|p| p.1.len()).sum();
    println!("{} pages, {:.1} MB", pages.len(), bytes as f64 / 1e6);
    let only: Option<String> = std::env::args().nth(1);
    println!("| extractor | token F1 mean | token F1 median | shingle F1 mean | shingle F1 median | pages F1<0.5 | title | author | site | date | lang | pages/s | MB/s |");
    for name in ["dom_smoothie", "dom_smoothie-formatted", "rs-trafilatura", "readability"] {
        if only.as_deref().is_some_and(|o| o != name) { continue }
        let t0 = Instant::now();
        let outs: Vec<_> = pages.iter().map(|p| run(name, &p.1)).collect();
        let secs = t0.elapsed().as_secs_f64();
        let mut tf = Vec::new(); let mut sf = Vec::new();
        let mut mh = [(0, 0); 5];
        let mut detail = String::new();
        for (p, (text, m)) in pages.iter().zip(&outs) {
            if p.3.get("readerable").and_then(|v| v.as_bool()) == Some(false) && p.2.len() < 50 { continue }
            let g = tokens(text);
            let a = bag_f1(&g, &p.2); let b = sh_f1(&g, &p.2);
            tf.push(a); sf.push(b);
            detail.push_str(&format!("{name} {} {:.3} {:.3}\n", p.0, a, b));
            let hs = [hit(&m.title, &p.3["title"]), hit(&m.byline, &p.3["byline"]), hit(&m.site, &p.3["siteName"]), date_hit(&m.date, &p.3["publishedTime"]), hit(&m.lang, &p.3["lang"])];
            for (i, h) in hs.iter().enumerate() { if let Some(h) = h { mh[i].1 += 1; if *h { mh[i].0 += 1 } } }
        }
        std::fs::write(format!("detail-{name}.txt"), detail).unwrap();
        let mean = |v: &Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        let med = |v: &Vec<f64>| { let mut v = v.clone(); v.sort_by(|a, b| a.partial_cmp(b).unwrap()); v[v.len() / 2] };
        let low = sf.iter().filter(|x| **x < 0.5).count();
        let m = |i: usize| format!("{}/{}", mh[i].0, mh[i].1);
        println!("| {name} | {:.3} | {:.3} | {:.3} | {:.3} | {low} of {} | {} | {} | {} | {} | {} | {:.0} | {:.1} |", mean(&tf), med(&tf), mean(&sf), med(&sf), sf.len(), m(0), m(1), m(2), m(3), m(4), pages.len() as f64 / secs, bytes as f64 / 1e6 / secs);
    }
}
