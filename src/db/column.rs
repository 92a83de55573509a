//! Domain types stored as text columns: a project's SDG list and the choices a draft may
//! leave empty. (Keyed enums get theirs from `keyed_enum!`.)

use crate::nomination::{Choice, Region, SdgList, StakeholderType};

/// The SeaORM traits of a type stored as a string, from its `to_text`/`from_text`.
macro_rules! text_column {
    ($ty:ty, $to_text:expr, $from_text:expr) => {
        impl From<$ty> for sea_orm::Value {
            fn from(v: $ty) -> Self {
                let to_text: fn(&$ty) -> String = $to_text;
                to_text(&v).into()
            }
        }

        impl sea_orm::TryGetable for $ty {
            fn try_get_by<I: sea_orm::ColIdx>(res: &sea_orm::QueryResult, idx: I) -> Result<Self, sea_orm::TryGetError> {
                let from_text: fn(&str) -> Option<$ty> = $from_text;
                let text = String::try_get_by(res, idx)?;
                from_text(&text).ok_or_else(|| sea_orm::TryGetError::DbErr(sea_orm::DbErr::Type(format!("not a {}: {text:?}", stringify!($ty)))))
            }
        }

        impl sea_orm::sea_query::ValueType for $ty {
            fn try_from(v: sea_orm::Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                let from_text: fn(&str) -> Option<$ty> = $from_text;
                let text = <String as sea_orm::sea_query::ValueType>::try_from(v)?;
                from_text(&text).ok_or(sea_orm::sea_query::ValueTypeErr)
            }

            fn type_name() -> String {
                stringify!($ty).to_owned()
            }

            fn array_type() -> sea_orm::sea_query::ArrayType {
                sea_orm::sea_query::ArrayType::String
            }

            fn column_type() -> sea_orm::sea_query::ColumnType {
                sea_orm::sea_query::ColumnType::String(sea_orm::sea_query::StringLen::None)
            }
        }

        impl sea_orm::sea_query::Nullable for $ty {
            fn null() -> sea_orm::Value {
                sea_orm::Value::String(None)
            }
        }
    };
}

text_column!(SdgList, |v| v.to_string(), |s| s.parse().ok());
text_column!(Choice<Region>, |v| v.key().to_string(), |s| Some(Choice::parse(s)));
text_column!(Choice<StakeholderType>, |v| v.key().to_string(), |s| Some(Choice::parse(s)));
