//! Boilerplate removal: the rules of `index-schema/boilerplate.toml` applied line by line.

use std::sync::{Arc, OnceLock};

use anyhow::{Result, anyhow};
use regex::Regex;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Remove the line.
    Drop,
    /// Remove the line and everything after it.
    CutRest,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    description: String,
    pattern: String,
    action: Action,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(rename = "rule", default)]
    rules: Vec<RuleSpec>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub description: String,
    source: String,
    /// Compiled by [`Boilerplate::ready`] or on first use: `talash search`, which never cleans
    /// a body, should not pay for compiling the rules' Unicode patterns.
    compiled: OnceLock<Option<Regex>>,
    pub action: Action,
}

impl Rule {
    /// Whether the rule matches the (trimmed) line. A pattern that does not compile matches
    /// nothing; [`Boilerplate::ready`] refuses such rules before the indexer cleans a body,
    /// and [`Boilerplate::from_recorded_toml`] reads rules validated when the index was built.
    fn is_match(&self, line: &str) -> bool {
        self.compiled
            .get_or_init(|| compile(&self.source).ok())
            .as_ref()
            .is_some_and(|r| r.is_match(line))
    }
}

/// The shipped boilerplate rules (`index-schema/boilerplate.toml`).
pub const DEFAULT_BOILERPLATE: &str = include_str!("../../index-schema/boilerplate.toml");

/// Compiles a rule with room for its lazy DFA. A counted repetition of a Unicode class (such
/// as `[\w .&-]{2,60}`, which a shipped rule had) makes a DFA larger than the regex crate's
/// default 2 MB cache, and the search then falls back to a backtracker that clears its visited
/// set for every line: that one rule cost 40 times the others together (15 ms against 0.3 ms
/// on the 10k benchmark corpus). A user's rules may have such patterns. The cache grows only
/// as states are built, so the limit costs nothing where it is not needed.
fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .dfa_size_limit(16 << 20)
        .build()
}

/// The rule set.
///
/// Rules read by [`Boilerplate::from_toml`] (the indexer's) are compiled and checked by
/// [`Boilerplate::ready`], which the indexer calls before it cleans the first article: a run
/// whose articles are all unchanged reads none and never pays for compiling the shipped
/// rules' Unicode patterns: ~3 ms, most of what an unchanged re-run spent before reading its
/// stat cache (at 10k passages it takes 16 ms instead of 20).
#[derive(Debug, Clone, Default)]
pub struct Boilerplate {
    rules: Arc<[Rule]>,
    /// The check of rules read by [`Boilerplate::from_toml`]; recorded rules have none.
    check: Option<Arc<Check>>,
}

/// Whether every rule compiles and matches no empty line, decided once.
#[derive(Debug)]
struct Check {
    origin: String,
    outcome: OnceLock<Result<(), String>>,
}

/// Compiles every rule in turn; the first one that does not compile or that matches an empty
/// line is the error.
fn compile_all(rules: &[Rule], origin: &str) -> Result<(), String> {
    for (i, rule) in rules.iter().enumerate() {
        let pattern = compile(&rule.source).map_err(|e| {
            format!(
                "{origin}: rule {} ({:?}): invalid pattern: {e}",
                i + 1,
                rule.description
            )
        })?;
        if pattern.is_match("") {
            return Err(format!(
                "{origin}: rule {} ({:?}): pattern {:?} matches an empty line, so it would hit \
                 every paragraph break; anchor it and require some text",
                i + 1,
                rule.description,
                rule.source
            ));
        }
        // A body cleaned before `ready` may have compiled it already: the same regex.
        let _ = rule.compiled.set(Some(pattern));
    }
    Ok(())
}

impl Boilerplate {
    /// Reads the rules; a file that is not valid TOML, or not rules, is the error at once,
    /// a pattern's errors are [`Boilerplate::ready`]'s.
    pub fn from_toml(text: &str, origin: &str) -> Result<Boilerplate> {
        Ok(Boilerplate {
            rules: Self::read(text, origin)?,
            check: Some(Arc::new(Check {
                origin: origin.to_string(),
                outcome: OnceLock::new(),
            })),
        })
    }

    /// Reads rules recorded in an index, which [`Self::ready`] checked when the index was built
    /// (a build cleans at least one article): patterns are compiled only if a body is ever
    /// cleaned with them.
    pub fn from_recorded_toml(text: &str, origin: &str) -> Result<Boilerplate> {
        Ok(Boilerplate {
            rules: Self::read(text, origin)?,
            check: None,
        })
    }

    fn read(text: &str, origin: &str) -> Result<Arc<[Rule]>> {
        let file: RulesFile =
            toml::from_str(text).map_err(|e| anyhow!("{origin}: invalid rules: {e}"))?;
        Ok(file
            .rules
            .into_iter()
            .map(|spec| Rule {
                description: spec.description,
                source: spec.pattern,
                compiled: OnceLock::new(),
                action: spec.action,
            })
            .collect())
    }

