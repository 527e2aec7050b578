//! `service_certificates` (志愿服务记录证明): an expert's totals over a period, frozen under a
//! serial when the office issues the paper (the database refuses any later change).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::service_certificates;
use crate::db::{DbConnection, OnBackend as _, Time};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = service_certificates)]
pub struct Certificate {
    pub serial: String,
    pub expert_id: String,
    /// The name as printed.
    pub expert_name: String,
    pub from_date: NaiveDate,
    pub to_date: NaiveDate,
    pub lectures: i32,
    pub minutes: i32,
    pub beneficiaries: i64,
    pub observations: i32,
    pub issued_by: String,
    #[diesel(deserialize_as = Time)]
    pub issued_at: NaiveDateTime,
}

impl Certificate {
    /// A serial to print: `GA`, the period's last year, and twelve random hex digits (48
    /// bits: not to be guessed from another paper's).
    pub fn new_serial(to: NaiveDate) -> String {
        use chrono::Datelike as _;
        let random = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
        format!("GA{}-{}", to.year(), &random[..12])
    }

    pub fn insert(conn: &mut DbConnection, certificate: &Certificate) -> QueryResult<()> {
        diesel::insert_into(service_certificates::table)
            .values(certificate)
            .execute_on(conn)?;
        Ok(())
    }

    pub fn find(conn: &mut DbConnection, serial: &str) -> QueryResult<Option<Certificate>> {
        service_certificates::table
            .find(serial)
            .select(Certificate::as_select())
            .first(conn)
            .optional()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serial_names_the_periods_year_and_is_not_guessed_from_another() {
        let to = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let (a, b) = (Certificate::new_serial(to), Certificate::new_serial(to));
        assert!(a.starts_with("GA2026-"), "{a}");
        assert_eq!(a.len(), "GA2026-".len() + 12);
        assert!(
            a[7..]
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
        assert_ne!(a, b);
    }
}
