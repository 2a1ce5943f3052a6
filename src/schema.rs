//! The declarative index schema (`index-schema/`): read, validated and turned into tantivy terms
//! in this one place.
//!
//! Three files make a configuration: `schema.toml` (fields, analyzers, boosts, passage size),
//! `groups.toml` (the gazetteer) and `boilerplate.toml` (page furniture rules). The binaries embed
//! the shipped files as defaults; the indexer may be given others, and records the texts it used
//! in the index so that searching uses exactly what indexing used.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, FacetOptions, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};

use crate::analysis::{AnalyzerSpec, FirstBytes};
use crate::corpus::clean::Boilerplate;
pub use crate::corpus::passage::{JsonlUnit, PassageSettings};
use crate::groups::Gazetteer;

pub const DEFAULT_SCHEMA: &str = include_str!("../index-schema/schema.toml");
pub use crate::corpus::clean::DEFAULT_BOILERPLATE;

/// How unmarked query words combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Operator {
    Or,
    And,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchSettings {
    pub default_operator: Operator,
    pub snippet_chars: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum FieldType {
    Id,
    Text,
    Facet,
    Date,
    U64,
    Stored,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldSpec {
    name: String,
    #[serde(rename = "type")]
    kind: FieldType,
    analyzer: Option<String>,
    boost: Option<f32>,
    #[serde(default)]
    search: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaSpec {
    pub passages: PassageSettings,
    pub search: SearchSettings,
    analyzers: BTreeMap<String, AnalyzerSpec>,
    #[serde(rename = "field")]
    fields: Vec<FieldSpec>,
}

/// The fields the indexer knows how to fill, with the type each must have.
const REQUIRED: &[(&str, FieldType)] = &[
    ("passage_id", FieldType::Id),
    ("article_id", FieldType::Id),
    ("passage_no", FieldType::U64),
    ("title", FieldType::Text),
    ("text", FieldType::Text),
    ("group", FieldType::Facet),
    ("group_evidence", FieldType::Stored),
    ("outlet", FieldType::Facet),
    ("outlet_name", FieldType::Stored),
    ("date", FieldType::Date),
    ("author", FieldType::Text),
    ("kind", FieldType::Stored),
    ("url", FieldType::Stored),
    ("lang", FieldType::Stored),
];

/// The most title copies a one-passage article's text may hold: beyond a few, the title alone
/// decides the ranking (docs/RELEVANCE.md measures 0 to 5).
const MAX_TITLE_IN_TEXT: u8 = 10;

impl SchemaSpec {
    pub fn from_toml(text: &str, origin: &str) -> Result<SchemaSpec> {
        let spec: SchemaSpec =
            toml::from_str(text).map_err(|e| anyhow!("{origin}: invalid schema: {e}"))?;
        spec.validate()
            .map_err(|e| anyhow!("{origin}: invalid schema: {e}"))?;
        Ok(spec)
    }

    fn validate(&self) -> Result<(), String> {
        if !(5..=100_000).contains(&self.passages.max_words) {
            return Err(format!(
                "passages.max_words = {} is not within 5..=100000",
                self.passages.max_words
            ));
        }
        if self.passages.title_in_text > MAX_TITLE_IN_TEXT {
            return Err(format!(
                "passages.title_in_text = {} is not within 0..={MAX_TITLE_IN_TEXT}",
                self.passages.title_in_text
            ));
        }
        if !(20..=10_000).contains(&self.search.snippet_chars) {
            return Err("search.snippet_chars must be within 20..=10000".into());
        }
        for (name, a) in &self.analyzers {
            a.validate().map_err(|e| format!("analyzer {name}: {e}"))?;
        }
        for f in &self.fields {
            let Some((_, want)) = REQUIRED.iter().find(|(n, _)| *n == f.name) else {
                let known: Vec<&str> = REQUIRED.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "field {:?} is not one the indexer fills; the fields are: {}",
                    f.name,
                    known.join(", ")
                ));
            };
            // Indexes built before authors were searchable hold a stored-only author.
            let old_author = f.name == "author" && f.kind == FieldType::Stored;
            if f.kind != *want && !old_author {
                return Err(format!("field {:?} must have type {:?}", f.name, want));
            }
            if self.fields.iter().filter(|g| g.name == f.name).count() > 1 {
                return Err(format!("field {:?} is declared twice", f.name));
            }
            self.validate_text_options(f)?;
        }
        for (name, _) in REQUIRED {
            if !self.fields.iter().any(|f| f.name == *name) {
                return Err(format!("required field {name:?} is missing"));
            }
        }
        if !self.fields.iter().any(|f| f.search) {
            return Err(
                "no field has `search = true`: bare query words would search nothing".into(),
            );
        }
        Ok(())
    }

    fn validate_text_options(&self, f: &FieldSpec) -> Result<(), String> {
        if f.kind != FieldType::Text {
            if f.analyzer.is_some() || f.boost.is_some() || f.search {
                return Err(format!(
                    "field {:?}: analyzer, boost and search apply to text fields only",
                    f.name
                ));
            }
            return Ok(());
        }
        let analyzer = f.analyzer.as_deref().unwrap_or("");
        if !self.analyzers.contains_key(analyzer) {
            let known: Vec<&String> = self.analyzers.keys().collect();
            return Err(format!(
                "field {:?}: analyzer {analyzer:?} is not defined; defined analyzers: {known:?}",
                f.name
            ));
        }
        match f.boost {
            Some(b) if !(b.is_finite() && b > 0.0) => Err(format!(
                "field {:?}: boost {b} must be a positive number",
                f.name
            )),
            _ => Ok(()),
        }
    }

    fn tokenizer_name(analyzer: &str) -> String {
        format!("talash_{analyzer}")
    }

    /// Registers every analyzer with the index's tokenizer manager.
    pub fn register_analyzers(&self, manager: &TokenizerManager) {
        for (name, spec) in &self.analyzers {
            manager.register(&Self::tokenizer_name(name), spec.build());
        }
    }

    /// A tokenizer manager holding the query side of every analyzer, under the names the
    /// index's fields give (for the query parser; see [`crate::analysis::compounds`]).
    pub fn query_tokenizers(&self) -> TokenizerManager {
        let manager = TokenizerManager::default();
        for (name, spec) in &self.analyzers {
            manager.register(&Self::tokenizer_name(name), spec.build_query());
        }
        manager
    }

    /// The analyzer that cuts snippets from the text field `field`, stemming only words that
    /// begin with a byte of `terms` ([`AnalyzerSpec::build_snippets`]); `None` when `field` is
    /// no text field of the schema.
    pub fn snippet_analyzer(&self, field: &str, terms: FirstBytes) -> Option<TextAnalyzer> {
        let f = self
            .fields
            .iter()
            .find(|f| f.name == field && f.kind == FieldType::Text)?;
        let spec = self
            .analyzers
            .get(f.analyzer.as_deref().unwrap_or_default())?;
        Some(spec.build_snippets(terms))
    }

    /// Builds the tantivy schema and the handles to its fields.
    pub fn build(&self) -> (Schema, Fields) {
        let mut b = Schema::builder();
        let mut text = BTreeMap::new();
        for f in &self.fields {
            match f.kind {
                // The article id is fast, so collectors can group passages by article without
                // reading stored documents (article-level ranking, collapsing). A passage id
                // is only stored: a fast column or an inverted index of a million distinct
                // strings cost 5% and 3% of the indexing instructions; `talash show` finds a
                // passage through its article's id instead.
                FieldType::Id if f.name == "article_id" => {
                    b.add_text_field(&f.name, STRING | STORED | FAST);
                }
                FieldType::Id => {
                    b.add_text_field(&f.name, STORED);
                }
                FieldType::U64 => {
                    b.add_u64_field(&f.name, NumericOptions::default().set_stored());
                }
                FieldType::Stored => {
                    b.add_text_field(&f.name, STORED);
                }
                FieldType::Facet => {
                    b.add_facet_field(&f.name, FacetOptions::default().set_stored());
                }
                FieldType::Date => {
                    b.add_text_field(&f.name, STORED);
                    // Fast only: tantivy runs a range query on a fast column by scanning it,
                    // and the filters are ranges; an inverted index of day numbers was
                    // written for every passage and never read.
                    let span = NumericOptions::default().set_fast();
                    b.add_u64_field(&format!("{}_start", f.name), span.clone());
                    b.add_u64_field(&format!("{}_end", f.name), span);
                    b.add_facet_field(&format!("{}_facet", f.name), FacetOptions::default());
                }
                FieldType::Text => {
                    let analyzer = f.analyzer.as_deref().unwrap_or_default();
                    let indexing = TextFieldIndexing::default()
                        .set_tokenizer(&Self::tokenizer_name(analyzer))
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
                    let opts = TextOptions::default()
                        .set_indexing_options(indexing)
                        .set_stored();
                    b.add_text_field(&f.name, opts);
                    text.insert(f.name.clone(), (f.boost.unwrap_or(1.0), f.search));
                }
            }
        }
        let schema = b.build();
        let fields = Fields::resolve(&schema, text);
        (schema, fields)
    }
}

/// Handles to every field; resolved once from a schema the spec built, so lookups cannot fail.
#[derive(Debug, Clone)]
pub struct Fields {
    pub passage_id: Field,
    pub article_id: Field,
    pub passage_no: Field,
    pub title: Field,
    pub text: Field,
    pub group: Field,
    /// Why each group tag was given: one JSON [`crate::groups::Evidence`] per tag.
    pub group_evidence: Field,
    pub outlet: Field,
    pub outlet_name: Field,
    pub date: Field,
    pub date_start: Field,
    pub date_end: Field,
    pub date_facet: Field,
    pub author: Field,
    pub kind: Field,
    pub url: Field,
    pub lang: Field,
    /// Text fields by name, with their boost and whether bare words search them.
    pub text_fields: BTreeMap<String, (Field, f32, bool)>,
}

impl Fields {
    fn resolve(schema: &Schema, text: BTreeMap<String, (f32, bool)>) -> Fields {
        // The spec was validated to declare every one of these, so a miss is a bug in this file.
        let get = |name: &str| {
            schema
                .get_field(name)
                .unwrap_or_else(|_| panic!("validated schema lacks field {name}"))
        };
        Fields {
            passage_id: get("passage_id"),
            article_id: get("article_id"),
            passage_no: get("passage_no"),
            title: get("title"),
            text: get("text"),
            group: get("group"),
            group_evidence: get("group_evidence"),
            outlet: get("outlet"),
            outlet_name: get("outlet_name"),
            date: get("date"),
            date_start: get("date_start"),
            date_end: get("date_end"),
            date_facet: get("date_facet"),
            author: get("author"),
            kind: get("kind"),
            url: get("url"),
            lang: get("lang"),
            text_fields: text
                .into_iter()
                .map(|(name, (boost, search))| {
                    let field = get(&name);
                    (name, (field, boost, search))
                })
                .collect(),
        }
    }
}

/// The texts of the three configuration files, as the index records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigSources {
    pub schema: String,
    pub groups: String,
    pub boilerplate: String,
}

