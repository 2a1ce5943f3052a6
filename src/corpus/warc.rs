//! Web archives (`*.warc`, `*.warc.gz`, as wget `--warc-file`, browsertrix, Heritrix and
//! Common Crawl write them): each HTML `response` (or `resource`) record is one article, read
//! as a saved page is ([`crate::corpus::html`]), with the record's target URI and date where
//! the page gives none.
//!
//! The reader is small and careful rather than a crate: a WARC file is records of header
//! lines and a `Content-Length` body, gzipped member by member (read here as one stream by
//! flate2's multi-member decoder). Revisit records, non-HTML responses, error and redirect
//! responses, records too big, repeated URIs and pages that are not articles are skipped and
//! counted; [`WarcArticles::report`] says how many of each. A damaged file (a bad header, a
//! body cut short) is one error naming the record's offset; the records before it are kept.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::article::{Article, InputError};
use super::html::{self, Page, Record};
use super::plain::Defaults;

/// Whether a corpus file is a web archive (by name).
pub fn is_warc_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// What was skipped, by reason.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub revisit: usize,
    pub non_html: usize,
    /// HTTP status other than 2xx (errors, redirects).
    pub status: usize,
    pub too_big: usize,
    pub repeated: usize,
    pub not_article: usize,
    /// Request, metadata, warcinfo and other records that hold no page.
    pub other: usize,
    /// The first few pages that were not articles, with the reason.
    pub examples: Vec<String>,
}

/// The articles of a web archive, one at a time, in file order.
pub struct WarcArticles {
    path: PathBuf,
    reader: Box<dyn BufRead>,
    defaults: Defaults,
    max_bytes: u64,
    stem: String,
    /// Bytes of the (decompressed) stream read so far: where each record starts.
    offset: u64,
    seen: std::collections::HashSet<u64>,
    pub read: usize,
    pub skipped: Skipped,
    done: bool,
}

