//! TREC topic files: `<top>` … `<num>` … `<title>` … `<desc>` … `<narr>` … `</top>`, as the
//! classic files write them (labels such as `Number:` and `Description:`, no closing tags, parts
//! over several lines) and as later ones do (closing tags). [`TopicField`] (`--topic-field`)
//! says which parts make a topic's query, as Anserini's `-topicfield` (`title+description`).

use std::collections::HashMap;

/// What a topic file holds, in file order: topics and the lines that are wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Topic(TrecTopic),
    /// A 1-based line and what is wrong there.
    Error(usize, String),
}

/// One topic read to its `</top>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrecTopic {
    /// `<num>`, its label dropped.
    pub num: String,
    /// The line of the first part of the query (the topic's `<top>` when it has none).
    pub line: usize,
    /// The parts asked for that it has, joined by a space.
    pub text: String,
    /// Why it is scored empty: it has none of the parts asked for.
    pub empty: Option<String>,
    /// The line of its `<top>` and what it lacks, when it lacks some of the parts asked for.
    pub warning: Option<(usize, String)>,
}

/// A part of a TREC topic that can be its query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicPart {
    /// `<title>`: a few words (the default, as in Pyserini and Anserini).
    Title,
    /// `<desc>`: a sentence or two saying what is wanted.
    Desc,
    /// `<narr>`: what makes a document relevant, and what does not.
    Narr,
}

impl TopicPart {
    /// The tag the part is written under.
    pub fn tag(self) -> &'static str {
        match self {
            TopicPart::Title => "title",
            TopicPart::Desc => "desc",
            TopicPart::Narr => "narr",
        }
    }

    /// The label classic TREC files put before the text (`<desc> Description:`), stripped.
    fn label(self) -> &'static str {
        match self {
            TopicPart::Title => "Topic",
            TopicPart::Desc => "Description",
            TopicPart::Narr => "Narrative",
        }
    }
}

/// Which parts of a TREC topic make its query, in order (`--topic-field`): `title` (the
/// default), `desc` or `narr`, or several joined by `+` (`title+desc`), their texts joined by a
/// space, as Anserini's `-topicfield` joins them. Anserini's names (`description`,
/// `narrative`) are accepted too. Where Anserini puts the word "null" for a part a topic
/// lacks, the topic here runs on the parts it has, or is scored empty (see [`parse`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicField(Vec<TopicPart>);

impl TopicField {
    /// The parts, in the order they are joined.
    pub fn parts(&self) -> &[TopicPart] {
        &self.0
    }
}

impl Default for TopicField {
    fn default() -> TopicField {
        TopicField(vec![TopicPart::Title])
    }
}

impl std::str::FromStr for TopicField {
    type Err = String;

    fn from_str(text: &str) -> Result<TopicField, String> {
        let mut parts = Vec::new();
        for name in text.split('+') {
            let part = match name.trim().to_lowercase().as_str() {
                "title" => TopicPart::Title,
                "desc" | "description" => TopicPart::Desc,
                "narr" | "narrative" => TopicPart::Narr,
                _ => {
                    return Err(format!(
                        "unknown topic field {:?} in {text:?}: the fields are title, desc and \
                         narr, alone or joined by + (title+desc)",
                        name.trim()
                    ));
                }
            };
            if parts.contains(&part) {
                return Err(format!("{text:?} names {} twice", part.tag()));
            }
            parts.push(part);
        }
        Ok(TopicField(parts))
    }
}

impl std::fmt::Display for TopicField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|p| p.tag()).collect();
        f.write_str(&names.join("+"))
    }
}

/// A TREC topic being read.
struct Topic {
    start: usize,
    /// Each tag's text so far (`num`, `title`, `desc`, `narr`, and any other), with the line
    /// it starts on.
    tags: HashMap<String, (usize, String)>,
    /// The tag whose text continues on the following lines.
    open: Option<String>,
}

impl Topic {
    fn new(start: usize) -> Topic {
        Topic {
            start,
            tags: HashMap::new(),
            open: None,
        }
    }

    /// Adds `text` to the open tag (a tag's line, or a line that continues it); a closing tag
    /// at its end (`</title>`) closes it.
    fn add(&mut self, line: usize, text: &str) {
        let Some(tag) = self.open.clone() else {
            return;
        };
        let value = text.trim();
        let (value, closed) = match value.strip_suffix(&format!("</{tag}>")) {
            Some(v) => (v.trim(), true),
            None => (value, false),
        };
        let (_, all) = self.tags.entry(tag).or_insert((line, String::new()));
        if !value.is_empty() {
            if !all.is_empty() {
                all.push(' ');
            }
            all.push_str(value);
        }
        if closed {
            self.open = None;
        }
    }

    /// The text of `tag` with its label (`Number:`, `Topic:`, ...) stripped, if not empty.
    fn text(&self, tag: &str, label: &str) -> Option<(usize, String)> {
        let (line, text) = self.tags.get(tag)?;
        let text = strip_label(text, label);
        (!text.is_empty()).then(|| (*line, text.to_string()))
    }
}

/// The tag a topic line starts with (`<desc>` → `desc`) and the text after it; `None` for a
/// closing tag or a line of text (a `<` that starts no tag name, as in `<5 km`).
fn opening_tag(line: &str) -> Option<(String, &str)> {
    let rest = line.strip_prefix('<')?;
    let (tag, value) = rest.split_once('>')?;
    let tag = tag.trim();
    let is_name = !tag.is_empty() && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    is_name.then(|| (tag.to_lowercase(), value))
}

