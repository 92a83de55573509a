//! SeaORM entities: one per table, plain as generated code would be.

pub mod account;
pub mod account_role;
pub mod attempt;
pub mod audit_head;
pub mod audit_log;
pub mod blocked_domain;
pub mod campaign;
pub mod category;
pub mod champion;
pub mod commitment;
pub mod edition;
pub mod email_token;
pub mod expert_assignment;
pub mod mail;
pub mod nomination;
pub mod observer;
pub mod review;
pub mod session;
pub mod sign_in_code;
pub mod tally;
pub mod used_challenge;
pub mod vote;
pub mod vote_freeze;
pub mod vote_reminder;
