//! Saved web pages (`*.html`, `*.htm`, `*.html.gz`) and the HTML records of web archives: the
//! article's text without the page's furniture, and its metadata from the page itself.
//!
//! The body is extracted by dom_smoothie (a port of Mozilla's Readability, chosen by
//! measurement: docs/CORPUS.md) after figures and their captions, navigation and asides are
//! removed (captions repeat the text or describe a photo). Metadata, most trusted first:
//! 1. JSON-LD (`NewsArticle`, `Article`, `ReportageNewsArticle`, ...: headline, author,
//!    datePublished, publisher, inLanguage), read by dom_smoothie;
//! 2. meta tags: Open Graph (`og:title`, `og:site_name`), `article:published_time`,
//!    `article:author`, Dublin Core, Twitter, `name=author`, also read by dom_smoothie;
//! 3. what Talash reads itself where those say nothing: `<meta name=date|pubdate|...>`, the
//!    first `<time datetime>` in the page, `<link rel=canonical>` / `og:url` for the address,
//!    `<html lang>` for the language; then the visible byline Readability finds, the
//!    `<title>`;
//! 4. the web archive record (its target URI and fetch date), then `--date` / `--outlet`.
//!
//! A page that is not an article (an index page, an empty or script-only page, a paywall
//! stub) is [`Page::NotArticle`] with the reason, never an error: the run goes on without it.

use std::path::Path;

use dom_query::Document;

use super::article::{Article, InputError};
use super::plain::Defaults;
use crate::date::DateSpan;
use crate::plural::count;

/// What a page is to the corpus.
#[derive(Debug)]
pub enum Page {
    Article(Box<Article>),
    /// Not an article, and why (said to the user; the page is skipped).
    NotArticle(String),
}

/// What the web archive record knows about a page, used where the page says nothing.
#[derive(Debug, Default, Clone)]
pub struct Record<'a> {
    pub url: Option<&'a str>,
    /// The fetch date (`WARC-Date`), `YYYY-MM-DD...`.
    pub fetched: Option<&'a str>,
    /// The charset of the HTTP `Content-Type` header, which wins over the page's own.
    pub charset: Option<&'a str>,
}

/// Fewer words than this in the extracted text is no article (a stub, a list, an error page).
pub const MIN_WORDS: usize = 50;

/// Phrases of a paywall or sign-in wall, looked for in short extracted texts.
const PAYWALL: &[&str] = &[
    "subscribe to continue",
    "to continue reading",
    "subscribe to read",
    "subscribers only",
    "for subscribers",
    "already a subscriber",
    "sign in to read",
    "log in to read",
    "create a free account",
    "subscription required",
];

/// The text of `bytes` in the charset they declare: a byte order mark first, then the HTTP
/// header's charset, then `<meta charset>` or `<meta http-equiv=Content-Type>` in the first
/// 4 KB; without any, UTF-8 when the bytes are valid UTF-8, else Windows-1252 (what browsers
/// take Latin-1 to be). Never fails: undecodable bytes become U+FFFD.
pub fn decode(bytes: &[u8], http_charset: Option<&str>) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let declared = http_charset
        .and_then(|c| encoding_rs::Encoding::for_label(c.trim().as_bytes()))
        .or_else(|| meta_charset(&bytes[..bytes.len().min(4096)]));
    let enc = match declared {
        // A page declaring UTF-16 without a BOM is read as ASCII-compatible, as browsers do.
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => encoding_rs::UTF_8,
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::WINDOWS_1252,
    };
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// The encoding a `<meta>` tag in `head` names: `charset=...` anywhere in a meta tag.
fn meta_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = find(&lower[at..], b"<meta") {
        let start = at + i;
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset=") {
            let value = &tag[c + 8..];
            let value = value
                .iter()
                .position(|b| !matches!(b, b'"' | b'\'' | b' '))
                .map_or(&value[..0], |s| &value[s..]);
            let len = value
                .iter()
                .position(|b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                })
                .unwrap_or(value.len());
            if let Some(e) = encoding_rs::Encoding::for_label(&value[..len]) {
                return Some(e);
            }
        }
        at = end;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub use super::plain::id_from_path;

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

/// The date at the start of `s`, to the day: `2015-04-03T10:00Z`, `2015/04/03`, `20150403`.
pub fn date_of(s: &str) -> Option<DateSpan> {
    let s = s.trim();
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let iso = if digits(0..4)
        && matches!(b.get(4), Some(b'-' | b'/'))
        && digits(5..7)
        && b.get(7) == b.get(4)
        && digits(8..10)
    {
        format!("{}-{}-{}", &s[0..4], &s[5..7], &s[8..10])
    } else if digits(0..8) && !b.get(8).is_some_and(u8::is_ascii_digit) {
        format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8])
    } else {
        return None;
    };
    DateSpan::parse(&iso).ok()
}

