//! Integration tests: the real router on a real database, over HTTP.

mod accounts;
mod audit;
mod editions;
mod helpers;
mod nominations;
mod pages;
mod results;
mod review;
mod voting;