impl Default for ConfigSources {
    fn default() -> Self {
        ConfigSources {
            schema: DEFAULT_SCHEMA.to_string(),
            groups: crate::groups::DEFAULT_GAZETTEER.to_string(),
            boilerplate: DEFAULT_BOILERPLATE.to_string(),
        }
    }
}

impl ConfigSources {
    /// The shipped files, with any of them replaced by a file the user named; and what to
    /// call each in errors.
    pub fn with_overrides(
        schema: Option<&Path>,
        groups: Option<&Path>,
        boilerplate: Option<&Path>,
    ) -> Result<(ConfigSources, SourceNames)> {
        let read = |p: &Path| {
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
        };
        let mut sources = ConfigSources::default();
        let mut names = SourceNames::of("the built-in");
        if let Some(p) = schema {
            sources.schema = read(p)?;
            names.schema = p.display().to_string();
        }
        if let Some(p) = groups {
            sources.groups = read(p)?;
            names.groups = p.display().to_string();
        }
        if let Some(p) = boilerplate {
            sources.boilerplate = read(p)?;
            names.boilerplate = p.display().to_string();
        }
        Ok((sources, names))
    }
}

/// What errors call each configuration file: the path the user gave, or the shipped file's
/// name with where it came from ("the built-in groups.toml", "the index's schema.toml").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceNames {
    pub schema: String,
    pub groups: String,
    pub boilerplate: String,
}

