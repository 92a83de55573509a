//! One module per page.

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod categories;
pub mod category;
pub mod editions;
pub mod home;
pub mod my_votes;
pub mod nominations;
pub mod nominee;
pub mod not_found;
pub mod receipt;
pub mod results;
pub mod review;
