//! A small corpus written by the tests, with every expected count derivable from its
//! description alone (facets, show, timeline and paging tests share it).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{build_index, temp_kept, write_article};

/// One article of the small corpus: its outlet, date, and paragraphs with the groups each one
/// names (full names, or acronyms with a context word such as "banned" beside them, which is
/// the evidence an acronym needs; titles name no group).
pub struct Art {
    pub id: &'static str,
    pub outlet: Option<&'static str>,
    pub date: Option<&'static str>,
    pub paras: &'static [(&'static str, &'static [&'static str])],
}

pub const SMALL: &[Art] = &[
    Art {
        id: "a1",
        outlet: Some("Alpha Times"),
        date: Some("2022-01-15"),
        paras: &[
            ("Zebra report: the TTP claimed the attack.", &["TTP"]),
            (
                "Zebra report: ISIS-Khorasan was also named.",
                &["ISIS/Khorasan"],
            ),
            ("Zebra report: a quiet paragraph.", &[]),
            ("Zebra report: the banned TTP again.", &["TTP"]),
        ],
    },
    Art {
        id: "a2",
        outlet: Some("Beta Post"),
        date: Some("2022-03"),
        paras: &[
            ("Zebra note: the banned TTP spoke.", &["TTP"]),
            ("Zebra note: the Balochistan Liberation Army too.", &["BLA"]),
        ],
    },
    Art {
        id: "a3",
        outlet: Some("Alpha Times"),
        date: Some("2024"),
        paras: &[
            ("Zebra memo: Daesh cells.", &["ISIS"]),
            ("Zebra memo: nothing named.", &[]),
        ],
    },
    Art {
        id: "a4",
        outlet: None,
        date: None,
        paras: &[(
            "Zebra scrap: TTP militants and Daesh together.",
            &["TTP", "ISIS"],
        )],
    },
];

/// The small corpus, indexed once per test binary.
pub fn small_index() -> &'static Path {
    static IDX: OnceLock<PathBuf> = OnceLock::new();
    IDX.get_or_init(|| {
        let dir = temp_kept("small");
        let corpus = dir.join("corpus");
        for a in SMALL {
            let mut front = format!("id = \"{}\"\ntitle = \"Report {}\"", a.id, a.id);
            if let Some(o) = a.outlet {
                front.push_str(&format!("\noutlet = \"{o}\""));
            }
            if let Some(d) = a.date {
                front.push_str(&format!("\ndate = \"{d}\""));
            }
            let body: Vec<&str> = a.paras.iter().map(|p| p.0).collect();
            write_article(&corpus, &format!("{}.md", a.id), &front, &body.join("\n\n"));
        }
        build_index(&corpus, "small")
    })
}

/// Passages in the small corpus: one per paragraph (each is far under the word limit).
pub fn total_passages() -> u64 {
    SMALL.iter().map(|a| a.paras.len() as u64).sum()
}
