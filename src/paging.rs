//! Long lists in pages: the accounts of an edition's 300,000 voters are read, sent and
//! rendered a page at a time.

use serde::{Deserialize, Serialize};

/// The rows of one page of a list, with the page's number (from 1), the rows a page holds
/// and the length of the whole list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// The largest page number a request may name (200 rows a page: 20 million rows).
pub const MAX_PAGE: u64 = 100_000;

impl<T> Paged<T> {
    /// How many pages the list has (one, even when it is empty).
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }

    /// Where this page stands in the list, for its links to the pages around it.
    pub fn place(&self) -> Place {
        Place { page: self.page, pages: self.pages(), total: self.total }
    }
}

/// A page's place in its list: its number, how many pages and rows the list has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

impl Place {
    pub fn has_previous(self) -> bool {
        self.page > 1
    }
    pub fn has_next(self) -> bool {
        self.page < self.pages
    }
}

/// A page number as a request gives it: empty means the first page.
pub fn parse_page(text: &str) -> Result<u64, String> {
    match text.trim() {
        "" => Ok(1),
        t => match t.parse::<u64>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            _ => Err("The page number is not valid.".into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn paged(page: u64, per_page: u64, total: u64) -> Paged<()> {
        Paged { rows: Vec::new(), page, per_page, total }
    }

    #[test]
    fn page_numbers_start_at_one_and_refuse_nonsense() {
        assert_eq!(parse_page(""), Ok(1));
        assert_eq!(parse_page(" 3 "), Ok(3));
        for bad in ["0", "-1", "x", "1.5", "100001", "99999999999999999999"] {
            assert!(parse_page(bad).is_err(), "{bad}");
        }
        assert_eq!(paged(1, 200, 0).pages(), 1);
        assert_eq!(paged(1, 200, 200).pages(), 1);
        assert_eq!(paged(1, 200, 201).pages(), 2);
        assert!(!paged(1, 200, 200).place().has_next() && paged(1, 200, 201).place().has_next());
        assert!(!paged(1, 200, 10).place().has_previous() && paged(2, 200, 201).place().has_previous());
    }

    proptest! {
        #[test]
        fn every_row_is_on_exactly_one_page(total in 0u64..100_000, per_page in 1u64..500) {
            let pages = paged(1, per_page, total).pages();
            // the last page holds the last row, the page before it does not
            prop_assert!(pages * per_page >= total);
            prop_assert!(total == 0 || (pages - 1) * per_page < total);
            prop_assert!(!paged(pages, per_page, total).place().has_next());
            prop_assert!(pages == 1 || paged(pages - 1, per_page, total).place().has_next());
        }
    }
}
