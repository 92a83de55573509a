//! The shared domain of the WSIS Prizes platform.
//!
//! Everything in this crate outside the `ssr` feature compiles to WebAssembly and is used
//! by the browser and the server alike: the types that cross the wire and the pipeline's
//! rules as pure functions. Persistence (SeaORM entities, migrations, queries, demo data)
//! sits behind `ssr` so the browser build never links a database driver.

pub mod account;
pub mod category;
pub mod champion;
pub mod edition;
pub mod error;
pub mod flash;
pub mod format;
#[cfg(feature = "ssr")]
pub mod messages;
pub mod nomination;
pub mod phase;
pub mod pow;
pub mod results;
pub mod review;
pub mod tally;
pub mod time;
pub mod vote;

/// The six UN languages of the interface, by their codes.
pub const LANGUAGES: [&str; 6] = ["ar", "en", "es", "fr", "ru", "zh"];

/// `code` as one of [`LANGUAGES`] (any case), if it is one.
pub fn language(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|l| l.eq_ignore_ascii_case(code)).copied()
}

pub use error::AppError;

#[cfg(feature = "ssr")]
pub mod db;
