//! Rules without I/O: roles, validated values.

pub mod availability;
pub mod backoff;
pub mod case;
pub mod check_in;
pub mod coded;
pub mod course;
pub mod csv_safe;
pub mod help;
pub mod leave;
pub mod lecture;
pub mod profile;
pub mod role;
pub mod roster;
pub mod roster_csv;
pub mod schedule;
pub mod text;
pub mod transition;
pub mod validate;
pub mod visibility;
