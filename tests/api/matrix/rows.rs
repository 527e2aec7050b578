//! The matrix's rows: every route, the body it is called with, and what each caller gets.

use serde_json::{Value, json};

use super::Body::{Csv, Form, Json, None as Empty};
use super::{Row, own, row};
use crate::common::PASSWORD;

#[rustfmt::skip]
pub(super) static ROWS: &[Row] = &[
    //                                                                        none admin lead expert school
    row("GET",   "/healthz", Empty,                                            [200, 200, 200, 200, 200]),
    row("GET",   "/readyz", Empty,                                             [200, 200, 200, 200, 200]),
    row("GET",   "/api/v1/openapi.json", Empty,                                [200, 200, 200, 200, 200]),
    own("POST",  "/api/v1/auth/login", Json(login_body),                       [200, 200, 200, 200, 200]),
    own("POST",  "/api/v1/auth/refresh", Json(bogus_refresh),                  [401, 401, 401, 401, 401]),
    own("POST",  "/api/v1/auth/logout", Json(bogus_refresh),                   [204, 204, 204, 204, 204]),
    own("POST",  "/api/v1/auth/password-reset", Json(reset_body),              [202, 202, 202, 202, 202]),
    own("POST",  "/api/v1/auth/set-password", Json(set_password_body),         [401, 401, 401, 401, 401]),
    row("GET",   "/api/v1/me", Empty,                                          [401, 200, 200, 200, 200]),
    own("PATCH", "/api/v1/me", Json(own_phone),                                [401, 200, 200, 200, 200]),
    own("POST",  "/api/v1/me/password", Json(change_password_body),            [401, 200, 200, 200, 200]),
    row("GET",   "/api/v1/me/notifications", Empty,                            [401, 200, 200, 200, 200]),
    own("POST",  "/api/v1/me/notifications/read-all", Empty,                   [401, 200, 200, 200, 200]),
    row("POST",  "/api/v1/me/notifications/{plain_notice}/read", Empty,        [401, 404, 404, 200, 404]),
    row("POST",  "/api/v1/me/notifications/{outsider_notice}/read", Empty,     [401, 404, 404, 404, 404]),
    row("GET",   "/api/v1/admin/outbox", Empty,                                [401, 200, 403, 403, 403]),
    row("POST",  "/api/v1/admin/outbox/{plain_notice}/retry", Empty,           [401, 409, 403, 403, 403]),
    row("GET",   "/api/v1/users", Empty,                                       [401, 200, 403, 403, 403]),
    row("POST",  "/api/v1/users", Json(new_user),                              [401, 201, 403, 403, 403]),
    row("GET",   "/api/v1/users/{plain_user}", Empty,                          [401, 200, 403, 403, 403]),
    row("PATCH", "/api/v1/users/{plain_user}", Json(rename_user),              [401, 200, 403, 403, 403]),
    row("POST",  "/api/v1/users/{plain_user}/password-reset", Empty,           [401, 201, 403, 403, 403]),
    row("GET",   "/api/v1/teams", Empty,                                       [401, 200, 200, 200, 200]),
    row("GET",   "/api/v1/teams/{team}", Empty,                                  [401, 200, 200, 200, 200]),
    row("PUT",   "/api/v1/teams/{team}/leads", Json(same_leads),              [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/schools", Empty,                                     [401, 200, 200, 403, 403]),
    row("POST",  "/api/v1/schools", Json(new_school),                          [401, 201, 403, 403, 403]),
    row("GET",   "/api/v1/schools/{school_a}", Empty,                          [401, 200, 200, 404, 200]),
    row("GET",   "/api/v1/schools/{school_b}", Empty,                          [401, 200, 200, 404, 404]),
    row("PATCH", "/api/v1/schools/{school_a}", Json(school_contact),           [401, 200, 403, 403, 200]),
    row("PATCH", "/api/v1/schools/{school_b}", Json(school_contact),           [401, 200, 403, 403, 404]),
    row("GET",   "/api/v1/experts", Empty,                                     [401, 200, 200, 200, 200]),
    row("POST",  "/api/v1/experts", Json(new_expert),                          [401, 201, 403, 403, 403]),
    row("POST",  "/api/v1/experts/import?dry_run=true", Csv(IMPORT_CSV),       [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/experts/export.csv", Empty,                          [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/experts/{plain_expert}", Empty,                      [401, 200, 200, 200, 200]),
    row("GET",   "/api/v1/experts/{outsider_expert}", Empty,                   [401, 200, 200, 200, 200]),
    row("PATCH", "/api/v1/experts/{plain_expert}", Json(new_bio),              [401, 200, 403, 200, 403]),
    row("PATCH", "/api/v1/experts/{outsider_expert}", Json(new_bio),           [401, 200, 403, 403, 403]),
    row("POST",  "/api/v1/experts/{plain_expert}/status", Json(suspend),       [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/experts/{plain_expert}/history", Empty,              [401, 200, 200, 200, 403]),
    row("GET",   "/api/v1/experts/{outsider_expert}/history", Empty,           [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/courses", Empty,                                     [401, 200, 200, 200, 200]),
    row("POST",  "/api/v1/courses", Json(plain_proposal),                      [401, 201, 403, 201, 403]),
    row("GET",   "/api/v1/courses/{pending_course}", Empty,                    [401, 200, 200, 200, 404]),
    row("GET",   "/api/v1/courses/{outsider_pending}", Empty,                  [401, 200, 404, 404, 404]),
    row("PATCH", "/api/v1/courses/{pending_course}", Json(new_title),          [401, 200, 403, 200, 404]),
    row("PATCH", "/api/v1/courses/{outsider_pending}", Json(new_title),        [401, 200, 404, 404, 404]),
    row("POST",  "/api/v1/courses/{pending_course}/review", Json(approve),     [401, 200, 200, 403, 404]),
    row("POST",  "/api/v1/courses/{outsider_pending}/review", Json(approve),   [401, 200, 404, 404, 404]),
    row("POST",  "/api/v1/courses/{plain_course}/retire", Empty,               [401, 200, 403, 200, 403]),
    row("POST",  "/api/v1/courses/{outsider_course}/retire", Empty,            [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/courses/{pending_course}/history", Empty,            [401, 200, 200, 200, 404]),
    row("GET",   "/api/v1/courses/{outsider_course}/history", Empty,           [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/lectures", Empty,                                    [401, 200, 200, 200, 200]),
    row("POST",  "/api/v1/lectures", Json(new_lecture),                        [401, 201, 201, 403, 201]),
    row("GET",   "/api/v1/lectures/queue", Empty,                              [401, 200, 200, 403, 403]),
    row("GET",   "/api/v1/lectures/{offered_lecture}", Empty,                  [401, 200, 200, 200, 200]),
    row("GET",   "/api/v1/lectures/{outsider_lecture}", Empty,                 [401, 200, 404, 404, 404]),
    row("PATCH", "/api/v1/lectures/{offered_lecture}", Json(lecture_note),     [401, 200, 200, 403, 200]),
    row("PATCH", "/api/v1/lectures/{outsider_lecture}", Json(lecture_note),    [401, 200, 404, 404, 404]),
    row("POST",  "/api/v1/lectures/{waiting_lecture}/offer", Json(offer_plain), [401, 200, 200, 404, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/offer", Json(offer_plain), [401, 409, 404, 404, 403]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/accept", Json(empty),     [401, 403, 403, 200, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/accept", Json(empty),    [401, 403, 404, 404, 403]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/decline", Json(reason),   [401, 403, 403, 200, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/decline", Json(reason),  [401, 403, 404, 404, 403]),
    row("POST",  "/api/v1/lectures/{waiting_lecture}/reject", Json(reason),    [401, 200, 200, 404, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/reject", Json(reason),   [401, 409, 404, 404, 403]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/cancel", Json(reason),    [401, 200, 403, 403, 200]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/cancel", Json(reason),   [401, 200, 404, 404, 404]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/reschedule", Json(later), [401, 200, 403, 403, 200]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/reschedule", Json(later), [401, 200, 404, 404, 404]),
    // The lead is offered a lecture of their own team: they answer it as its expert, and
    // do not act as the office on it.
    row("PATCH", "/api/v1/lectures/{lead_lecture}", Json(lecture_note),        [401, 200, 403, 404, 200]),
    row("POST",  "/api/v1/lectures/{lead_lecture}/accept", Json(empty),        [401, 403, 200, 404, 403]),
    row("POST",  "/api/v1/lectures/{lead_lecture}/decline", Json(reason),      [401, 403, 200, 404, 403]),
    row("POST",  "/api/v1/lectures/{lead_lecture}/cancel", Json(reason),       [401, 200, 403, 404, 200]),
    row("POST",  "/api/v1/lectures/{lead_lecture}/reschedule", Json(later),    [401, 200, 403, 404, 200]),
    // A lead does not offer a lecture to themselves, nor to an expert outside the lecture's
    // team (the outsider; an admin may, with a reason).
    row("POST",  "/api/v1/lectures/{waiting_lecture}/offer", Json(offer_lead), [401, 200, 403, 404, 403]),
    row("POST",  "/api/v1/lectures/{waiting_lecture}/offer", Json(offer_outsider), [401, 409, 409, 404, 403]),
    row("POST",  "/api/v1/lectures/{waiting_lecture}/offer", Json(offer_outsider_anyway), [401, 200, 422, 404, 403]),
    row("GET",   "/api/v1/lectures/{waiting_lecture}/suggestions", Empty,      [401, 200, 200, 404, 403]),
    row("GET",   "/api/v1/lectures/{outsider_lecture}/suggestions", Empty,     [401, 200, 404, 404, 403]),
    // Attendance: the code is the school's and the office's to read, never an expert's; the
    // fixture's lectures are not confirmed (409 past the rights) and not begun.
    row("GET",   "/api/v1/lectures/{offered_lecture}/check-in-code", Empty,    [401, 409, 403, 403, 409]),
    row("GET",   "/api/v1/lectures/{outsider_lecture}/check-in-code", Empty,   [401, 409, 404, 404, 404]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/check-in", Json(check_in_code), [401, 409, 403, 409, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/check-in", Json(check_in_code), [401, 409, 404, 404, 404]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/check-out", Empty,        [401, 403, 403, 409, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/check-out", Empty,       [401, 403, 404, 404, 404]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/correct", Json(correction), [401, 409, 403, 403, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/correct", Json(correction), [401, 409, 404, 404, 404]),
    // The delivery report: the expert's own, once given; a joined school's count of a
    // city-wide lecture.
    row("POST",  "/api/v1/lectures/{given_lecture}/report", Json(report),      [401, 403, 403, 201, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/report", Json(report),   [401, 403, 404, 404, 403]),
    row("POST",  "/api/v1/lectures/{given_citywide}/attendance", Json(head_count), [401, 403, 403, 403, 201]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/attendance", Json(head_count), [401, 403, 403, 403, 409]),
    // 听课: the office or a lead of the team assigns (the lead observes plain's offered lecture
    // and given lecture, plain the lead's given city-wide one); observers file, the office,
    // leads and the observed expert read; never a school.
    row("POST",  "/api/v1/lectures/{offered_lecture}/observers", Json(watcher), [401, 201, 201, 403, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/observers", Json(watcher), [401, 201, 404, 404, 403]),
    row("DELETE", "/api/v1/lectures/{offered_lecture}/observers/{lead_expert}", Empty, [401, 200, 200, 403, 403]),
    row("DELETE", "/api/v1/lectures/{outsider_lecture}/observers/{lead_expert}", Empty, [401, 404, 404, 404, 403]),
    row("POST",  "/api/v1/lectures/{given_lecture}/observations", Json(observation), [401, 403, 201, 403, 403]),
    row("POST",  "/api/v1/lectures/{given_citywide}/observations", Json(observation), [401, 403, 403, 201, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/observations", Json(observation), [401, 403, 404, 404, 403]),
    row("GET",   "/api/v1/lectures/{given_lecture}/observations", Empty,       [401, 200, 200, 200, 403]),
    row("GET",   "/api/v1/lectures/{outsider_lecture}/observations", Empty,    [401, 200, 404, 404, 403]),
    // 评课: a school of the given lecture (school A evaluated its own; it joined the city-wide
    // one) evaluates and edits its own; the office, leads and the expert read them all.
    row("POST",  "/api/v1/lectures/{given_citywide}/evaluations", Json(evaluation), [401, 403, 403, 403, 201]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/evaluations", Json(evaluation), [401, 403, 403, 403, 404]),
    row("PATCH", "/api/v1/lectures/{given_lecture}/evaluations/{school_a_evaluation}", Json(evaluation_edit), [401, 403, 403, 403, 200]),
    row("PATCH", "/api/v1/lectures/{outsider_lecture}/evaluations/{school_a_evaluation}", Json(evaluation_edit), [401, 403, 403, 403, 404]),
    row("GET",   "/api/v1/lectures/{given_lecture}/evaluations", Empty,        [401, 200, 200, 200, 200]),
    row("GET",   "/api/v1/lectures/{outsider_lecture}/evaluations", Empty,     [401, 200, 404, 404, 404]),
    row("POST",  "/api/v1/lectures/{citywide_lecture}/participants", Json(join), [401, 403, 403, 403, 201]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/participants", Json(join), [401, 403, 403, 403, 404]),
    row("DELETE", "/api/v1/lectures/{citywide_lecture}/participants", Empty,   [401, 403, 403, 403, 200]),
    row("DELETE", "/api/v1/lectures/{outsider_lecture}/participants", Empty,   [401, 403, 403, 403, 404]),
    // 志愿服务记录: the expert themselves and the office; certificates by the office.
    row("GET",   "/api/v1/experts/{plain_expert}/service-record", Empty,       [401, 200, 403, 200, 403]),
    row("GET",   "/api/v1/experts/{outsider_expert}/service-record", Empty,    [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/experts/{plain_expert}/service-record.csv", Empty,   [401, 200, 403, 200, 403]),
    row("GET",   "/api/v1/experts/{outsider_expert}/service-record.csv", Empty, [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/experts/{plain_expert}/service-record.html", Empty,  [401, 200, 403, 200, 403]),
    row("GET",   "/api/v1/experts/{outsider_expert}/service-record.html", Empty, [401, 200, 403, 403, 403]),
    row("POST",  "/api/v1/experts/{plain_expert}/certificates", Json(certificate_period), [401, 201, 403, 403, 403]),
    row("POST",  "/api/v1/experts/{plain_expert}/calendar-token", Empty,       [401, 201, 403, 201, 403]),
    row("POST",  "/api/v1/experts/{outsider_expert}/calendar-token", Empty,    [401, 201, 403, 403, 403]),
    own("GET",   "/api/v1/experts/{plain_expert}/calendar.ics?token=not-a-token", Empty, [404, 404, 404, 404, 404]),
    row("GET",   "/api/v1/experts/{plain_expert}/availability", Empty,         [401, 200, 200, 200, 403]),
    row("GET",   "/api/v1/experts/{outsider_expert}/availability", Empty,      [401, 200, 403, 403, 403]),
    row("PUT",   "/api/v1/experts/{plain_expert}/availability", Json(weekly),  [401, 200, 403, 200, 403]),
    row("PUT",   "/api/v1/experts/{outsider_expert}/availability", Json(weekly), [401, 200, 403, 403, 403]),
    // Leave: an expert asks for their own; the office records any expert's; the office and
    // the leads of the expert's team decide, never on their own; a school has none.
    row("GET",   "/api/v1/leaves", Empty,                                      [401, 200, 200, 200, 403]),
    row("POST",  "/api/v1/leaves", Json(plain_leave),                          [401, 201, 403, 201, 403]),
    row("GET",   "/api/v1/leaves/{plain_leave}", Empty,                        [401, 200, 200, 200, 403]),
    row("GET",   "/api/v1/leaves/{outsider_leave}", Empty,                     [401, 200, 404, 404, 403]),
    row("POST",  "/api/v1/leaves/{plain_leave}/approve", Empty,                [401, 200, 200, 403, 403]),
    row("POST",  "/api/v1/leaves/{lead_leave}/approve", Empty,                 [401, 200, 403, 404, 403]),
    row("POST",  "/api/v1/leaves/{outsider_leave}/approve", Empty,             [401, 200, 404, 404, 403]),
    row("POST",  "/api/v1/leaves/{plain_leave}/reject", Json(reason),          [401, 200, 200, 403, 403]),
    row("POST",  "/api/v1/leaves/{outsider_leave}/reject", Json(reason),       [401, 200, 404, 404, 403]),
    row("POST",  "/api/v1/leaves/{plain_leave}/withdraw", Empty,               [401, 200, 403, 200, 403]),
    row("POST",  "/api/v1/leaves/{outsider_leave}/withdraw", Empty,            [401, 200, 404, 404, 403]),
    // Consultations: counts only; the office and experts record them, an expert reads their own.
    row("GET",   "/api/v1/consultations", Empty,                               [401, 200, 200, 200, 403]),
    row("POST",  "/api/v1/consultations", Json(hotline_answer),                [401, 201, 201, 201, 403]),
    row("GET",   "/api/v1/consultations/{plain_consultation}", Empty,          [401, 200, 404, 200, 403]),
    row("GET",   "/api/v1/blackouts", Empty,                                   [401, 200, 200, 200, 200]),
    row("POST",  "/api/v1/blackouts", Json(school_blackout),                   [401, 201, 403, 403, 201]),
    row("DELETE", "/api/v1/blackouts/{city_blackout}", Empty,                  [401, 204, 403, 403, 403]),
    row("DELETE", "/api/v1/blackouts/{school_b_blackout}", Empty,              [401, 204, 403, 403, 404]),
    row("GET",   "/api/v1/audit", Empty,                                       [401, 200, 403, 403, 403]),
    // Pages: whoever holds the link's token may use it; a bearer token changes nothing.
    own("GET",   "/set-password?token=not-a-token", Empty,                     [404, 404, 404, 404, 404]),
    own("GET",   "/verify/{certificate}", Empty,                               [200, 200, 200, 200, 200]),
    own("GET",   "/verify/{unknown_serial}", Empty,                            [404, 404, 404, 404, 404]),
    own("POST",  "/set-password", Form(BOGUS_SET_PASSWORD_FORM),               [404, 404, 404, 404, 404]),
    own("GET",   "/confirm-email?token=not-a-token", Empty,                    [404, 404, 404, 404, 404]),
    own("POST",  "/confirm-email", Form("token=not-a-token"),                  [404, 404, 404, 404, 404]),
];

const BOGUS_SET_PASSWORD_FORM: &str =
    "token=not-a-token&new_password=a+brand+new+passphrase&confirm_password=a+brand+new+passphrase";

const IMPORT_CSV: &str = include_str!("../../../api_docs/experts_sample.csv");

fn login_body() -> Value {
    json!({ "login": "plain", "password": PASSWORD })
}
fn own_phone() -> Value {
    json!({ "phone": "13700000000" })
}
fn bogus_refresh() -> Value {
    json!({ "refresh_token": "not-a-token" })
}
fn reset_body() -> Value {
    json!({ "login": "nobody.here" })
}
fn set_password_body() -> Value {
    json!({ "token": "not-a-token", "new_password": "a brand new passphrase 42" })
}
fn change_password_body() -> Value {
    json!({ "old_password": PASSWORD, "new_password": "a brand new passphrase 42" })
}
fn new_user() -> Value {
    json!({ "login": "new.officer", "display_name": "新同事", "role": "admin", "email": "new@example.cn" })
}
fn rename_user() -> Value {
    json!({ "display_name": "改名" })
}
fn same_leads() -> Value {
    json!({ "lead": "{lead_expert}", "deputies": [] })
}
fn new_school() -> Value {
    json!({ "name": "新建学校", "school_type": "primary", "district": "鼓楼区", "address": "新路1号", "contact_person": "张老师" })
}
fn school_contact() -> Value {
    json!({ "contact_person": "王老师" })
}
fn new_expert() -> Value {
    json!({
        "login": "new.expert", "name": "新专家", "category": "veteran_teacher", "bio": "退休教师。",
        "districts": ["鼓楼区"], "modes": ["online"], "primary_team": "reading",
        "phone": "13900000001", "email": "new.expert@example.cn"
    })
}
fn new_bio() -> Value {
    json!({ "bio": "新的简介。" })
}
fn suspend() -> Value {
    json!({ "to": "suspended", "reason": "矩阵测试" })
}
fn plain_proposal() -> Value {
    json!({
        "expert_id": "{plain_expert}", "team": "reading", "title": "新课程", "description": "新课程简介。",
        "audiences": ["parents"], "modes": ["online"], "duration_minutes": 60
    })
}
fn new_title() -> Value {
    json!({ "title": "改过的标题" })
}
fn approve() -> Value {
    json!({ "decision": "approve" })
}

fn new_lecture() -> Value {
    json!({
        "team": "reading", "topic": "亲子共读", "mode": "online", "audiences": ["parents"],
        "expected_size": 60, "slots": [{ "start": "2026-03-10T10:00:00+08:00", "end": "2026-03-10T11:00:00+08:00" }]
    })
}
fn lecture_note() -> Value {
    json!({ "note": "请带话筒" })
}
fn offer_plain() -> Value {
    json!({ "expert_id": "{plain_expert}" })
}
fn offer_lead() -> Value {
    json!({ "expert_id": "{lead_expert}" })
}
fn offer_outsider() -> Value {
    json!({ "expert_id": "{outsider_expert}" })
}
fn offer_outsider_anyway() -> Value {
    json!({ "expert_id": "{outsider_expert}", "override_reason": "阅读团人手不足" })
}
fn empty() -> Value {
    json!({})
}
fn reason() -> Value {
    json!({ "reason": "矩阵测试" })
}
fn weekly() -> Value {
    json!({ "rules": [{ "weekday": 3, "start": "09:00", "end": "17:00" }], "exceptions": [] })
}
fn school_blackout() -> Value {
    json!({ "name": "运动会", "start_date": "2026-04-01", "end_date": "2026-04-02", "scope": "school", "school_id": "{school_a}" })
}
fn plain_leave() -> Value {
    json!({ "expert_id": "{plain_expert}", "start_date": "2026-04-08", "end_date": "2026-04-09", "reason": "外出讲学" })
}
fn hotline_answer() -> Value {
    json!({ "channel": "hotline", "topics": ["internet_addiction"], "minutes": 15, "families": 1,
            "at": "2026-03-01T19:30:00+08:00" })
}
fn check_in_code() -> Value {
    json!({ "code": "123456" })
}
fn correction() -> Value {
    json!({ "reason": "学校确认已举行", "start": "2026-03-04T10:00:00+08:00", "end": "2026-03-04T11:00:00+08:00" })
}
fn watcher() -> Value {
    json!({ "expert_id": "{watcher_expert}" })
}

fn observation() -> Value {
    json!({ "content": 4, "delivery": 4, "interaction": 3, "effect": 4, "comment": "条理清楚" })
}

fn evaluation() -> Value {
    json!({ "content": 4, "delivery": 5, "interaction": 4, "effect": 4, "relevance": 5,
            "comment": "贴合需要" })
}

fn evaluation_edit() -> Value {
    json!({ "effect": 5 })
}

fn certificate_period() -> Value {
    json!({ "from": "2026-03-01", "to": "2026-03-31" })
}

fn report() -> Value {
    json!({ "audience": 120, "summary": "讲了亲子共读的方法，家长提问踊跃。" })
}
fn head_count() -> Value {
    json!({ "audience": 86 })
}
fn join() -> Value {
    json!({ "expected_size": 30 })
}
fn later() -> Value {
    json!({ "start": "2026-03-05T15:00:00+08:00", "end": "2026-03-05T16:00:00+08:00" })
}