/// Metadata Talash reads from the page itself (step 3 of the order in the module's doc).
#[derive(Debug, Default)]
struct OwnMeta {
    date: Option<String>,
    url: Option<String>,
    lang: Option<String>,
    title: Option<String>,
    paywalled: bool,
}

fn own_meta(doc: &Document) -> OwnMeta {
    let mut m = OwnMeta::default();
    for node in doc.select("meta").nodes() {
        let key = node
            .attr("property")
            .or_else(|| node.attr("name"))
            .or_else(|| node.attr("itemprop"))
            .map(|k| k.to_ascii_lowercase());
        let (Some(key), Some(content)) = (key, node.attr("content")) else {
            continue;
        };
        let content = content.trim();
        if content.is_empty() {
            continue;
        }
        match key.as_str() {
            "article:published_time"
            | "datepublished"
            | "date"
            | "pubdate"
            | "publishdate"
            | "dc.date"
            | "dc.date.issued"
            | "dcterms.date"
            | "sailthru.date"
            | "parsely-pub-date"
            | "og:published_time"
            | "article.published"
                if m.date.is_none() && date_of(content).is_some() =>
            {
                m.date = Some(content.to_string());
            }
            "og:url" if m.url.is_none() => m.url = Some(content.to_string()),
            _ => {}
        }
    }
    if m.date.is_none() {
        m.date = doc
            .select("time[datetime]")
            .nodes()
            .iter()
            .filter_map(|n| n.attr("datetime"))
            .find(|d| date_of(d).is_some())
            .map(|d| d.to_string());
    }
    if let Some(href) = doc
        .select("link[rel=canonical]")
        .nodes()
        .first()
        .and_then(|n| n.attr("href"))
        .filter(|h| h.starts_with("http"))
    {
        m.url = Some(href.trim().to_string());
    }
    m.lang = doc
        .select("html[lang]")
        .nodes()
        .first()
        .and_then(|n| n.attr("lang"))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    m.title = doc
        .select("title")
        .nodes()
        .first()
        .map(|n| n.text().split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    m.paywalled = doc
        .select("script[type=\"application/ld+json\"]")
        .nodes()
        .iter()
        .any(|n| {
            let t = n.text();
            let t = t.to_ascii_lowercase();
            t.contains("\"isaccessibleforfree\"")
                && (t.contains(":false") || t.contains(": false") || t.contains("\"false\""))
        });
    m
}

/// Reads one page: `bytes` as fetched or saved, `path` for errors and the default id.
pub fn read_page(
    bytes: &[u8],
    path: &Path,
    id: String,
    record: &Record,
    defaults: &Defaults,
) -> Result<Page, InputError> {
    let text = decode(bytes, record.charset);
    // An extractor is code that walks untrusted input: a panic in it must cost one page only.
    let extracted = std::panic::catch_unwind(|| extract(&text));
    let Ok(extracted) = extracted else {
        return Ok(Page::NotArticle(
            "the article extractor failed on this page (please report it)".into(),
        ));
    };
    let x = match extracted {
        Ok(x) => x,
        Err(reason) => return Ok(Page::NotArticle(reason)),
    };
    let mut warnings = Vec::new();
    let date = match (&x.date, record.fetched) {
        (Some(d), _) => match date_of(d) {
            Some(d) => Some(d),
            None => {
                warnings.push(format!(
                    "{}: the page's date {d:?} is not a date Talash reads (YYYY-MM-DD...); left out",
                    path.display()
                ));
                None
            }
        },
        (None, Some(f)) => date_of(f),
        (None, None) => None,
    };
    let date = date.or(defaults.date);
    let outlet = x.site_name.or_else(|| defaults.outlet.clone());
    let url = x.url.or_else(|| record.url.map(String::from));
    Ok(Page::Article(Box::new(Article {
        id,
        title: x.title,
        outlet,
        date,
        author: x.byline,
        kind: None,
        source_note: None,
        url,
        lang: x.lang,
        body: x.body,
        body_line: 1,
        path: path.to_path_buf(),
        warnings,
    })))
}

/// What the extraction found.
struct Extracted {
    title: String,
    byline: Option<String>,
    site_name: Option<String>,
    date: Option<String>,
    url: Option<String>,
    lang: Option<String>,
    /// Paragraphs separated by blank lines.
    body: String,
}

fn clean(s: Option<impl AsRef<str>>) -> Option<String> {
    let s = s?;
    let s = s.as_ref().split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// The article of a page, or why it is none.
fn extract(html: &str) -> Result<Extracted, String> {
    let doc = Document::from(html);
    let own = own_meta(&doc);
    let words_in = |sel: &str| -> usize {
        doc.select(sel)
            .nodes()
            .iter()
            .map(|n| n.text().split_whitespace().count())
            .sum()
    };
    // Scripts stay in the document (JSON-LD is read from them) but their text is no reading.
    let page_words = words_in("body").saturating_sub(words_in(
        "body script, body style, body noscript, body template",
    ));
    if page_words == 0 {
        return Err("empty or script-only page: no text in its body".into());
    }
    let links: usize = doc
        .select("body a")
        .nodes()
        .iter()
        .map(|a| a.text().split_whitespace().count())
        .sum();
    // Figures and their captions are no part of the article's text (navigation and asides
    // are the extractor's business: removed here, they took bylines with them).
    doc.select("figure, figcaption").remove();
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    let mut r = dom_smoothie::Readability::with_document(doc, None, Some(cfg))
        .map_err(|e| format!("the article extractor refused the page: {e}"))?;
    let readerable = r.is_probably_readable();
    let a = match r.parse() {
        Ok(a) => a,
        Err(_) => {
            return Err(format!(
                "no article text found ({} on the page, {}% of them in links): an index or list page?",
                count(page_words, "word"),
                links * 100 / page_words.max(1)
            ));
        }
    };
    let body = paragraphs_of(&a.text_content);
    // Words as Unicode segments them: each Chinese or Japanese character counts as one.
    let words = unicode_segmentation::UnicodeSegmentation::unicode_words(body.as_str()).count();
    let lower = body.to_lowercase();
    if (own.paywalled && words < 300) || (words < 250 && PAYWALL.iter().any(|p| lower.contains(p)))
    {
        return Err(format!(
            "paywall or sign-in stub ({} of article text)",
            count(words, "word")
        ));
    }
    let link_share = links * 100 / page_words.max(1);
    if !readerable && link_share >= 40 {
        return Err(format!(
            "an index or list page: {link_share}% of its {} are links",
            count(page_words, "word")
        ));
    }
    if words < MIN_WORDS {
        return Err(format!(
            "too little article text ({}; an article has at least {MIN_WORDS}): a stub, a list or an error page?",
            count(words, "word")
        ));
    }
    let site_name = clean(a.site_name.as_deref());
    let title = clean(Some(a.title.as_str()))
        .or(own.title)
        .unwrap_or_default();
    let title = without_site_name(&title, site_name.as_deref());
    Ok(Extracted {
        title,
        byline: clean(a.byline.as_deref()).and_then(|b| strip_by(&b)),
        site_name,
        date: clean(a.published_time.as_deref()).or(own.date),
        url: clean(a.url.as_deref())
            .filter(|u| u.starts_with("http"))
            .or(own.url),
        lang: clean(a.lang.as_deref()).or(own.lang),
        body,
    })
}

/// "Talks begin - The Daily" → "Talks begin" when the site is "The Daily" (Readability keeps a
/// site's name after a short title).
fn without_site_name(title: &str, site: Option<&str>) -> String {
    let Some(site) = site.filter(|s| !s.is_empty()) else {
        return title.to_string();
    };
    let Some(head) = strip_suffix_ci(title, site) else {
        return title.to_string();
    };
    let head = head.trim_end();
    match head.strip_suffix(['-', '|', '\u{2013}', '\u{2014}', ':', '\u{b7}']) {
        Some(h) if !h.trim().is_empty() => h.trim().to_string(),
        _ => title.to_string(),
    }
}

/// "By Jane Doe" → "Jane Doe"; a byline that is a date or a time is none.
fn strip_by(byline: &str) -> Option<String> {
    if byline.chars().filter(char::is_ascii_digit).count() >= 4 {
        return None;
    }
    for by in ["By ", "by ", "BY "] {
        if let Some(rest) = byline.strip_prefix(by) {
            return Some(rest.trim().to_string());
        }
    }
    Some(byline.to_string())
}

/// The extractor's formatted text as paragraphs separated by blank lines: its lines trimmed,
/// runs of blank lines made one.
fn paragraphs_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = true;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
        blank = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> Page {
        read_page(
            html.as_bytes(),
            Path::new("p.html"),
            "p".into(),
            &Record::default(),
            &Defaults::default(),
        )
        .unwrap()
    }

    fn words(n: usize) -> String {
        (0..n).map(|i| format!("word{i} ")).collect::<String>() + "."
    }

    #[test]
    fn charsets_are_read_as_declared() {
        let latin = b"<html><head><meta charset=\"iso-8859-1\"></head><body>caf\xe9</body></html>";
        assert!(decode(latin, None).contains("café"));
        let cp = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\x93q\x94";
        assert!(decode(cp, None).contains("\u{201c}q\u{201d}"));
        let bom = b"\xef\xbb\xbf<p>caf\xc3\xa9</p>";
        assert_eq!(decode(bom, None), "<p>café</p>");
        // Undeclared and not UTF-8: Windows-1252.
        assert_eq!(decode(b"caf\xe9", None), "café");
        // The HTTP header wins over the page.
        assert_eq!(
            decode(b"<meta charset=utf-8>caf\xe9", Some("latin1")),
            "<meta charset=utf-8>café"
        );
    }

    #[test]
    fn ids_come_from_the_file_name() {
        assert_eq!(
            id_from_path(Path::new("a/US lifts sanctions _ NYT.html")),
            "US-lifts-sanctions-_-NYT"
        );
        assert_eq!(id_from_path(Path::new("b.html.gz")), "b");
        assert_eq!(id_from_path(Path::new("c.HTM")), "c");
        assert_eq!(id_from_path(Path::new("???.html")), "page");
    }

    #[test]
    fn dates_are_read_to_the_day() {
        assert_eq!(
            date_of("2015-04-03T10:00:00Z").unwrap().to_string(),
            "2015-04-03"
        );
        assert_eq!(date_of("2015/04/03").unwrap().to_string(), "2015-04-03");
        assert_eq!(date_of("20150403").unwrap().to_string(), "2015-04-03");
        assert!(date_of("April 3, 2015").is_none());
        assert!(date_of("2015-13-03").is_none());
        assert!(date_of("").is_none());
    }

    #[test]
    fn an_article_page_gives_text_and_metadata() {
        let html = format!(
            r#"<html lang="en"><head><title>Talks begin - The Daily</title>
            <meta property="og:site_name" content="The Daily">
            <meta property="article:published_time" content="2024-05-13T08:00:00Z">
            <link rel="canonical" href="https://daily.example/talks">
            <meta name="author" content="Jane Doe"></head>
            <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
            <article><h1>Talks begin</h1><p>{}</p><figure><img src="x.jpg"><figcaption>A photo caption here.</figcaption></figure><p>{}</p></article>
            <footer>Share on Facebook</footer></body></html>"#,
            words(60),
            words(40)
        );
        let Page::Article(a) = page(&html) else {
            panic!("not an article")
        };
        assert_eq!(a.title, "Talks begin");
        assert_eq!(a.outlet.as_deref(), Some("The Daily"));
        assert_eq!(a.author.as_deref(), Some("Jane Doe"));
        assert_eq!(a.date.unwrap().to_string(), "2024-05-13");
        assert_eq!(a.url.as_deref(), Some("https://daily.example/talks"));
        assert_eq!(a.lang.as_deref(), Some("en"));
        assert!(a.body.contains("word59"), "{}", a.body);
        assert!(!a.body.contains("caption"), "{}", a.body);
        assert!(!a.body.contains("Home"), "{}", a.body);
    }

    #[test]
    fn pages_that_are_not_articles_say_why() {
        let reason = |html: &str| match page(html) {
            Page::NotArticle(r) => r,
            Page::Article(a) => panic!("indexed as an article: {:?}", a.body),
        };
        assert!(reason("").contains("empty"));
        assert!(reason("<html><body><script>var x = 1;</script></body></html>").contains("empty"));
        let links: String = (0..80)
            .map(|i| format!("<li><a href=\"/a{i}\">Story number {i} headline</a></li>"))
            .collect();
        let r = reason(&format!("<html><body><ul>{links}</ul></body></html>"));
        assert!(
            r.contains("index or list page") || r.contains("too little"),
            "{r}"
        );
        let stub = format!(
            "<html><body><article><h1>Big story</h1><p>{}</p><p>Subscribe to continue reading this article.</p></article></body></html>",
            words(30)
        );
        assert!(reason(&stub).contains("paywall"), "{}", reason(&stub));
        assert!(reason("<html><body><p>Short.</p></body></html>").contains("too little"));
    }

    #[test]
    fn garbage_never_panics() {
        for html in [
            "<",
            "<<<>>>",
            "<html><body><p>\u{0}</p>",
            "<meta charset=\"",
            "<table><td><p>x</table></p>",
        ] {
            let _ = page(html);
        }
    }
}