impl WarcArticles {
    pub fn open(
        path: &Path,
        defaults: &Defaults,
        max_bytes: u64,
    ) -> Result<WarcArticles, InputError> {
        let file = std::fs::File::open(path).map_err(|e| InputError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read: {}", super::io_reason(&e)),
        })?;
        let mut buffered = BufReader::new(file);
        let gz = buffered
            .fill_buf()
            .is_ok_and(|b| b.starts_with(&[0x1f, 0x8b]));
        let reader: Box<dyn BufRead> = match gz {
            true => Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(
                buffered,
            ))),
            false => Box::new(buffered),
        };
        Ok(Self::from_reader(path, reader, defaults, max_bytes))
    }

    pub fn from_reader(
        path: &Path,
        reader: Box<dyn BufRead>,
        defaults: &Defaults,
        max_bytes: u64,
    ) -> WarcArticles {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        WarcArticles {
            stem: html::id_from_path(Path::new(name)),
            path: path.to_path_buf(),
            reader,
            defaults: defaults.clone(),
            max_bytes,
            offset: 0,
            seen: Default::default(),
            read: 0,
            skipped: Skipped::default(),
            done: false,
        }
    }

    /// What was read and skipped, for the indexer's report.
    pub fn report(&self) -> String {
        let s = &self.skipped;
        let mut parts = Vec::new();
        for (n, what) in [
            (s.revisit, "revisit"),
            (s.non_html, "not HTML"),
            (s.status, "error or redirect status"),
            (s.too_big, "over the size limit"),
            (s.repeated, "repeated URI"),
            (s.not_article, "not an article"),
            (s.other, "request, metadata or info"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        let mut out = format!(
            "{}: web archive: {} read as articles",
            self.path.display(),
            crate::plural::count(self.read, "record")
        );
        if !parts.is_empty() {
            out.push_str(&format!("; records skipped: {}", parts.join(", ")));
        }
        if !s.examples.is_empty() {
            out.push_str(&format!(" (e.g. {})", s.examples.join("; ")));
        }
        out
    }

    fn fail(&mut self, at: u64, message: String) -> InputError {
        self.done = true;
        InputError {
            path: self.path.clone(),
            line: None,
            message: format!(
                "damaged web archive at byte {at} of its records: {message}; the records before it were read"
            ),
        }
    }

    /// One header line, without its line end; `None` at the end of the stream.
    fn line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<Option<()>> {
        buf.clear();
        let n = (&mut self.reader).take(64 * 1024).read_until(b'\n', buf)?;
        self.offset += n as u64;
        if n == 0 {
            return Ok(None);
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        Ok(Some(()))
    }

    /// The next record's headers and body, `None` at the end.
    fn record(&mut self) -> Result<Option<(Headers, Vec<u8>)>, InputError> {
        let mut buf = Vec::new();
        // Blank lines between records (each record ends with two CRLFs).
        let start = loop {
            let at = self.offset;
            match self.line(&mut buf) {
                Ok(None) => return Ok(None),
                Ok(Some(())) if buf.is_empty() => continue,
                Ok(Some(())) => break at,
                Err(e) => return Err(self.fail(self.offset, e.to_string())),
            }
        };
        if !buf.starts_with(b"WARC/") {
            return Err(self.fail(
                start,
                "a record does not start with a `WARC/1.x` line".into(),
            ));
        }
        let mut headers = Headers::default();
        loop {
            match self.line(&mut buf) {
                Ok(Some(())) if buf.is_empty() => break,
                Ok(Some(())) => headers.push(&buf),
                Ok(None) => {
                    return Err(self.fail(start, "the file ends inside a record's headers".into()));
                }
                Err(e) => return Err(self.fail(start, e.to_string())),
            }
        }
        let Some(len) = headers
            .get("content-length")
            .and_then(|l| l.trim().parse::<u64>().ok())
        else {
            return Err(self.fail(start, "a record has no valid Content-Length".into()));
        };
        let keep = len <= self.max_bytes.saturating_add(64 * 1024);
        let mut body = Vec::new();
        let got = if keep {
            (&mut self.reader).take(len).read_to_end(&mut body)
        } else {
            std::io::copy(&mut (&mut self.reader).take(len), &mut std::io::sink())
                .map(|n| n as usize)
        };
        match got {
            Ok(n) if n as u64 == len => self.offset += len,
            Ok(_) => return Err(self.fail(start, "the file ends inside a record's body".into())),
            Err(e) => return Err(self.fail(start, e.to_string())),
        }
        if !keep {
            headers.too_big = true;
        }
        Ok(Some((headers, body)))
    }

    /// The article of one record, `None` when it is skipped (and counted).
    fn article(&mut self, headers: &Headers, body: &[u8]) -> Option<Result<Article, InputError>> {
        let kind = headers
            .get("warc-type")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let content_type = headers
            .get("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let (http, payload): (Option<Http>, &[u8]) = match kind.as_str() {
            "revisit" => {
                self.skipped.revisit += 1;
                return None;
            }
            "response" if content_type.contains("application/http") => match Http::parse(body) {
                Some((h, payload)) => (Some(h), payload),
                None => {
                    self.skipped.non_html += 1;
                    return None;
                }
            },
            "response" | "resource" => (None, body),
            _ => {
                self.skipped.other += 1;
                return None;
            }
        };
        if headers.too_big {
            self.skipped.too_big += 1;
            return None;
        }
        let media = http
            .as_ref()
            .map_or(content_type.clone(), |h| h.content_type.clone());
        if !(media.contains("text/html") || media.contains("application/xhtml")) {
            self.skipped.non_html += 1;
            return None;
        }
        if let Some(h) = &http
            && !(200..300).contains(&h.status)
        {
            self.skipped.status += 1;
            return None;
        }
        let url = headers
            .get("warc-target-uri")
            .map(|u| u.trim().trim_matches(['<', '>']).to_string());
        let key = xxhash_rust::xxh3::xxh3_64(url.as_deref().unwrap_or("").as_bytes());
        if url.is_some() && !self.seen.insert(key) {
            self.skipped.repeated += 1;
            return None;
        }
        let payload = match &http {
            Some(h) => match h.decoded(payload, self.max_bytes) {
                Some(p) => std::borrow::Cow::Owned(p),
                None => {
                    self.skipped.too_big += 1;
                    return None;
                }
            },
            None => std::borrow::Cow::Borrowed(payload),
        };
        let id = match &url {
            Some(_) => format!("{}-{key:016x}", self.stem),
            None => format!("{}-{}", self.stem, self.read + self.skipped.not_article + 1),
        };
        let charset = http
            .as_ref()
            .and_then(|h| h.charset.as_deref())
            .map(str::to_string);
        let record = Record {
            url: url.as_deref(),
            fetched: headers.get("warc-date"),
            charset: charset.as_deref(),
        };
        match html::read_page(&payload, &self.path, id, &record, &self.defaults) {
            Ok(Page::Article(a)) => {
                self.read += 1;
                Some(Ok(*a))
            }
            Ok(Page::NotArticle(why)) => {
                self.skipped.not_article += 1;
                if self.skipped.examples.len() < 3 {
                    self.skipped
                        .examples
                        .push(format!("{}: {why}", url.as_deref().unwrap_or("(no URI)")));
                }
                None
            }
            Err(e) => Some(Err(e)),
        }
    }
}

impl Iterator for WarcArticles {
    type Item = Result<Article, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.record() {
                Ok(None) => self.done = true,
                Err(e) => return Some(Err(e)),
                Ok(Some((headers, body))) => {
                    if let Some(r) = self.article(&headers, &body) {
                        return Some(r);
                    }
                }
            }
        }
        None
    }
}

