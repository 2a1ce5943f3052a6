//! Preparing articles, the work of the worker threads: reading a corpus file, parsing it,
//! hashing each article and, unless the previous index holds that very content, cutting it
//! into passages, tagging them and building their tantivy documents. Also how files are read
//! ahead for a single preparing thread. The order articles are then taken in is the
//! ingest's business.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tantivy::TantivyDocument;

use crate::corpus::walk::FileStat;
use crate::corpus::{self, Article, InputError};
use crate::index::articlehash::ArticleHash;
use crate::index::document::{TitleCopies, article_doc, passage_doc};
use crate::index::manifest::Manifest;
use crate::schema::{Config, Fields};

/// What the workers need to prepare an article.
pub(crate) struct Context<'a> {
    pub config: &'a Config,
    pub fields: &'a Fields,
    /// The previous run's manifest: articles whose hash it holds need no documents.
    pub old: Option<&'a Manifest>,
    pub max_file_bytes: u64,
    /// `--date` and `--outlet`, for articles that do not give theirs.
    pub defaults: &'a corpus::Defaults,
    pub keep_going: bool,
    pub workers: usize,
    /// When the run started (files modified shortly before are not cached).
    pub started: SystemTime,
}

/// One article, read and ready to index.
pub(crate) struct Prepared {
    pub id: String,
    pub path: PathBuf,
    /// Its line in a JSONL collection (which names it in errors).
    pub line: Option<usize>,
    pub outlet: Option<String>,
    pub hash: ArticleHash,
    pub warnings: Vec<String>,
    /// Its passages' documents; `None` when the previous index holds this very content.
    pub docs: Option<Vec<TantivyDocument>>,
    /// Passages per group, of `docs`.
    pub groups: Vec<(String, usize)>,
}

impl Prepared {
    /// Hashes the article and, unless `old` already holds it, builds its documents.
    pub(crate) fn of(article: Article, ctx: &Context) -> Prepared {
        let hash = ArticleHash::of(&article);
        let indexed = ctx.old.and_then(|m| m.get(&article.id)).map(|e| e.hash);
        let (docs, groups) = match indexed == Some(hash) {
            true => (None, Vec::new()),
            false => {
                let (docs, groups) = article_docs(ctx.config, ctx.fields, &article);
                (Some(docs), groups)
            }
        };
        let line = corpus::jsonl::is_jsonl_file(&article.path).then_some(article.body_line);
        let mut warnings = article.warnings;
        if docs.as_ref().is_some_and(Vec::is_empty) {
            // An article with a title is at least one passage (`corpus::passages_for`), so
            // only one with neither title nor body text has nothing to find.
            let at = match line {
                Some(l) => format!("{}:{l}", article.path.display()),
                None => article.path.display().to_string(),
            };
            warnings.push(format!(
                "{at}: article {:?} has no title and no body text, so no search can find it",
                article.id
            ));
        }
        Prepared {
            line,
            outlet: article.outlet,
            hash,
            warnings,
            docs,
            groups,
            id: article.id,
            path: article.path,
        }
    }
}

