//! 志愿服务记录 (the service record): what an expert gave in a period — every delivered or
//! closed lecture (a corrected no-show is delivered) with its minutes and beneficiaries, and
//! the lectures they observed — with the totals; and the certificates that freeze those
//! totals under a serial anyone holding the paper can verify.

use chrono::NaiveDate;

use super::*;
use crate::models::certificate::Certificate;
use crate::models::lecture::GivenLecture;
use crate::models::observation::{Observation, ObservedLecture};

/// The longest period one record covers (three years): an expert gives at most
/// `max_per_month` lectures a month, so a record stays a page that prints.
pub const LONGEST_PERIOD_DAYS: i64 = 3 * 366;

/// The local days a record covers, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// From local midnight of the first day to local midnight after the last.
    pub fn span(self, tz: chrono_tz::Tz) -> Span {
        crate::domain::schedule::days_span(self.from, self.to, tz)
    }
}

/// A given lecture with what it counts for.
#[derive(Debug, Clone)]
pub struct ServiceLecture {
    pub given: GivenLecture,
    /// As recorded at check-out (or corrected); the planned length when none was.
    pub minutes: i64,
    /// 受益人次, once the expert reported.
    pub beneficiaries: Option<i64>,
}

/// The record's totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceTotals {
    pub lectures: i64,
    pub minutes: i64,
    /// Of the lectures reported (an unreported one counts none).
    pub beneficiaries: i64,
    pub observations: i64,
}

impl ServiceTotals {
    /// Hours, to one decimal.
    pub fn hours(&self) -> f64 {
        hours(self.minutes)
    }
}

/// Minutes as hours, to one decimal (what a record and a certificate print).
pub fn hours(minutes: i64) -> f64 {
    // Minutes of a few years fit an f64 exactly.
    #[expect(clippy::cast_precision_loss, reason = "well below 2^52 minutes")]
    let minutes = minutes as f64;
    (minutes / 6.0).round() / 10.0
}

pub struct ServiceRecord {
    pub expert: Expert,
    pub period: Period,
    pub lectures: Vec<ServiceLecture>,
    pub observed: Vec<ObservedLecture>,
    pub totals: ServiceTotals,
}

/// The expert themselves and the office read a service record; 404 for no such expert.
fn readable(conn: &mut DbConnection, actor: &Actor, expert_id: &str) -> ApiResult<Expert> {
    let expert = Expert::find(conn, expert_id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_expert")))?;
    if actor.is_admin() || actor.is_expert(expert_id) {
        return Ok(expert);
    }
    Err(ApiError::forbidden(
        "forbidden",
        Msg::new("problem-forbidden-service_record"),
    ))
}

/// The service record of `expert_id` over `period`, for the expert or the office.
pub fn service_record(
    conn: &mut DbConnection,
    actor: &Actor,
    expert_id: &str,
    period: Period,
    tz: chrono_tz::Tz,
) -> ApiResult<ServiceRecord> {
    let expert = readable(conn, actor, expert_id)?;
    record_of(conn, expert, period, tz)
}

fn record_of(
    conn: &mut DbConnection,
    expert: Expert,
    period: Period,
    tz: chrono_tz::Tz,
) -> ApiResult<ServiceRecord> {
    let span = period.span(tz);
    let given = Lecture::given_by(conn, &expert.id, span)?;
    let city_wide: Vec<String> = given
        .iter()
        .filter(|g| crate::domain::lecture::city_wide(g.school_id.as_deref(), g.mode))
        .map(|g| g.id.clone())
        .collect();
    let schools = Lecture::schools_audiences(conn, &city_wide)?;
    let lectures: Vec<ServiceLecture> = given
        .into_iter()
        .map(|given| {
            let planned = (given.ends_at - given.starts_at).num_minutes();
            let counted: i64 = schools
                .iter()
                .filter(|(id, _)| *id == given.id)
                .map(|(_, n)| i64::from(*n))
                .sum();
            ServiceLecture {
                minutes: given.delivered_minutes.map_or(planned, i64::from),
                beneficiaries: crate::domain::lecture::beneficiaries(given.audience, counted),
                given,
            }
        })
        .collect();
    let observed = Observation::filed_by(conn, &expert.id, span)?;
    let totals = ServiceTotals {
        lectures: i64::try_from(lectures.len()).unwrap_or(i64::MAX),
        minutes: lectures.iter().map(|l| l.minutes).sum(),
        beneficiaries: lectures.iter().filter_map(|l| l.beneficiaries).sum(),
        observations: i64::try_from(observed.len()).unwrap_or(i64::MAX),
    };
    Ok(ServiceRecord {
        expert,
        period,
        lectures,
        observed,
        totals,
    })
}

/// 志愿服务记录证明: the office freezes an expert's totals over `period` under a new serial
/// (audited); `GET /verify/{serial}` shows them to anyone holding the paper.
pub fn issue_certificate(
    uow: &mut Uow<'_>,
    actor: &Actor,
    expert_id: &str,
    period: Period,
) -> ApiResult<Certificate> {
    let expert = readable(uow.conn, actor, expert_id)?;
    let tz = uow.settings.timezone;
    let record = record_of(uow.conn, expert, period, tz)?;
    let certificate = Certificate {
        serial: Certificate::new_serial(period.to),
        expert_id: expert_id.to_owned(),
        expert_name: record.expert.name.clone(),
        from_date: period.from,
        to_date: period.to,
        lectures: i32::try_from(record.totals.lectures).unwrap_or(i32::MAX),
        minutes: i32::try_from(record.totals.minutes).unwrap_or(i32::MAX),
        beneficiaries: record.totals.beneficiaries,
        observations: i32::try_from(record.totals.observations).unwrap_or(i32::MAX),
        issued_by: actor.user_id.clone(),
        issued_at: uow.now(),
    };
    Certificate::insert(uow.conn, &certificate)?;
    uow.record(
        "expert.certificate_issued",
        "expert",
        Some(expert_id),
        json!({
            "serial": certificate.serial,
            "from": period.from,
            "to": period.to,
            "lectures": certificate.lectures,
            "minutes": certificate.minutes,
        }),
    )?;
    Ok(certificate)
}