/// A record's (or an HTTP message's) header lines, names in lower case.
#[derive(Debug, Default)]
struct Headers {
    list: Vec<(String, String)>,
    too_big: bool,
}

impl Headers {
    fn push(&mut self, line: &[u8]) {
        let line = String::from_utf8_lossy(line);
        if let Some((k, v)) = line.split_once(':') {
            self.list
                .push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The HTTP response in a `response` record.
struct Http {
    status: u16,
    content_type: String,
    charset: Option<String>,
    chunked: bool,
    gzip: bool,
}

impl Http {
    /// The status line and headers, and the payload after them.
    fn parse(body: &[u8]) -> Option<(Http, &[u8])> {
        let end = body
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|i| (i, i + 4))
            .or_else(|| {
                body.windows(2)
                    .position(|w| w == b"\n\n")
                    .map(|i| (i, i + 2))
            })?;
        let head = String::from_utf8_lossy(&body[..end.0]);
        let mut lines = head.lines();
        let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
        let mut h = Headers::default();
        for l in lines {
            h.push(l.as_bytes());
        }
        let content_type = h.get("content-type").unwrap_or("").to_ascii_lowercase();
        let charset = content_type
            .split(';')
            .find_map(|p| p.trim().strip_prefix("charset="))
            .map(|c| c.trim_matches(['"', '\'']).to_string());
        let http = Http {
            status,
            charset,
            chunked: h
                .get("transfer-encoding")
                .is_some_and(|t| t.to_ascii_lowercase().contains("chunked")),
            gzip: h
                .get("content-encoding")
                .is_some_and(|t| t.to_ascii_lowercase().contains("gzip")),
            content_type,
        };
        Some((http, &body[end.1..]))
    }

    /// The payload with its transfer and content encodings undone, within `max_bytes`.
    fn decoded(&self, payload: &[u8], max_bytes: u64) -> Option<Vec<u8>> {
        let mut bytes = if self.chunked {
            dechunk(payload)
        } else {
            payload.to_vec()
        };
        if self.gzip {
            let mut out = Vec::new();
            let mut dec = flate2::read::MultiGzDecoder::new(&bytes[..]).take(max_bytes + 1);
            // A body that is not gzip after all is taken as it is.
            if dec.read_to_end(&mut out).is_ok() {
                bytes = out;
            }
        }
        (bytes.len() as u64 <= max_bytes).then_some(bytes)
    }
}

/// A chunked body's data; what cannot be read as chunks is kept as it is.
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let original = body;
    let mut out = Vec::with_capacity(body.len());
    loop {
        let Some(eol) = body.windows(2).position(|w| w == b"\r\n") else {
            return original.to_vec();
        };
        let size = String::from_utf8_lossy(&body[..eol]);
        let size = size.split(';').next().unwrap_or("").trim();
        let Ok(n) = usize::from_str_radix(size, 16) else {
            return original.to_vec();
        };
        body = &body[eol + 2..];
        if n == 0 {
            return out;
        }
        if body.len() < n {
            out.extend_from_slice(body);
            return out;
        }
        out.extend_from_slice(&body[..n]);
        body = body.get(n + 2..).unwrap_or(&[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One WARC record as the format says: version, headers, blank line, body, two CRLFs.
    pub(crate) fn record(kind: &str, uri: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-13T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn http(status: &str, ctype: &str, extra: &str, body: &[u8]) -> Vec<u8> {
        let mut r =
            format!("HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n{extra}\r\n").into_bytes();
        r.extend_from_slice(body);
        r
    }

    fn page(title: &str) -> String {
        let words: String = (0..80).map(|i| format!("{title}word{i} ")).collect();
        format!(
            "<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{words}.</p><p>{words}.</p></article></body></html>"
        )
    }

    fn read(bytes: Vec<u8>) -> (Vec<Result<Article, InputError>>, WarcArticles) {
        let mut w = WarcArticles::from_reader(
            Path::new("crawl.warc.gz"),
            Box::new(std::io::Cursor::new(bytes)),
            &Defaults::default(),
            super::super::MAX_FILE_BYTES,
        );
        let all: Vec<_> = w.by_ref().collect();
        (all, w)
    }

    #[test]
    fn html_responses_are_articles_and_the_rest_is_counted() {
        let h = "application/http; msgtype=response";
        let mut warc = record(
            "warcinfo",
            "",
            "application/warc-fields",
            b"software: test\r\n",
        );
        warc.extend(record(
            "request",
            "http://a.example/1",
            "application/http; msgtype=request",
            b"GET /1 HTTP/1.1\r\n\r\n",
        ));
        warc.extend(record(
            "response",
            "http://a.example/1",
            h,
            &http(
                "200 OK",
                "text/html; charset=utf-8",
                "",
                page("First").as_bytes(),
            ),
        ));
        let chunked = {
            let p = page("Second");
            let (a, b) = p.as_bytes().split_at(100);
            let mut c = format!("{:x}\r\n", a.len()).into_bytes();
            c.extend_from_slice(a);
            c.extend(format!("\r\n{:x}\r\n", b.len()).into_bytes());
            c.extend_from_slice(b);
            c.extend_from_slice(b"\r\n0\r\n\r\n");
            c
        };
        warc.extend(record(
            "response",
            "http://a.example/2",
            h,
            &http(
                "200 OK",
                "text/html",
                "Transfer-Encoding: chunked\r\n",
                &chunked,
            ),
        ));
        warc.extend(record(
            "response",
            "http://a.example/x.png",
            h,
            &http("200 OK", "image/png", "", b"\x89PNG"),
        ));
        warc.extend(record(
            "response",
            "http://a.example/gone",
            h,
            &http("404 Not Found", "text/html", "", page("Gone").as_bytes()),
        ));
        warc.extend(record("revisit", "http://a.example/1", h, b""));
        warc.extend(record(
            "response",
            "http://a.example/1",
            h,
            &http("200 OK", "text/html", "", page("Again").as_bytes()),
        ));
        warc.extend(record(
            "response",
            "http://a.example/empty",
            h,
            &http("200 OK", "text/html", "", b"<html><body></body></html>"),
        ));
        let (all, w) = read(warc);
        let articles: Vec<&Article> = all.iter().map(|r| r.as_ref().unwrap()).collect();
        assert_eq!(articles.len(), 2);
        assert_eq!(articles[0].title, "First");
        assert_eq!(articles[0].url.as_deref(), Some("http://a.example/1"));
        assert_eq!(articles[0].date.unwrap().to_string(), "2024-05-13");
        assert!(articles[0].id.starts_with("crawl-"), "{}", articles[0].id);
        assert_eq!(articles[1].title, "Second");
        assert!(articles[1].body.contains("Secondword79"));
        assert_ne!(articles[0].id, articles[1].id);
        let s = &w.skipped;
        assert_eq!(
            (
                s.revisit,
                s.non_html,
                s.status,
                s.repeated,
                s.not_article,
                s.other
            ),
            (1, 1, 1, 1, 1, 2)
        );
        let report = w.report();
        assert!(report.contains("2 records read as articles"), "{report}");
        assert!(report.contains("1 revisit"), "{report}");
    }

    #[test]
    fn a_damaged_archive_is_one_error_after_the_good_records() {
        let h = "application/http; msgtype=response";
        let mut warc = record(
            "response",
            "http://a.example/1",
            h,
            &http("200 OK", "text/html", "", page("First").as_bytes()),
        );
        let mut cut = record(
            "response",
            "http://a.example/2",
            h,
            &http("200 OK", "text/html", "", page("Second").as_bytes()),
        );
        cut.truncate(cut.len() / 2);
        warc.extend(cut);
        let (all, _) = read(warc);
        assert_eq!(all.len(), 2);
        assert!(all[0].is_ok());
        let e = all[1].as_ref().unwrap_err();
        assert!(e.message.contains("damaged web archive"), "{e}");
        let (all, _) = read(b"not a warc at all\r\n".to_vec());
        assert!(all[0].as_ref().unwrap_err().message.contains("WARC/1"));
        let (all, _) = read(Vec::new());
        assert!(all.is_empty());
    }
}
