//! Export files cut into parts of bounded size: `PREFIX-00000.EXT`, `PREFIX-00001.EXT`, ...
//!
//! A bulk request or an ingest file has a size limit (OpenSearch refuses HTTP bodies over
//! `http.max_content_length`, 100 MB by default), and a 10M-passage export is gigabytes. A
//! record (a passage's lines) is never split: a new part starts when the next record would
//! take the current one over the limit.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Writes records into numbered part files of at most `limit` bytes (a single record bigger
/// than the limit gets a part of its own).
pub struct Parts {
    dir: PathBuf,
    prefix: String,
    ext: String,
    limit: u64,
    current: Option<(PathBuf, BufWriter<File>, u64)>,
    done: Vec<(PathBuf, u64)>,
}

/// Creates `dir`, which must not exist yet or be empty, so an export never mixes with, or
/// overwrites, other files.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read the export folder {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "the export folder {} is not empty; give a new or empty folder",
                dir.display()
            );
        }
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the export folder {}", dir.display()))
}

impl Parts {
    pub fn new(dir: &Path, prefix: &str, ext: &str, limit: u64) -> Parts {
        Parts {
            dir: dir.to_path_buf(),
            prefix: prefix.to_string(),
            ext: ext.to_string(),
            limit: limit.max(1),
            current: None,
            done: Vec::new(),
        }
    }

    /// Appends one record (whole lines).
    pub fn write(&mut self, record: &str) -> Result<()> {
        let len = record.len() as u64;
        if let Some((_, _, size)) = &self.current
            && *size > 0
            && size + len > self.limit
        {
            self.close()?;
        }
        if self.current.is_none() {
            let n = self.done.len();
            let path = self
                .dir
                .join(format!("{}-{n:05}.{}", self.prefix, self.ext));
            let file =
                File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
            self.current = Some((path, BufWriter::new(file), 0));
        }
        if let Some((path, w, size)) = &mut self.current {
            w.write_all(record.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            *size += len;
        }
        Ok(())
    }

    fn close(&mut self) -> Result<()> {
        if let Some((path, w, size)) = self.current.take() {
            let file = w
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(|| format!("cannot write {}", path.display()))?;
            file.sync_all()
                .with_context(|| format!("cannot sync {}", path.display()))?;
            self.done.push((path, size));
        }
        Ok(())
    }

    /// Closes the last part; the parts written, with their sizes.
    pub fn finish(mut self) -> Result<Vec<(PathBuf, u64)>> {
        self.close()?;
        Ok(self.done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_never_split_and_parts_stay_under_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let mut parts = Parts::new(dir.path(), "p", "ndjson", 25);
        for i in 0..10 {
            parts.write(&format!("record {i}\n")).unwrap(); // 9 bytes each
        }
        parts.write(&"x".repeat(40)).unwrap();
        let files = parts.finish().unwrap();
        let sizes: Vec<u64> = files.iter().map(|f| f.1).collect();
        assert_eq!(
            sizes,
            [18, 18, 18, 18, 18, 40],
            "two records a part, a big one alone"
        );
        let all: String = files
            .iter()
            .map(|(p, _)| std::fs::read_to_string(p).unwrap())
            .collect();
        assert_eq!(all.lines().count(), 11);
        assert!(files[0].0.ends_with("p-00000.ndjson"));
    }

    #[test]
    fn an_export_folder_must_be_new_or_empty() {
        let dir = tempfile::tempdir().unwrap();
        prepare_dir(&dir.path().join("new")).unwrap();
        std::fs::write(dir.path().join("new/x"), "keep").unwrap();
        let err = prepare_dir(&dir.path().join("new")).unwrap_err();
        assert!(err.to_string().contains("is not empty"), "{err}");
    }
}
