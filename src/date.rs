//! Dates as spans.
//!
//! Articles are often dated only to the month or the year ("2023-03, day unknown"), so a date is
//! a span of days, not a point: a filter matches when the spans overlap. Days are encoded as
//! `YYYYMMDD` integers, which order like dates and need no calendar library.

use std::fmt;

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A calendar date known to year, month or day precision. Constructed only through
/// [`DateSpan::parse`], so every value is a real date (no month 13, no February 30).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

/// What a valid date looks like, for error messages.
pub const DATE_FORMS: &str = "YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2024-05-13, 2024-05, 2024)";

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// The number of days in a month of a year (leap years included).
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn parse_part(part: &str, digits: usize, what: &str) -> Result<u32, String> {
    if part.len() != digits || !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the {what} must be {digits} digits, got {part:?}"));
    }
    part.parse::<u32>()
        .map_err(|e| format!("bad {what} {part:?}: {e}"))
}

impl DateSpan {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the error says what is wrong and what is valid.
    pub fn parse(text: &str) -> Result<DateSpan, String> {
        let text = text.trim();
        let invalid = |why: String| format!("invalid date {text:?}: {why}; expected {DATE_FORMS}");
        let parts: Vec<&str> = text.split('-').collect();
        if parts.is_empty() || parts.len() > 3 {
            return Err(invalid("wrong number of parts".into()));
        }
        let year = parse_part(parts[0], 4, "year").map_err(invalid)?;
        if year == 0 {
            return Err(invalid("year 0000 does not exist".into()));
        }
        let year = year as u16;
        let month = match parts.get(1) {
            None => None,
            Some(p) => {
                let m = parse_part(p, 2, "month").map_err(invalid)?;
                if !(1..=12).contains(&m) {
                    return Err(invalid(format!("month {m} is not 01-12")));
                }
                Some(m as u8)
            }
        };
        let day = match (parts.get(2), month) {
            (None, _) => None,
            (Some(p), Some(m)) => {
                let d = parse_part(p, 2, "day").map_err(invalid)?;
                let max = days_in_month(year, m);
                if d == 0 || d > u32::from(max) {
                    return Err(invalid(format!(
                        "day {d} is not 01-{max:02} for that month"
                    )));
                }
                Some(d as u8)
            }
            // Not reachable from any input: a third part exists only after a second one, and a
            // second one that is not a valid month has already returned an error above.
            (Some(_), None) => unreachable!("a day part implies a month part"),
        };
        Ok(DateSpan { year, month, day })
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        }
    }

    pub fn year(&self) -> u16 {
        self.year
    }

    pub fn month(&self) -> Option<u8> {
        self.month
    }

    /// First day of the span as `YYYYMMDD`.
    pub fn first_day(&self) -> u64 {
        let m = self.month.unwrap_or(1);
        let d = self.day.unwrap_or(1);
        ymd(self.year, m, d)
    }

    /// Last day of the span as `YYYYMMDD`.
    pub fn last_day(&self) -> u64 {
        let m = self.month.unwrap_or(12);
        let d = self.day.unwrap_or_else(|| days_in_month(self.year, m));
        ymd(self.year, m, d)
    }

    /// Whether two spans share at least one day.
    pub fn overlaps(&self, other: &DateSpan) -> bool {
        self.first_day() <= other.last_day() && other.first_day() <= self.last_day()
    }

    /// Facet path segments: `["2023", "03", "06"]`, as deep as the precision goes.
    pub fn facet_segments(&self) -> Vec<String> {
        let mut segments = vec![format!("{:04}", self.year)];
        if let Some(m) = self.month {
            segments.push(format!("{m:02}"));
        }
        if let Some(d) = self.day {
            segments.push(format!("{d:02}"));
        }
        segments
    }
}

fn ymd(year: u16, month: u8, day: u8) -> u64 {
    u64::from(year) * 10_000 + u64::from(month) * 100 + u64::from(day)
}