/// An article's passages as documents, with the number of passages per group.
fn article_docs(
    config: &Config,
    fields: &Fields,
    article: &Article,
) -> (Vec<TantivyDocument>, Vec<(String, usize)>) {
    let passages = corpus::passages_for(article, &config.boilerplate, &config.spec.passages);
    let title_is_text = corpus::title_is_text(article, &passages);
    // The whole article is tagged at once: a short form's support may be in another passage.
    // A title that is also the text is tagged once, as the title.
    let texts: Vec<(u64, &str)> = passages
        .iter()
        .map(|p| {
            (
                u64::from(p.id.n()),
                if title_is_text { "" } else { p.text.as_str() },
            )
        })
        .collect();
    let tags = config.gazetteer.tag_article(&article.title, &texts);
    let mut per_group: BTreeMap<String, usize> = BTreeMap::new();
    let mut docs = Vec::with_capacity(passages.len());
    let shared = article_doc(fields, article, title_is_text);
    let copies = TitleCopies::for_passages(
        &article.title,
        passages.len(),
        config.spec.passages.title_in_text,
    );
    for (p, tags) in passages.into_iter().zip(tags) {
        // Counted as `talash facets` counts: a passage counts once for each group it names
        // and once for each of their parents, so ISIS includes its ISIS/Khorasan passages.
        let mut counted: Vec<String> = Vec::new();
        for t in &tags {
            let mut at = Some(t.path.clone());
            while let Some(path) = at {
                counted.push(path.to_string());
                at = path.parent();
            }
        }
        counted.sort();
        counted.dedup();
        for g in counted {
            *per_group.entry(g).or_default() += 1;
        }
        docs.push(passage_doc(fields, &shared, p, &tags, copies));
    }
    (docs, per_group.into_iter().collect())
}

/// One file's articles, as a worker leaves them.
pub(crate) enum FileRead {
    /// One article (Markdown, text, a saved page), with the file's stat when it was opened.
    Markdown(Result<Box<Prepared>, InputError>, Option<FileStat>),
    /// A saved page that is not an article: the warning saying why it was skipped.
    Skipped(String, Option<FileStat>),
    /// Collections (JSONL, web archives) are streamed by the accepting thread (they may be
    /// large).
    Jsonl,
}

pub(crate) fn read_file(path: &Path, ctx: &Context) -> FileRead {
    load_file(path, ctx).prepare(path, ctx)
}

/// One file as read from disk, before it is parsed and prepared (or already prepared, when
/// the loading threads also prepare).
pub(crate) enum Loaded {
    Text(Result<(String, Option<FileStat>), InputError>),
    /// A saved page, read and extracted already (its text is no more needed).
    Page(Result<(corpus::html::Page, Option<FileStat>), InputError>),
    Read(FileRead),
}

pub(crate) fn load_file(path: &Path, ctx: &Context) -> Loaded {
    match corpus::file_kind(path) {
        Some(corpus::FileKind::Jsonl | corpus::FileKind::Warc) => Loaded::Read(FileRead::Jsonl),
        Some(corpus::FileKind::Html) => Loaded::Page(corpus::read_page_file(
            path,
            ctx.max_file_bytes,
            ctx.defaults,
        )),
        _ => Loaded::Text(corpus::read_text_with_stat(path, ctx.max_file_bytes)),
    }
}

impl Loaded {
    /// The bytes of text held, unprepared (a prepared file is alone in its chunk).
    fn bytes(&self) -> usize {
        match self {
            Loaded::Text(Ok((text, _))) => text.len(),
            Loaded::Page(Ok((corpus::html::Page::Article(a), _))) => a.body.len(),
            Loaded::Text(Err(_)) | Loaded::Page(_) | Loaded::Read(_) => 0,
        }
    }

    pub(crate) fn prepare(self, path: &Path, ctx: &Context) -> FileRead {
        match self {
            Loaded::Read(read) => read,
            Loaded::Text(Err(e)) => FileRead::Markdown(Err(e), None),
            Loaded::Text(Ok((text, stat))) => FileRead::Markdown(
                corpus::plain::parse(&text, path, ctx.defaults)
                    .map(|a| Box::new(Prepared::of(a, ctx))),
                stat,
            ),
            Loaded::Page(Err(e)) => FileRead::Markdown(Err(e), None),
            Loaded::Page(Ok((corpus::html::Page::Article(a), stat))) => {
                FileRead::Markdown(Ok(Box::new(Prepared::of(*a, ctx))), stat)
            }
            Loaded::Page(Ok((corpus::html::Page::NotArticle(why), stat))) => FileRead::Skipped(
                format!("{}: skipped, not an article: {why}", path.display()),
                stat,
            ),
        }
    }
}