impl SourceNames {
    pub fn of(origin: &str) -> SourceNames {
        SourceNames {
            schema: format!("{origin} schema.toml"),
            groups: format!("{origin} groups.toml"),
            boilerplate: format!("{origin} boilerplate.toml"),
        }
    }
}

/// A validated configuration, ready to index or search with.
#[derive(Debug, Clone)]
pub struct Config {
    pub spec: SchemaSpec,
    pub gazetteer: Gazetteer,
    pub boilerplate: Boilerplate,
    pub sources: ConfigSources,
}

impl Config {
    /// Parses and validates all three files; `names` says what to call each in errors. The
    /// boilerplate patterns are compiled and checked by `boilerplate.ready()`, which the
    /// indexer calls before it cleans the first article (a full build: before it writes).
    pub fn load(sources: ConfigSources, names: &SourceNames) -> Result<Config> {
        let spec = SchemaSpec::from_toml(&sources.schema, &names.schema)?;
        let gazetteer = Gazetteer::from_toml(&sources.groups, &names.groups)?;
        let boilerplate = Boilerplate::from_toml(&sources.boilerplate, &names.boilerplate)?;
        Ok(Config {
            spec,
            gazetteer,
            boilerplate,
            sources,
        })
    }

    /// Loads the configuration recorded in an index. It was validated when the index was built,
    /// so the boilerplate patterns, which only indexing uses, are compiled lazily.
    pub fn load_recorded(sources: ConfigSources, origin: &str) -> Result<Config> {
        let names = SourceNames::of(origin);
        let spec = SchemaSpec::from_toml(&sources.schema, &names.schema)?;
        let gazetteer = Gazetteer::from_toml(&sources.groups, &names.groups)?;
        let boilerplate =
            Boilerplate::from_recorded_toml(&sources.boilerplate, &names.boilerplate)?;
        Ok(Config {
            spec,
            gazetteer,
            boilerplate,
            sources,
        })
    }

