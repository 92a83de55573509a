//! The shared domain of the WSIS Prizes platform.
//!
//! Everything in this crate outside the `ssr` feature compiles to WebAssembly and is used
//! by the browser and the server alike: the types that cross the wire and the pipeline's
//! rules as pure functions. Persistence (SeaORM entities, migrations, queries, demo data)
//! sits behind `ssr` so the browser build never links a database driver.

/// An enum whose variants have stable keys (as stored and as sent in forms): `ALL`,
/// `key()`, `parse()`, and in the server build a SeaORM string column of those keys, so
/// that a status that does not exist does not compile and a stored one reads back typed.
macro_rules! keyed_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)"))]
        $vis enum $name {
            $($(#[$vmeta])* #[cfg_attr(feature = "ssr", sea_orm(string_value = $key))] $variant),+
        }

        impl $name {
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The stable key, as stored and as forms send it.
            pub fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key),+
                }
            }

            /// The variant of a key (surrounding spaces ignored).
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.into_iter().find(|x| x.key() == s)
            }
        }

        impl $crate::Keyed for $name {
            fn key(self) -> &'static str {
                $name::key(self)
            }

            fn parse(s: &str) -> Option<Self> {
                $name::parse(s)
            }
        }
    };
}

/// A value named by a stable key (the enums of `keyed_enum!`).
pub trait Keyed: Copy + Sized {
    fn key(self) -> &'static str;
    fn parse(s: &str) -> Option<Self>;
}
pub(crate) use keyed_enum;

pub mod account;
pub mod audit;
pub mod ballot;
pub mod broadcast;
pub mod campaign;
pub mod category;
pub mod champion;
pub mod bulletin;
pub mod commitment;
pub mod edition;
pub mod error;
pub mod flash;
pub mod mail;
pub mod format;
#[cfg(feature = "ssr")]
pub mod messages;
pub mod nomination;
pub mod paging;
pub mod participation;
pub mod phase;
pub mod pow;
pub mod results;
pub mod review;
pub mod screening;
pub mod team;
pub mod share;
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
