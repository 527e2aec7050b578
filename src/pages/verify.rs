//! `/verify/{serial}`: whoever holds a 志愿服务记录证明 checks it — no login — and sees the name,
//! the period, the hours and the lecture count it certifies, nothing else personal.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::AppState;
use crate::db;
use crate::models::certificate::Certificate;
use crate::pages;
use crate::time::chinese_date;

const TITLE: &str = "核验志愿服务记录证明";

/// GET: the certificate's facts, or that no certificate has this serial.
pub async fn show(state: web::Data<AppState>, serial: web::Path<String>) -> HttpResponse {
    let serial = serial.into_inner().trim().to_uppercase();
    let found = if serial.is_empty() || serial.len() > 40 {
        Ok(None)
    } else {
        db::run(&state.db, move |conn| Ok(Certificate::find(conn, &serial)?)).await
    };
    match found {
        Ok(Some(c)) => {
            let tz = state.settings.timezone;
            let issued = crate::domain::schedule::local_date(c.issued_at, tz);
            let hours = crate::usecase::lecture::hours(i64::from(c.minutes));
            pages::render(
                StatusCode::OK,
                "verify.html",
                TITLE,
                minijinja::context! {
                    serial => c.serial,
                    name => c.expert_name,
                    from => chinese_date(c.from_date),
                    to => chinese_date(c.to_date),
                    lectures => c.lectures,
                    hours => hours,
                    bureau => state.settings.bureau_name,
                    issued => chinese_date(issued),
                },
            )
        }
        Ok(None) => pages::message(
            StatusCode::NOT_FOUND,
            TITLE,
            "bad",
            "没有这个编号的证明。",
            "请核对纸面上的编号（字母和数字），或联系出具证明的关工委办公室。",
        ),
        Err(e) => pages::failure(&e),
    }
}
