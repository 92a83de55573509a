//! Integration tests: the real router on a real database, over HTTP.

mod accounts;
mod attacks;
mod campaigns;
mod code_sign_in;
mod commitment;
mod api_v1;
mod audit;
mod bulletin;
mod durability;
mod editions;
mod helpers;
mod languages;
mod nodes;
mod nominations;
mod oidc;
mod ops;
mod pages;
mod results;
mod share;
mod review;
mod participation;
mod reminders;
mod voting;
