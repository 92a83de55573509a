//! Pieces shared by several pages.

pub mod admin_nav;
pub mod footer;
pub mod header;
pub mod labels;
pub mod loaded;
pub mod notice;
pub mod phase;
pub mod pager;
pub mod pow;
pub mod project;
pub mod share_card;