    /// The shipped configuration, its boilerplate rules compiled.
    pub fn shipped() -> Result<Config> {
        let config = Self::load(ConfigSources::default(), &SourceNames::of("the built-in"))?;
        config.boilerplate.ready()?;
        Ok(config)
    }

    /// Overrides the passage unit of JSONL collections (`--jsonl-passages`).
    pub fn set_jsonl_unit(&mut self, unit: JsonlUnit) {
        self.spec.passages.jsonl = unit;
    }

    /// Overrides the passage size (`--max-words`).
    pub fn set_max_words(&mut self, max_words: usize) -> Result<()> {
        if !(5..=100_000).contains(&max_words) {
            bail!("--max-words {max_words} is not within 5..=100000");
        }
        self.spec.passages.max_words = max_words;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_config_is_valid() {
        let c = Config::shipped().unwrap();
        assert_eq!(c.spec.passages.max_words, 120);
        let (schema, fields) = c.spec.build();
        assert_eq!(schema.get_field_name(fields.date_start), "date_start");
        assert_eq!(fields.text_fields["title"].1, 1.0);
    }

    fn with_replaced(from: &str, to: &str) -> String {
        assert!(DEFAULT_SCHEMA.contains(from), "{from}");
        DEFAULT_SCHEMA.replacen(from, to, 1)
    }

    #[test]
    fn invalid_schemas_say_what_is_wrong() {
        let cases = [
            (
                with_replaced("name = \"kind\"", "name = \"colour\""),
                "not one the indexer fills",
            ),
            (
                with_replaced("type = \"u64\"", "type = \"text\""),
                "must have type",
            ),
            (
                with_replaced("analyzer = \"english\"", "analyzer = \"klingon\""),
                "not defined",
            ),
            (with_replaced("boost = 1.0", "boost = -1.0"), "positive"),
            (
                with_replaced("max_words = 120", "max_words = 0"),
                "max_words",
            ),
            (
                with_replaced("stemmer = \"english\"", "stemmer = \"porter2\""),
                "stemmer",
            ),
            (
                with_replaced("default_operator = \"or\"", "default_operator = \"xor\""),
                "xor",
            ),
        ];
        for (text, want) in cases {
            let err = SchemaSpec::from_toml(&text, "test.toml")
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "want {want:?} in {err}");
            assert!(err.starts_with("test.toml"), "{err}");
        }
    }
}
