//! Reading a gazetteer file: its TOML, and the checks that make it a valid [`Gazetteer`]
//! (paths unique and with their parents, no name shared by two groups, every alias a word
//! at least), building the lookup tables the matcher uses.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

use crate::groups::{
    Case, Gazetteer, Group, GroupPath, Pattern, StartFilter, normalize_name, words,
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
    ambiguous: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GazetteerFile {
    #[serde(rename = "group")]
    groups: Vec<GroupSpec>,
}

impl Gazetteer {
    /// Parses and validates a gazetteer file; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> anyhow::Result<Gazetteer> {
        let file: GazetteerFile = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{origin}: invalid gazetteer: {e}"))?;
        Self::build(file.groups).map_err(|e| anyhow::anyhow!("{origin}: invalid gazetteer: {e}"))
    }

    fn build(specs: Vec<GroupSpec>) -> Result<Gazetteer, String> {
        let mut groups = Vec::new();
        for spec in specs {
            let path = GroupPath::parse(&spec.path)?;
            if spec.name.trim().is_empty() {
                return Err(format!("group {path} has an empty name"));
            }
            groups.push(Group {
                path,
                name: spec.name,
                acronyms: spec.acronyms,
                names: spec.names,
                ambiguous: spec.ambiguous,
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
        };
        gaz.index_names()?;
        Ok(gaz)
    }

    fn index_names(&mut self) -> Result<(), String> {
        for (gi, g) in self.groups.iter().enumerate() {
            let kinds = [
                (&g.names, Case::Folded),
                (&g.acronyms, Case::Acronym),
                (&g.ambiguous, Case::Exact),
            ];
            let mut keys: Vec<String> = vec![g.path.to_string(), g.name.clone()];
            for (list, case) in kinds {
                for alias in list {
                    let ws: Vec<String> = words(alias).into_iter().map(|w| w.form).collect();
                    if ws.is_empty() {
                        return Err(format!("group {}: alias {alias:?} has no words", g.path));
                    }
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
