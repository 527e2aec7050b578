//! 志愿服务记录: an expert's given lectures in a period with their minutes and beneficiaries,
//! the lectures they observed, and totals that add up; as JSON, CSV and a printable page;
//! certificates that freeze the totals under a serial anyone can verify.
//!
//! The world is the lectures' one (`crate::lectures`); 林 gives lectures on Wednesday
//! 4 March 2026.

use crate::lecture_reports::{at, on_the_day};
use crate::lectures::{World, id_of, slot, world};

use actix_web::http::Method;
use guanai::domain::roster::ExpertStatus;
use serde_json::json;

/// 林 accepts `id` (offered to them).
async fn accepted(w: &World, id: &str) {
    w.act(id, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
}

/// 林 gives `id` (confirmed for them) on 4 March: the office checks them in at `from`, they
/// check out at `to` (local times). The world comes back at `to`.
async fn given(w: World, id: &str, from: &str, to: &str) -> World {
    let w = at(w, on_the_day(from)).await;
    w.act(
        id,
        "check-in",
        &w.admin,
        json!({ "reason": "电话确认已到场" }),
    )
    .await
    .assert_status(200);
    let w = at(w, on_the_day(to)).await;
    w.act(id, "check-out", &w.lin, json!({}))
        .await
        .assert_status(200);
    w
}

fn path(w: &World, suffix: &str, query: &str) -> String {
    format!("/api/v1/experts/{}/service-record{suffix}{query}", w.lin_id)
}

/// Two lectures given on 4 March (09:00 for 60 minutes, reported with 120 people; 14:00,
/// checked out at 15:10, not reported) and one cancelled.
async fn two_given() -> World {
    let w = world().await;
    let morning = id_of(
        &w.dispatch("offline", slot(4, 9, 0, 60), Some(&w.lin_id))
            .await,
    );
    let afternoon = id_of(
        &w.dispatch("online", slot(4, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    let cancelled = id_of(
        &w.dispatch("online", slot(5, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    w.act(
        &cancelled,
        "cancel",
        &w.admin,
        json!({ "reason": "学校停课" }),
    )
    .await
    .assert_status(200);
    accepted(&w, &morning).await;
    accepted(&w, &afternoon).await;
    let w = given(w, &morning, "09:00:00", "10:00:00").await;
    w.act(
        &morning,
        "report",
        &w.lin,
        json!({ "audience": 120, "summary": "家长如何陪伴孩子阅读。" }),
    )
    .await
    .assert_status(201);
    given(w, &afternoon, "14:00:00", "15:10:00").await
}

#[actix_web::test]
async fn the_record_lists_the_given_lectures_and_its_totals_are_their_sums() {
    let w = two_given().await;
    let record = w
        .app
        .get(&path(&w, "", "?from=2026-03-01&to=2026-03-31"), &w.lin)
        .await;
    let body = record.assert_status(200).clone();
    let lectures = body["lectures"].as_array().unwrap();
    assert_eq!(
        lectures.len(),
        2,
        "the cancelled lecture is not service: {body}"
    );
    assert_eq!(lectures[0]["date"], "2026-03-04");
    assert_eq!(lectures[0]["minutes"], 60);
    assert_eq!(lectures[0]["beneficiaries"], 120);
    assert_eq!(lectures[0]["school_name"], "school.a学校");
    assert_eq!(lectures[1]["minutes"], 70);
    assert!(lectures[1]["beneficiaries"].is_null(), "not reported yet");

    let sum = |field: &str| -> i64 { lectures.iter().filter_map(|l| l[field].as_i64()).sum() };
    assert_eq!(body["totals"]["lectures"], 2);
    assert_eq!(body["totals"]["minutes"], sum("minutes"));
    assert_eq!(body["totals"]["beneficiaries"], sum("beneficiaries"));
    assert_eq!(body["totals"]["hours"], 2.2);

    // Another period leaves them out.
    let later = w
        .app
        .get(&path(&w, "", "?from=2026-03-05&to=2026-03-31"), &w.admin)
        .await;
    assert_eq!(later.assert_status(200)["totals"]["lectures"], 0);
}

#[actix_web::test]
async fn only_the_expert_and_the_office_read_a_record() {
    let w = world().await;
    w.app
        .get(&path(&w, "", ""), &w.admin)
        .await
        .assert_status(200);
    let zhao = w.app.expert("zhao", "reading", ExpertStatus::Active);
    w.app.make_lead("reading", &zhao.id);
    let (lead, _) = w.app.tokens("zhao").await;
    w.app
        .get(&path(&w, "", ""), &lead)
        .await
        .assert_problem(403, "forbidden");
    w.app
        .get(&path(&w, ".csv", ""), &w.school)
        .await
        .assert_problem(403, "forbidden");
    w.app
        .get(
            "/api/v1/experts/00000000-0000-0000-0000-000000000000/service-record",
            &w.admin,
        )
        .await
        .assert_problem(404, "not_found");
    w.app
        .get(&path(&w, "", "?from=2026-03-05&to=2026-03-04"), &w.lin)
        .await
        .assert_field_error("to", "end_before_start");
    w.app
        .get(&path(&w, "", "?from=2022-01-01&to=2026-03-04"), &w.lin)
        .await
        .assert_field_error("to", "out_of_range");
}

#[actix_web::test]
async fn the_csv_starts_with_a_bom_neutralizes_formulas_and_ends_with_the_totals() {
    let w = world().await;
    let lecture = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.admin),
            json!({ "team": "reading", "topic": "=HYPERLINK(\"x\")读书会", "mode": "online",
                    "audiences": ["parents"], "expected_size": 80, "slots": [slot(4, 14, 0, 60)],
                    "school_id": w.school_id, "expert_id": w.lin_id }),
        )
        .await;
    let id = id_of(lecture.assert_status(201));
    accepted(&w, &id).await;
    let w = given(w, &id, "14:00:00", "15:00:00").await;
    let csv = w
        .app
        .get(&path(&w, ".csv", "?from=2026-03-01&to=2026-03-31"), &w.lin)
        .await;
    assert_eq!(csv.status.as_u16(), 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = csv.body.as_str().unwrap();
    assert!(text.starts_with('\u{feff}'), "a BOM first");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "日期,讲座,学校,分团,方式,时长（分钟）,受益人次");
    assert!(
        lines[1].starts_with("2026-03-04,\"'=HYPERLINK"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("合计,1 场"), "{}", lines[2]);
    assert!(lines[2].ends_with(",60,0"), "{}", lines[2]);
}

#[actix_web::test]
async fn the_printable_page_names_the_bureau_the_period_and_the_totals() {
    let w = two_given().await;
    let page = w
        .app
        .get(
            &path(&w, ".html", "?from=2026-03-01&to=2026-03-31"),
            &w.admin,
        )
        .await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.body.as_str().unwrap();
    for expected in [
        "志愿服务记录",
        "市教育局关心下一代工作委员会",
        "2026年3月1日（周日） 至 2026年3月31日（周二）",
        "2 场，共 2.2 小时（130 分钟）",
        "120 人次",
        "@media print",
    ] {
        assert!(html.contains(expected), "{expected} missing from {html}");
    }
}

#[actix_web::test]
async fn a_certificate_verifies_by_its_serial_and_no_other() {
    let w = two_given().await;
    let body = json!({ "from": "2026-03-01", "to": "2026-03-31" });
    let path = format!("/api/v1/experts/{}/certificates", w.lin_id);
    w.app
        .post(&path, Some(&w.lin), body.clone())
        .await
        .assert_problem(403, "forbidden");
    let issued = w.app.post(&path, Some(&w.admin), body).await;
    let certificate = issued.assert_status(201).clone();
    assert_eq!(certificate["lectures"], 2);
    assert_eq!(certificate["minutes"], 130);
    let serial = certificate["serial"].as_str().unwrap();
    assert_eq!(
        certificate["verify_url"],
        format!("http://127.0.0.1:8080/verify/{serial}")
    );

    // No login: whoever holds the paper.
    let page = w
        .app
        .send(Method::GET, &format!("/verify/{serial}"), None, None)
        .await;
    assert_eq!(page.status.as_u16(), 200);
    let html = page.body.as_str().unwrap();
    let name = certificate["name"].as_str().unwrap();
    for expected in [name, "2 场，共 2.2 小时", "2026年3月1日（周日）", serial] {
        assert!(html.contains(expected), "{expected} missing from {html}");
    }
    assert!(!html.contains("school.a"), "nothing else personal");
    let other = w
        .app
        .send(Method::GET, "/verify/GA2026-000000000000", None, None)
        .await;
    assert_eq!(other.status.as_u16(), 404);

    // What was certified stays so.
    let refused = w.app.with_conn(|conn| {
        use diesel::RunQueryDsl as _;
        let sql = format!("UPDATE service_certificates SET lectures = 9 WHERE serial = '{serial}'");
        match conn {
            guanai::db::DbConnection::Sqlite(c) => diesel::sql_query(sql).execute(c),
            guanai::db::DbConnection::Postgresql(c) => diesel::sql_query(sql).execute(c),
        }
    });
    assert!(refused.is_err());
}
