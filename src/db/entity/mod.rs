//! SeaORM entities: one per table, plain as generated code would be.

pub mod account;
pub mod audit_log;
pub mod category;
pub mod champion;
pub mod edition;
pub mod email_token;
pub mod expert_assignment;
pub mod nomination;
pub mod review;
pub mod session;
pub mod sign_in_failure;
pub mod tally;
pub mod vote;