/// Reads TREC topic files: `<num>`, `<title>`, `<desc>` and `<narr>` inside `<top>` …
/// `</top>`, the labels of classic files (`Number:`, `Topic:`, `Description:`,
/// `Narrative:`) stripped. A tag's text runs over the following lines until the next tag;
/// closing tags (`</title>`) are allowed and not needed, as classic files have none.
/// `field` says which parts make each topic's query.
pub fn parse(text: &str, field: &TopicField) -> Vec<Item> {
    let mut items = Vec::new();
    let mut topic: Option<Topic> = None;
    let mut last = 0;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        last = n;
        let t = line.trim();
        if t.starts_with("<top>") {
            if let Some(open) = topic.take() {
                let err = format!(
                    "the <top> on line {} is not closed by </top> before this <top>; it was read up to here",
                    open.start
                );
                items.push(finish_topic(open, field));
                items.push(Item::Error(n, err));
            }
            topic = Some(Topic::new(n));
            continue;
        }
        let Some(top) = topic.as_mut() else {
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let err = if t.starts_with("</top>") {
                "</top> without <top>".to_string()
            } else {
                format!(
                    "expected <top> to start a topic, found {:?}; a TREC topic is <top> <num> ID <title> QUERY </top>",
                    clip(t)
                )
            };
            items.push(Item::Error(n, err));
            continue;
        };
        if t.starts_with("</top>") {
            if let Some(done) = topic.take() {
                items.push(finish_topic(done, field));
            }
        } else if let Some((tag, value)) = opening_tag(t) {
            top.open = Some(tag);
            top.add(n, value);
        } else if t.starts_with("</") {
            top.open = None;
        } else if !t.is_empty() {
            top.add(n, t);
        }
    }
    if let Some(top) = topic {
        let err = format!("the <top> on line {} is never closed by </top>", top.start);
        items.push(Item::Error(last.max(top.start), err));
    }
    items
}

/// Turns a topic read to its `</top>` into its query: the parts `field` names that it has,
/// joined. A topic that lacks one is reported by its number (a warning), and one that has none
/// of them is scored empty: no topic of a file is dropped.
fn finish_topic(top: Topic, field: &TopicField) -> Item {
    let Some((_, num)) = top.text("num", "Number") else {
        let err = "topic has no <num>; write <num> Number: ID after <top>".to_string();
        return Item::Error(top.start, err);
    };
    let tags = |parts: &[TopicPart]| -> String {
        let tags: Vec<String> = parts.iter().map(|p| format!("<{}>", p.tag())).collect();
        tags.join(" and ")
    };
    let (mut present, mut missing) = (Vec::new(), Vec::new());
    for &part in field.parts() {
        match top.text(part.tag(), part.label()) {
            Some(found) => present.push((part, found)),
            None => missing.push(part),
        }
    }
    let Some(&(_, (line, _))) = present.first() else {
        return Item::Topic(TrecTopic {
            num,
            line: top.start,
            text: String::new(),
            empty: Some(format!(
                "the topic has no {} (--topic-field {field})",
                tags(&missing)
            )),
            warning: None,
        });
    };
    let text: Vec<&str> = present.iter().map(|(_, (_, t))| t.as_str()).collect();
    let warning = (!missing.is_empty()).then(|| {
        let used: Vec<TopicPart> = present.iter().map(|(p, _)| *p).collect();
        let why = format!(
            "topic {num:?} has no {}: its query is its {} only",
            tags(&missing),
            tags(&used)
        );
        (top.start, why)
    });
    Item::Topic(TrecTopic {
        num,
        line,
        text: text.join(" "),
        empty: None,
        warning,
    })
}

/// `value` without its leading `label` and colon, in any case (`Number: 051` → `051`); only
/// with the colon, so a description that starts "Description of" keeps its first word.
fn strip_label<'a>(value: &'a str, label: &str) -> &'a str {
    let v = value.trim();
    match v.get(..label.len()) {
        Some(head) if head.eq_ignore_ascii_case(label) => {
            let rest = v[label.len()..].trim_start();
            match rest.strip_prefix(':') {
                Some(after) => after.trim(),
                None => v,
            }
        }
        _ => v,
    }
}

fn clip(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_fields_are_title_desc_narr_or_joined_by_plus() {
        let parts = |s: &str| s.parse::<TopicField>().map(|f| f.parts().to_vec());
        assert_eq!(parts("title"), Ok(vec![TopicPart::Title]));
        assert_eq!(
            parts("Title+description"),
            Ok(vec![TopicPart::Title, TopicPart::Desc])
        );
        assert_eq!(
            parts("narrative+desc"),
            Ok(vec![TopicPart::Narr, TopicPart::Desc])
        );
        assert_eq!(TopicField::default().to_string(), "title");
        assert_eq!(
            "narrative+title".parse::<TopicField>().unwrap().to_string(),
            "narr+title"
        );
        for bad in ["summary", "title+", "", "title+title", "desc+description"] {
            let err = bad.parse::<TopicField>().unwrap_err();
            assert!(
                err.contains("title, desc and narr") || err.contains("twice"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn labels_go_only_with_their_colon_and_tags_are_names() {
        assert_eq!(strip_label("Number:  051", "Number"), "051");
        assert_eq!(strip_label("number : 051", "Number"), "051");
        assert_eq!(
            strip_label("Description of attacks", "Description"),
            "Description of attacks"
        );
        assert_eq!(strip_label("Topic:", "Topic"), "");
        assert_eq!(
            opening_tag("<desc> Description:"),
            Some(("desc".into(), " Description:"))
        );
        assert_eq!(
            opening_tag("<NARR>x</NARR>"),
            Some(("narr".into(), "x</NARR>"))
        );
        assert_eq!(opening_tag("<5 dead>"), None);
        assert_eq!(opening_tag("</desc>"), None);
        assert_eq!(opening_tag("no tag"), None);
    }
}
