//! Closed sets of codes (states, categories, modes): one macro that gives each its snake_case
//! code, its Chinese label, serde, the OpenAPI schema, and its TEXT column on both databases,
//! so rows hold the enum and no code is spelled as a string literal outside it.

/// Defines a closed set of snake_case codes, each with its Chinese label. Both the code
/// and the label parse (CSV files from the office use the Chinese).
macro_rules! coded_enum {
    // The TEXT mapping on one backend (the multi-backend connection needs both): written as
    // its code, read by `$read` as the `&str` the backend holds, without a copy.
    (@backend $name:ident, $backend:ty, |$value:pat_param| $read:expr) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Text, $backend> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, $backend>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, $backend>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, $backend> for $name {
            fn from_sql(
                $value: <$backend as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                // Compared where the database holds it (a page reads three codes a row).
                let raw: &str = $read;
                Self::from_code(raw).ok_or_else(|| {
                    format!("unexpected stored {} `{raw}`", stringify!($name)).into()
                })
            }
        }
    };
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal / $zh:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[serde(rename_all = "snake_case")]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The Chinese label (中文名).
            pub fn label_zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh),+
                }
            }

            /// The value for exactly this code (as stored), not a label.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == code)
            }

            /// The codes, for error messages.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl $crate::domain::coded::Coded for $name {
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn label_zh(self) -> &'static str {
                $name::label_zh(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = ();

            fn from_str(s: &str) -> Result<Self, ()> {
                let s = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s) || v.label_zh() == s)
                    .ok_or(())
            }
        }

        $crate::domain::coded::coded_enum!(@backend $name, diesel::sqlite::Sqlite,
            |mut value| value.read_text());
        $crate::domain::coded::coded_enum!(@backend $name, diesel::pg::Pg,
            |value| std::str::from_utf8(value.as_bytes())?);

        impl diesel::serialize::ToSql<diesel::sql_types::Text, $crate::db::DbBackend> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, $crate::db::DbBackend>,
            ) -> diesel::serialize::Result {
                out.set_value((diesel::sql_types::Text, self.as_str()));
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, $crate::db::DbBackend> for $name {
            fn from_sql(
                value: <$crate::db::DbBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                value.from_sql::<Self, diesel::sql_types::Text>()
            }
        }
    };
}

pub(crate) use coded_enum;

/// A value with a stable snake_case code (every `coded_enum!`).
pub trait Coded: Copy {
    fn code(self) -> &'static str;
    /// Its Chinese name, as a person reads it (`待派课`).
    fn label_zh(self) -> &'static str;
}
