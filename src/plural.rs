//! Counts in messages, as English writes them: "1 article", "2 articles", "1 query",
//! "3 queries", "1 match", "2 matches". Every room's messages use these (the indexer's summary,
//! errors, printers), so none writes "1 articles" or "file(s)".

/// A number a message counts: any unsigned integer type.
pub trait Number: Copy {
    fn value(self) -> u64;
}

impl Number for u64 {
    fn value(self) -> u64 {
        self
    }
}

impl Number for u32 {
    fn value(self) -> u64 {
        u64::from(self)
    }
}

impl Number for usize {
    fn value(self) -> u64 {
        self as u64
    }
}

/// `n` and the noun, in the singular for one: "1 article", "2 articles", "0 passages".
pub fn count(n: impl Number, noun: &str) -> String {
    format!("{} {}", n.value(), plural(n, noun))
}

/// The noun for `n` of it: "article" for 1, "articles" otherwise. The last word is put in the
/// plural ("bad line" → "bad lines"), by the regular rules: query → queries, match → matches,
/// box → boxes; other nouns take an s.
pub fn plural(n: impl Number, noun: &str) -> String {
    if n.value() == 1 {
        return noun.to_string();
    }
    let consonant_y = noun.strip_suffix('y').is_some_and(|stem| {
        stem.chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphabetic() && !"aeiou".contains(c))
    });
    if consonant_y {
        format!("{}ies", &noun[..noun.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| noun.ends_with(e))
    {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(count(1u64, "article"), "1 article");
        assert_eq!(count(0usize, "article"), "0 articles");
        assert_eq!(count(52u32, "passage"), "52 passages");
        assert_eq!(count(1usize, "bad line"), "1 bad line");
        assert_eq!(count(2usize, "bad line"), "2 bad lines");
        assert_eq!(count(1usize, "query"), "1 query");
        assert_eq!(count(3usize, "query"), "3 queries");
        assert_eq!(count(2usize, "day"), "2 days", "a vowel before the y");
        assert_eq!(count(2usize, "match"), "2 matches");
        assert_eq!(count(2usize, "box"), "2 boxes");
        assert_eq!(plural(1usize, "judgment"), "judgment");
        assert_eq!(plural(7usize, "judgment"), "judgments");
    }
}
