//! Opening an index for reading, with the configuration it was built with, and every check
//! that it is a Talash index this version can read.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use tantivy::Index;
use tantivy::schema::Schema;

use crate::index::meta::{FORMAT_VERSION, IndexMeta, talash_format};
use crate::schema::{Config, Fields};

/// An index opened for searching, with its configuration.
pub struct OpenIndex {
    pub index: Index,
    pub config: Config,
    pub fields: Fields,
    pub meta: IndexMeta,
    pub dir: PathBuf,
}

fn rebuild_hint(dir: &Path) -> String {
    format!(
        "rebuild it with: talash-index --full --index {} [CORPUS...]",
        dir.display()
    )
}

/// Reads Talash's metadata from an index's last commit.
fn read_meta(index: &Index, dir: &Path) -> Result<IndexMeta> {
    let metas = index.load_metas().with_context(|| {
        format!(
            "cannot read the index at {}; {}",
            dir.display(),
            rebuild_hint(dir)
        )
    })?;
    if metas.payload.is_none() && metas.segments.is_empty() {
        bail!(
            "the index at {} was never completed (its first indexing run was interrupted); {}",
            dir.display(),
            rebuild_hint(dir)
        );
    }
    let payload = metas.payload.ok_or_else(|| {
        anyhow!(
            "{} is a tantivy index but was not built by Talash (no Talash metadata); {}",
            dir.display(),
            rebuild_hint(dir)
        )
    })?;
    let format = talash_format(&payload).ok_or_else(|| {
        anyhow!(
            "{} was not built by Talash (unrecognised metadata); {}",
            dir.display(),
            rebuild_hint(dir)
        )
    })?;
    if format != FORMAT_VERSION {
        bail!(
            "the index at {} has format {}, but this Talash ({}) reads format {}; {}",
            dir.display(),
            format,
            env!("CARGO_PKG_VERSION"),
            FORMAT_VERSION,
            rebuild_hint(dir)
        );
    }
    serde_json::from_str(&payload).map_err(|e| {
        anyhow!(
            "the index metadata at {} is damaged ({e}); {}",
            dir.display(),
            rebuild_hint(dir)
        )
    })
}

/// Checks that `dir` holds an index, without creating anything.
fn ensure_index_dir(dir: &Path) -> Result<()> {
    if !dir.exists() {
        bail!(
            "no index at {}: build one with `talash-index --index {} [CORPUS...]` (or set --index / TALASH_INDEX)",
            dir.display(),
            dir.display()
        );
    }
    if !dir.join("meta.json").is_file() {
        bail!(
            "{} is not a Talash index (it has no meta.json); {}",
            dir.display(),
            rebuild_hint(dir)
        );
    }
    Ok(())
}

pub(crate) fn schema_json(schema: &Schema) -> String {
    serde_json::to_string(schema).unwrap_or_default()
}

/// Opens an index read-only, with the configuration recorded in it.
pub fn open(dir: &Path) -> Result<OpenIndex> {
    let readable = crate::index::recover::readable_dir(dir);
    ensure_index_dir(&readable)?;
    let directory = crate::index::readonly::ReadOnlyDirectory::open(&readable)
        .with_context(|| format!("cannot open the index folder {}", dir.display()))?;
    let index = Index::open(directory)
        .map_err(crate::index::damage::shortened)
        .with_context(|| {
            format!(
                "cannot open the index at {}; {}",
                dir.display(),
                rebuild_hint(dir)
            )
        })?;
    let meta = read_meta(&index, dir)?;
    let mut config =
        Config::load_recorded(meta.config.clone(), "the index's").with_context(|| {
            format!(
                "the index at {} was built with a configuration this Talash cannot use; {}",
                dir.display(),
                rebuild_hint(dir)
            )
        })?;
    config.spec.passages.max_words = meta.max_words;
    config.spec.passages.jsonl = meta.jsonl;
    let (schema, fields) = config.spec.build();
    if schema_json(&schema) != schema_json(&index.schema()) {
        bail!(
            "the index at {} does not match the schema recorded in it (built by another version?); {}",
            dir.display(),
            rebuild_hint(dir)
        );
    }
    config.spec.register_analyzers(index.tokenizers());
    Ok(OpenIndex {
        index,
        config,
        fields,
        meta,
        dir: dir.to_path_buf(),
    })
}
