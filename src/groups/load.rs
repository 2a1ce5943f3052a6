//! Reading a gazetteer file: its TOML, and the checks that make it a valid [`Gazetteer`]
//! (paths unique and with their parents, no name shared by two groups, every alias a word
//! at least, every word list well formed), building the lookup tables the matcher uses and the
//! evidence rules tagging uses.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

use crate::groups::evidence::{CommonRules, GroupRules, Sense};
use crate::groups::lexicon::Lexicon;
use crate::groups::{
    Case, Gazetteer, Group, GroupPath, Kind, Pattern, StartFilter, normalize_name, words,
};

/// One group as the gazetteer file states it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupSpec {
    path: String,
    name: String,
    #[serde(default)]
    acronyms: Vec<String>,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
    #[serde(default)]
    ambiguous: Vec<String>,
    #[serde(default)]
    context: Vec<String>,
    #[serde(default)]
    beside: Option<BesideSpec>,
    #[serde(default, rename = "sense")]
    senses: Vec<SenseSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct BesideSpec {
    #[serde(default)]
    before: Vec<String>,
    #[serde(default)]
    after: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SenseSpec {
    what: String,
    #[serde(default)]
    forms: Vec<String>,
    #[serde(default)]
    near: Vec<String>,
    #[serde(default)]
    before: Vec<String>,
    #[serde(default)]
    after: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesSpec {
    ticker: bool,
    numbered: bool,
    context: Vec<String>,
    #[serde(default, rename = "sense")]
    senses: Vec<SenseSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GazetteerFile {
    rules: RulesSpec,
    #[serde(rename = "group")]
    groups: Vec<GroupSpec>,
}

/// A word list, or an error naming the key it is under.
fn lexicon(entries: &[String], key: &str) -> Result<Lexicon, String> {
    Lexicon::parse(entries).map_err(|e| format!("{key}: {e}"))
}

/// `aliases`: the short forms a sense may name in `forms` (none for the common senses).
fn senses(specs: &[SenseSpec], key: &str, aliases: &[&String]) -> Result<Vec<Sense>, String> {
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let key = format!("{key}.sense #{} ({:?})", i + 1, s.what);
            if s.what.trim().is_empty() {
                return Err(format!(
                    "{key}: `what` is empty; say what the other meaning is"
                ));
            }
            if s.near.is_empty() && s.before.is_empty() && s.after.is_empty() {
                return Err(format!(
                    "{key}: no words; give at least one of near, before, after"
                ));
            }
            let mut forms = Vec::new();
            for f in &s.forms {
                if !aliases.contains(&f) {
                    let known: Vec<&str> = aliases.iter().map(|a| a.as_str()).collect();
                    return Err(format!(
                        "{key}.forms: {f:?} is not a short form of this group; the weak names \
                         and acronyms are: {}",
                        if known.is_empty() {
                            "(none)".to_string()
                        } else {
                            known.join(", ")
                        }
                    ));
                }
                forms.push(normalize_name(f));
            }
            Ok(Sense {
                forms,
                near: lexicon(&s.near, &format!("{key}.near"))?,
                before: lexicon(&s.before, &format!("{key}.before"))?,
                after: lexicon(&s.after, &format!("{key}.after"))?,
            })
        })
        .collect()
}

impl GroupSpec {
    fn short_forms(&self) -> Vec<&String> {
        self.weak
            .iter()
            .chain(&self.acronyms)
            .chain(&self.ambiguous)
            .collect()
    }

    fn rules(&self) -> Result<GroupRules, String> {
        let key = format!("group {:?}", self.path);
        let (before, after) = match &self.beside {
            Some(_) if self.ambiguous.is_empty() => {
                return Err(format!(
                    "{key}: `beside` is read only for ambiguous acronyms; list them in \
                     `ambiguous`, or remove `beside`"
                ));
            }
            Some(b) => (b.before.as_slice(), b.after.as_slice()),
            None => (&[][..], &[][..]),
        };
        Ok(GroupRules {
            context: lexicon(&self.context, &format!("{key}.context"))?,
            senses: senses(&self.senses, &key, &self.short_forms())?,
            beside_before: lexicon(before, &format!("{key}.beside.before"))?,
            beside_after: lexicon(after, &format!("{key}.beside.after"))?,
        })
    }
}

impl RulesSpec {
    fn rules(&self) -> Result<CommonRules, String> {
        Ok(CommonRules {
            context: lexicon(&self.context, "rules.context")?,
            senses: senses(&self.senses, "rules", &[])?,
            ticker: self.ticker,
            numbered: self.numbered,
        })
    }
}

impl Gazetteer {
    /// Parses and validates a gazetteer file; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> anyhow::Result<Gazetteer> {
        let file: GazetteerFile = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{origin}: invalid gazetteer: {e}"))?;
        Self::build(file.rules, file.groups)
            .map_err(|e| anyhow::anyhow!("{origin}: invalid gazetteer: {e}"))
    }

    fn build(rules: RulesSpec, specs: Vec<GroupSpec>) -> Result<Gazetteer, String> {
        let common = rules.rules()?;
        let mut groups = Vec::new();
        for spec in specs {
            let rules = spec.rules()?;
            let path = GroupPath::parse(&spec.path)?;
            if spec.name.trim().is_empty() {
                return Err(format!("group {path} has an empty name"));
            }
            groups.push(Group {
                path,
                name: spec.name,
                acronyms: spec.acronyms,
                names: spec.names,
                weak: spec.weak,
                ambiguous: spec.ambiguous,
                rules,
            });
        }
        let paths: BTreeSet<&GroupPath> = groups.iter().map(|g| &g.path).collect();
        if paths.len() != groups.len() {
            return Err("two groups have the same path".into());
        }
        for g in &groups {
            if let Some(parent) = g.path.parent()
                && !paths.contains(&parent)
            {
                return Err(format!("group {} has no parent group {parent}", g.path));
            }
        }
        let mut gaz = Gazetteer {
            groups,
            by_first_word: HashMap::default(),
            starts: StartFilter::new(std::iter::empty()),
            prefilter: std::sync::OnceLock::new(),
            lookup: HashMap::new(),
            common,
        };
        gaz.index_names()?;
        Ok(gaz)
    }

    fn index_names(&mut self) -> Result<(), String> {
        for (gi, g) in self.groups.iter().enumerate() {
            let kinds = [
                (&g.names, Case::Folded, Kind::Name),
                (&g.weak, Case::Folded, Kind::Weak),
                (&g.acronyms, Case::Acronym, Kind::Acronym),
                (&g.ambiguous, Case::Exact, Kind::Ambiguous),
            ];
            let mut keys: Vec<String> = vec![g.path.to_string(), g.name.clone()];
            for (list, case, kind) in kinds {
                for alias in list {
                    let ws: Vec<String> = words(alias).into_iter().map(|w| w.form).collect();
                    if ws.is_empty() {
                        return Err(format!("group {}: alias {alias:?} has no words", g.path));
                    }
                    let written = match kind {
                        Kind::Weak => ws.clone(),
                        _ => Vec::new(),
                    };
                    let words = match case {
                        Case::Folded => ws.iter().map(|w| w.to_lowercase()).collect(),
                        _ => ws,
                    };
                    self.by_first_word
                        .entry(words[0].to_lowercase())
                        .or_default()
                        .push(Pattern {
                            words,
                            case,
                            kind,
                            written,
                            group: gi,
                        });
                    keys.push(alias.clone());
                }
            }
            for key in keys {
                let norm = normalize_name(&key);
                match self.lookup.insert(norm.clone(), gi) {
                    Some(other) if other != gi => {
                        return Err(format!(
                            "the name {key:?} belongs to both {} and {}",
                            self.groups[other].path, g.path
                        ));
                    }
                    _ => {}
                }
            }
        }
        for list in self.by_first_word.values_mut() {
            // Longest first, so the first pattern that matches is the longest.
            list.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
        }
        self.starts = StartFilter::new(self.by_first_word.keys().map(String::as_str));
        Ok(())
    }
}
