//! One module per page (or group of pages), named after what it serves.

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod broadcasts;
pub mod categories;
pub mod category;
pub mod champions;
pub mod dashboard;
pub mod editions;
pub mod home;
pub mod my_votes;
pub mod nominee;
pub mod not_found;
pub mod receipt;
pub mod results;
pub mod review;
pub mod screening;
pub mod submissions;