impl fmt::Display for DateSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// An inclusive filter range from `--since` and `--until`; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    /// First admitted day (`YYYYMMDD`), from the start of the `--since` span.
    pub since: Option<u64>,
    /// Last admitted day (`YYYYMMDD`), from the end of the `--until` span.
    pub until: Option<u64>,
}

impl DateRange {
    /// Builds the range, refusing one that admits no day at all.
    pub fn new(since: Option<DateSpan>, until: Option<DateSpan>) -> Result<DateRange, String> {
        if let (Some(s), Some(u)) = (since, until)
            && s.first_day() > u.last_day()
        {
            return Err(format!(
                "--since {s} is after --until {u}: no date can match; swap them or widen the range"
            ));
        }
        Ok(DateRange {
            since: since.map(|s| s.first_day()),
            until: until.map(|u| u.last_day()),
        })
    }

    pub fn is_open(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }

    /// Whether an article dated `span` matches (spans overlap the range).
    pub fn admits(&self, span: &DateSpan) -> bool {
        self.since.is_none_or(|s| span.last_day() >= s)
            && self.until.is_none_or(|u| span.first_day() <= u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> DateSpan {
        DateSpan::parse(s).unwrap()
    }

    #[test]
    fn parses_three_precisions() {
        assert_eq!(d("2023-03-06").precision(), Precision::Day);
        assert_eq!(d("2023-03").precision(), Precision::Month);
        assert_eq!(d("2023").precision(), Precision::Year);
        assert_eq!(d("2023-03").to_string(), "2023-03");
    }

    #[test]
    fn spans_cover_whole_month_and_year() {
        assert_eq!(d("2023-03").first_day(), 20230301);
        assert_eq!(d("2023-03").last_day(), 20230331);
        assert_eq!(d("2024-02").last_day(), 20240229);
        assert_eq!(d("2023-02").last_day(), 20230228);
        assert_eq!(d("1900-02").last_day(), 19000228);
        assert_eq!(d("2000-02").last_day(), 20000229);
        assert_eq!(d("2025").first_day(), 20250101);
        assert_eq!(d("2025").last_day(), 20251231);
    }

    #[test]
    fn rejects_invalid_dates_with_reason() {
        for bad in [
            "2023-13",
            "2023-02-30",
            "2023-3-6",
            "23-03-06",
            "2023-03-06-01",
            "",
            "abcd",
            "2023-00",
            "2023-04-31",
            "0000",
            "２０２３",
        ] {
            let err = DateSpan::parse(bad).unwrap_err();
            assert!(err.contains("expected YYYY-MM-DD"), "{bad}: {err}");
        }
        assert!(DateSpan::parse("2024-02-29").is_ok());
        assert!(DateSpan::parse("2023-02-29").is_err());
    }

    #[test]
    fn overlap_semantics() {
        assert!(d("2023-03").overlaps(&d("2023-03-27")));
        assert!(d("2023").overlaps(&d("2023-12-31")));
        assert!(!d("2023-03").overlaps(&d("2023-04-01")));
        let r = DateRange::new(Some(d("2024-01-01")), None).unwrap();
        assert!(r.admits(&d("2024-05")));
        assert!(r.admits(&d("2025-08")));
        assert!(!r.admits(&d("2023-03")));
        // A month-precision article overlaps a range that starts mid-month.
        let r = DateRange::new(Some(d("2023-03-15")), Some(d("2023-03-20"))).unwrap();
        assert!(r.admits(&d("2023-03")));
        assert!(!r.admits(&d("2023-03-09")));
        // --until with month precision includes the whole month.
        let r = DateRange::new(None, Some(d("2023-03"))).unwrap();
        assert_eq!(r.until, Some(20230331));
    }

    #[test]
    fn since_after_until_is_an_error() {
        let err = DateRange::new(Some(d("2025")), Some(d("2024"))).unwrap_err();
        assert!(err.contains("after"));
        // Same span both ends is fine.
        assert!(DateRange::new(Some(d("2024")), Some(d("2024"))).is_ok());
    }
}
