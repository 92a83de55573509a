//! Pieces shared by several pages.

pub mod footer;
pub mod header;
pub mod notice;
pub mod phase;