/// Threads that read files ahead of the preparing thread when there is only one: reading
/// mostly waits on the disk, and news corpora are many small files. With a cold cache (this
/// benchmark machine drops the pages of files left unread for a few seconds) a third of a
/// 100k-passage corpus came from disk, read one file at a time on the preparing thread. Two
/// threads did as well as four, and one as well as two.
pub(crate) const LOADING_THREADS: usize = 2;

/// Files a loading thread reads at a time, so that handing them over costs little (each
/// hand-off may wake a thread: 100k, 10 alternating builds, 32 files a chunk took 6% less CPU
/// than 8; 64 and 128 were no better), and chunks read ahead of the preparing thread at most.
pub(crate) const LOAD_CHUNK_FILES: usize = 32;
pub(crate) const LOAD_AHEAD_CHUNKS: usize = 8;

/// A loading thread stops reading a chunk once it holds this much (the preparing thread reads
/// the rest itself), so what is read ahead stays under 8 × (256 KB + one file), whatever the
/// sizes of the files (a first build does not know them before reading).
const LOAD_CHUNK_BYTES: usize = 256 * 1024;

/// What a loading thread reads of `chunk`: its first files, up to [`LOAD_CHUNK_BYTES`].
pub(crate) fn load_chunk(chunk: &[usize], mut load: impl FnMut(usize) -> Loaded) -> Vec<Loaded> {
    let mut loaded = Vec::with_capacity(chunk.len());
    let mut bytes = 0;
    for &i in chunk {
        if bytes >= LOAD_CHUNK_BYTES {
            break;
        }
        let file = load(i);
        bytes += file.bytes();
        loaded.push(file);
    }
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loading_thread_stops_once_it_holds_enough() {
        let size = |i: usize| if i == 3 { LOAD_CHUNK_BYTES } else { 100 };
        let text = |i: usize| Loaded::Text(Ok(("x".repeat(size(i)), None)));
        let chunk: Vec<usize> = (0..LOAD_CHUNK_FILES).collect();
        assert_eq!(
            load_chunk(&chunk, text).len(),
            4,
            "stops after the large file"
        );
        let small: Vec<usize> = (4..LOAD_CHUNK_FILES).collect();
        assert_eq!(load_chunk(&small, text).len(), small.len());
        assert!(load_chunk(&[], text).is_empty());
    }

    /// `passages.title_in_text`: only an article that is one passage gets the title copies,
    /// after its text, so the text every reader shows (the first value) stays the passage's.
    #[test]
    fn only_an_article_of_one_passage_holds_title_copies_after_its_text() {
        use tantivy::schema::Value;
        let mut config = Config::shipped().unwrap();
        let (_, fields) = config.spec.build();
        let md = |body: &str| {
            let text = format!("+++\nid = \"a\"\ntitle = \"Talks resume\"\n+++\n{body}");
            Article::parse(&text, Path::new("a.md")).unwrap()
        };
        let texts = |config: &Config, body: &str| -> Vec<Vec<String>> {
            let (docs, _) = article_docs(config, &fields, &md(body));
            let values = |d: &TantivyDocument| {
                d.get_all(fields.text)
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            };
            docs.iter().map(values).collect()
        };
        config.spec.passages.title_in_text = 2;
        let t = "Talks resume".to_string();
        let one = vec![vec!["Officials met.".to_string(), t.clone(), t.clone()]];
        assert_eq!(texts(&config, "Officials met.\n"), one);
        let two = vec![vec!["First.".to_string()], vec!["Second.".to_string()]];
        assert_eq!(texts(&config, "First.\n\nSecond.\n"), two);
        // A title alone is its text (format 8), then the copies.
        assert_eq!(
            texts(&config, ""),
            vec![vec![t.clone(), t.clone(), t.clone()]]
        );
        config.spec.passages.title_in_text = 0;
        assert_eq!(
            texts(&config, "Officials met.\n"),
            vec![vec!["Officials met.".to_string()]]
        );
    }
}
