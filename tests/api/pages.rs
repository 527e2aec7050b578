//! The pages served to people who follow a link in a mail: setting a password.

use crate::common;

use actix_web::test::TestRequest;
use base64::Engine as _;
use chrono::Duration;
use common::{TestApp, TestResponse};
use serde_json::json;
use sha2::{Digest as _, Sha256};

/// An account created without a password, and the one-time token of its set-password link.
async fn new_account(app: &TestApp, login: &str) -> String {
    let (_, admin) = app.admin().await;
    let created = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": login, "display_name": "办公室 王老师", "role": "admin" }),
        )
        .await;
    created.assert_status(201)["set_password_token"]["token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

async fn open_link(app: &TestApp, token: &str) -> TestResponse {
    app.call(TestRequest::get().uri(&format!("/set-password?token={token}")))
        .await
}

async fn submit(app: &TestApp, token: &str, new: &str, confirm: &str) -> TestResponse {
    let body = serde_urlencoded::to_string([
        ("token", token),
        ("new_password", new),
        ("confirm_password", confirm),
    ])
    .unwrap();
    app.call(
        TestRequest::post()
            .uri("/set-password")
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload(body),
    )
    .await
}

fn html(response: &TestResponse) -> &str {
    response.body.as_str().expect("an HTML body")
}

/// Every page: HTML, never cached, no referrer, a strict policy that admits exactly the
/// page's own stylesheet, and no script or outside address anywhere.
#[track_caller]
fn assert_safe_page(response: &TestResponse) {
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(response.header("cache-control"), Some("no-store"));
    assert_eq!(response.header("referrer-policy"), Some("no-referrer"));
    let csp = response.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("form-action 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let page = html(response);
    let style = page
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map(|(style, _)| style)
        .expect("a stylesheet");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style));
    assert!(
        csp.contains(&format!("style-src 'sha256-{hash}'")),
        "the policy admits the page's own stylesheet: {csp}"
    );
    assert!(!page.contains("<script"), "no script");
    assert!(!page.contains("http://") && !page.contains("https://"));
    assert!(page.contains("lang=\"zh-CN\""));
}

#[actix_web::test]
async fn the_link_in_the_mail_opens_a_form_that_sets_the_password() {
    let app = TestApp::new().await;
    let token = new_account(&app, "school.dongfeng").await;

    let form = open_link(&app, &token).await;
    form.assert_status(200);
    assert_safe_page(&form);
    let page = html(&form);
    assert!(page.contains("设置密码"));
    assert!(page.contains("school.dongfeng"), "names the account");
    assert!(page.contains(r#"method="post""#));
    assert!(page.contains(&format!(r#"name="token" value="{token}""#)));

    let done = submit(&app, &token, "our own passphrase", "our own passphrase").await;
    done.assert_status(200);
    assert_safe_page(&done);
    assert!(html(&done).contains("密码已经设置好了"), "{}", html(&done));
    app.login("school.dongfeng", "our own passphrase")
        .await
        .assert_status(200);
    assert_eq!(app.audit_actions("user.password_set").len(), 1);
}

#[actix_web::test]
async fn a_used_or_expired_link_says_so_at_once_and_whom_to_ask() {
    let app = TestApp::new().await;
    let token = new_account(&app, "school.xinhua").await;
    submit(&app, &token, "a first passphrase", "a first passphrase")
        .await
        .assert_status(200);

    for response in [
        open_link(&app, &token).await,
        submit(&app, &token, "a second passphrase", "a second passphrase").await,
    ] {
        response.assert_status(410);
        assert_safe_page(&response);
        assert!(html(&response).contains("已经用过或已经过期"));
        assert!(html(&response).contains("联系关工委办公室"));
    }
    app.login("school.xinhua", "a first passphrase")
        .await
        .assert_status(200);

    let expiring = new_account(&app, "school.hongqi").await;
    app.clock.advance(Duration::hours(73));
    open_link(&app, &expiring).await.assert_status(410);

    let unknown = open_link(&app, "no-such-token").await;
    unknown.assert_status(404);
    assert!(html(&unknown).contains("联系关工委办公室"));
    open_link(&app, "").await.assert_status(404);
}

#[actix_web::test]
async fn a_refused_password_shows_the_form_again_with_the_reason() {
    let app = TestApp::new().await;
    let token = new_account(&app, "school.yucai").await;

    let mismatch = submit(&app, &token, "our own passphrase", "our own passphrasE").await;
    mismatch.assert_status(422);
    assert_safe_page(&mismatch);
    assert!(html(&mismatch).contains("两次输入的密码不一样"));
    assert!(
        html(&mismatch).contains(&format!(r#"value="{token}""#)),
        "the form again"
    );

    let short = submit(&app, &token, "short", "short").await;
    short.assert_status(422);
    assert!(html(&short).contains("至少需要 10 个字符"));

    let same = submit(&app, &token, "school.yucai", "school.yucai").await;
    assert!(html(&same).contains("不能与登录名相同"));

    // Nothing was used up: the link still works.
    submit(&app, &token, "our own passphrase", "our own passphrase")
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn what_the_reader_typed_is_escaped_and_a_garbled_form_is_a_page_too() {
    let app = TestApp::new().await;
    let response = app
        .call(TestRequest::get().uri("/set-password?token=%3Cscript%3Ealert(1)%3C%2Fscript%3E"))
        .await;
    response.assert_status(404);
    assert!(!html(&response).contains("<script"));

    let garbled = app
        .call(
            TestRequest::post()
                .uri("/set-password")
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload(vec![0xff, 0xfe, b'%', b'z']),
        )
        .await;
    garbled.assert_status(404);
    assert_safe_page(&garbled);

    let json_body = app
        .call(
            TestRequest::post()
                .uri("/set-password")
                .set_json(json!({ "token": "x", "new_password": "y" })),
        )
        .await;
    json_body.assert_status(404);
    assert_safe_page(&json_body);
}
