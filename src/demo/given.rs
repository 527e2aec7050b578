//! Lectures entered as already given (seeded data: the demo's past, the benchmark's years):
//! delivered — or closed, once 14 days past — with their expert checked in and out on time,
//! and optionally their delivery report.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::lecture::{LectureMode, LectureState, Origin};
use crate::domain::schedule::Span;
use crate::error::ApiResult;
use crate::models::lecture::{Lecture, NewLecture};
use crate::models::report::LectureReport;
use crate::usecase::Uow;

/// A lecture to enter as given.
pub struct GivenLecture<'a> {
    pub expert_id: &'a str,
    pub team: &'a str,
    /// `None`: a city-wide online lecture.
    pub school_id: Option<&'a str>,
    pub topic: String,
    pub mode: LectureMode,
    pub span: Span,
}

impl GivenLecture<'_> {
    /// Enters it as the timers would have left it by `now`, with its expert checked in at
    /// the start and out at the end; its id.
    pub fn enter(&self, uow: &mut Uow<'_>, now: NaiveDateTime) -> ApiResult<String> {
        use crate::db::schema::{lecture_attendance, lectures};

        let span = self.span;
        let online = self.mode == LectureMode::Online;
        let state = if now - span.end > chrono::Duration::days(14) {
            LectureState::Closed
        } else {
            LectureState::Delivered
        };
        let new = NewLecture {
            id: crate::db::new_id(),
            origin: Origin::Dispatch,
            state,
            team_code: self.team.to_owned(),
            course_id: None,
            topic: self.topic.clone(),
            mode: self.mode,
            audiences: "parents".to_owned(),
            grade_bands: None,
            expected_size: 120,
            school_id: self.school_id.map(str::to_owned),
            sort_at: span.start,
            address: (!online).then(|| "学校多功能厅".to_owned()),
            platform: online.then(|| "腾讯会议".to_owned()),
            link: None,
            meeting_id: None,
            passcode: None,
            note: None,
            created_by: None,
            version: 5,
            created_at: span.start - chrono::Duration::days(14),
            updated_at: span.end,
        };
        diesel::insert_into(lectures::table)
            .values((
                &new,
                lectures::expert_id.eq(self.expert_id),
                lectures::starts_at.eq(span.start),
                lectures::ends_at.eq(span.end),
            ))
            .execute(uow.conn)?;
        Lecture::replace_slots(uow.conn, &new.id, &[span])?;
        let minutes = i32::try_from((span.end - span.start).num_minutes()).unwrap_or(0);
        diesel::insert_into(lecture_attendance::table)
            .values((
                lecture_attendance::lecture_id.eq(&new.id),
                lecture_attendance::code_secret.eq(crate::domain::check_in::new_key()),
                lecture_attendance::checked_in_at.eq(Some(span.start)),
                lecture_attendance::late.eq(Some(false)),
                lecture_attendance::checked_out_at.eq(Some(span.end)),
                lecture_attendance::delivered_minutes.eq(Some(minutes)),
                lecture_attendance::auto_checked_out.eq(false),
            ))
            .execute(uow.conn)?;
        Ok(new.id)
    }

    /// Enters it (as [`GivenLecture::enter`]) with the expert's delivery report, filed the
    /// evening of the day by `filed_by`.
    pub fn enter_reported(
        &self,
        uow: &mut Uow<'_>,
        now: NaiveDateTime,
        audience: i32,
        filed_by: &str,
    ) -> ApiResult<String> {
        let id = self.enter(uow, now)?;
        LectureReport::insert(
            uow.conn,
            &LectureReport {
                lecture_id: id.clone(),
                audience,
                summary: "讲解与互动，家长提问踊跃。".to_owned(),
                late: false,
                filed_by: filed_by.to_owned(),
                filed_at: self.span.end + chrono::Duration::hours(4),
            },
        )?;
        Ok(id)
    }
}