    /// Compiles the rules of [`Self::from_toml`] (once): a pattern that does not compile, or
    /// that matches an empty line (it would hit every paragraph break), is the error. Call it
    /// before cleaning a body with them: until then a rule that does not compile matches
    /// nothing. Recorded rules are ready at once.
    pub fn ready(&self) -> Result<()> {
        let Some(check) = &self.check else {
            return Ok(());
        };
        let outcome = check
            .outcome
            .get_or_init(|| compile_all(&self.rules, &check.origin));
        outcome.clone().map_err(|e| anyhow!(e))
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The body's lines that survive the rules, with their 0-based index in `body`. Blank lines
    /// are kept: they separate paragraphs.
    pub fn clean<'a>(&self, body: &'a str) -> Vec<(usize, &'a str)> {
        let mut kept = Vec::new();
        for (i, line) in body.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                kept.push((i, line));
                continue;
            }
            match self.rules.iter().find(|r| r.is_match(trimmed)) {
                Some(r) if r.action == Action::CutRest => break,
                Some(_) => {}
                None => kept.push((i, line)),
            }
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Boilerplate {
        Boilerplate::from_toml(DEFAULT_BOILERPLATE, "boilerplate.toml").unwrap()
    }

    fn kept(body: &str) -> Vec<&str> {
        shipped()
            .clean(body)
            .into_iter()
            .map(|(_, l)| l)
            .filter(|l| !l.trim().is_empty())
            .collect()
    }

    #[test]
    fn removes_page_furniture_from_the_seeds() {
        let body = "Real text.\n\nPublished in The Express Tribune, March 9th, 2023.\n\n\
                    Like Opinion & Editorial on Facebook, follow @ETOpEd on Twitter to receive all updates.\n\n\
                    COMMENTS\n\nReplying to X\n\nComments are moderated and generally will be posted.\n";
        assert_eq!(kept(body), vec!["Real text."]);
        let blog = "Text.\n\nPost a Comment\n\nPrevious Post Next Post\n";
        assert_eq!(kept(blog), vec!["Text."]);
    }

    #[test]
    fn keeps_prose_that_mentions_the_same_words() {
        let body = "He said comments are moderated by the state.\n\
                    The report was published in The Express Tribune on Monday and widely read.\n";
        assert_eq!(kept(body).len(), 2);
    }

    #[test]
    fn rejects_bad_rules() {
        let bad = "[[rule]]\ndescription = \"x\"\npattern = \"(\"\naction = \"drop\"\n";
        let checked = |text: &str, origin: &str| {
            Boilerplate::from_toml(text, origin).and_then(|b| b.ready().map(|()| b))
        };
        let err = checked(bad, "b.toml").unwrap_err().to_string();
        assert!(err.contains("b.toml: rule 1"), "{err}");
        let empty = "[[rule]]\ndescription = \"x\"\npattern = \".*\"\naction = \"drop\"\n";
        assert!(
            checked(empty, "b")
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        let action = "[[rule]]\ndescription = \"x\"\npattern = \"a\"\naction = \"nuke\"\n";
        assert!(
            Boilerplate::from_toml(action, "b")
                .unwrap_err()
                .to_string()
                .contains("nuke")
        );
    }

    #[test]
    fn rules_compile_when_ready_and_report_their_errors_there() {
        let rules = shipped();
        rules.ready().unwrap();
        assert!(
            rules
                .rules
                .iter()
                .all(|r| r.compiled.get().is_some_and(Option::is_some))
        );
        // A bad pattern is not an error of reading the file, but of every `ready`.
        let bad = "[[rule]]\ndescription = \"ok\"\npattern = \"^a$\"\naction = \"drop\"\n\
                   [[rule]]\ndescription = \"x\"\npattern = \"b{2,1}\"\naction = \"drop\"\n";
        let read = Boilerplate::from_toml(bad, "b.toml").unwrap();
        let clone = read.clone();
        for b in [&read, &clone, &read] {
            let err = b.ready().unwrap_err().to_string();
            assert!(
                err.starts_with("b.toml: rule 2 (\"x\"): invalid pattern"),
                "{err}"
            );
        }
        // Bodies cleaned before `ready` are cleaned alike (each rule compiled where needed).
        let body = "Real text.\n\nPost a Comment\n\nCOMMENTS\n\nReplying to X\n";
        let early = Boilerplate::from_toml(DEFAULT_BOILERPLATE, "b").unwrap();
        assert!(early.rules.iter().all(|r| r.compiled.get().is_none()));
        assert_eq!(early.clean(body), kept_lines(&shipped(), body));
        early.ready().unwrap();
    }

    fn kept_lines<'a>(rules: &Boilerplate, body: &'a str) -> Vec<(usize, &'a str)> {
        rules.ready().unwrap();
        rules.clean(body)
    }

    #[test]
    fn recorded_rules_compile_lazily_and_clean_alike() {
        let text = DEFAULT_BOILERPLATE;
        let lazy = Boilerplate::from_recorded_toml(text, "recorded").unwrap();
        assert!(lazy.rules.iter().all(|r| r.compiled.get().is_none()));
        let body = "Real text.\n\nPost a Comment\n\nCOMMENTS\n\nReplying to X\n";
        assert_eq!(lazy.clean(body), shipped().clean(body));
        assert!(lazy.rules.iter().any(|r| r.compiled.get().is_some()));
        // A pattern that cannot compile (never in a recorded index) matches nothing.
        let bad = "[[rule]]\ndescription = \"x\"\npattern = \"(\"\naction = \"drop\"\n";
        let lazy = Boilerplate::from_recorded_toml(bad, "b").unwrap();
        assert_eq!(lazy.clean("(").len(), 1);
    }
}
