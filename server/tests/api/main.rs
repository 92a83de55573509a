//! Integration tests: the real router on a real database, over HTTP.

mod accounts;
mod audit;
mod editions;
mod helpers;
mod pages;
mod voting;
