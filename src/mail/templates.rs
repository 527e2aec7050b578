//! Mail templates: Chinese plain text, kept as files under `templates/mail/`, compiled into
//! the binary and rendered with minijinja. A template's first line is the subject, the rest
//! the body. Each renders twice: for the mail (`channel = "email"`, which may carry a
//! one-time link) and for the in-app inbox (`channel = "inbox"`, never a secret).

use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment};
use serde_json::Value;

use crate::mail::MailError;

pub const KINDS: [(&str, &str); 20] = [
    (
        "account_created",
        include_str!("../../templates/mail/account_created.txt"),
    ),
    (
        "password_reset",
        include_str!("../../templates/mail/password_reset.txt"),
    ),
    (
        "password_changed",
        include_str!("../../templates/mail/password_changed.txt"),
    ),
    (
        "email_confirm",
        include_str!("../../templates/mail/email_confirm.txt"),
    ),
    (
        "email_change_requested",
        include_str!("../../templates/mail/email_change_requested.txt"),
    ),
    (
        "course_pending_review",
        include_str!("../../templates/mail/course_pending_review.txt"),
    ),
    (
        "course_approved",
        include_str!("../../templates/mail/course_approved.txt"),
    ),
    (
        "course_rejected",
        include_str!("../../templates/mail/course_rejected.txt"),
    ),
    (
        "lecture_requested",
        include_str!("../../templates/mail/lecture_requested.txt"),
    ),
    (
        "lecture_offered",
        include_str!("../../templates/mail/lecture_offered.txt"),
    ),
    (
        "lecture_declined",
        include_str!("../../templates/mail/lecture_declined.txt"),
    ),
    (
        "lecture_lapsed",
        include_str!("../../templates/mail/lecture_lapsed.txt"),
    ),
    (
        "lecture_confirmed",
        include_str!("../../templates/mail/lecture_confirmed.txt"),
    ),
    (
        "lecture_cancelled",
        include_str!("../../templates/mail/lecture_cancelled.txt"),
    ),
    (
        "lecture_rescheduled",
        include_str!("../../templates/mail/lecture_rescheduled.txt"),
    ),
    (
        "lecture_rejected",
        include_str!("../../templates/mail/lecture_rejected.txt"),
    ),
    (
        "lecture_expired",
        include_str!("../../templates/mail/lecture_expired.txt"),
    ),
    (
        "lecture_needs_expert",
        include_str!("../../templates/mail/lecture_needs_expert.txt"),
    ),
    (
        "lecture_changed",
        include_str!("../../templates/mail/lecture_changed.txt"),
    ),
    (
        "lecture_reminder",
        include_str!("../../templates/mail/lecture_reminder.txt"),
    ),
];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_trim_blocks(true);
    for (name, source) in KINDS {
        // The sources are part of the binary and covered by tests; a broken one is a bug
        // that the test suite reports, so it is skipped here rather than crashing start-up.
        if let Err(e) = env.add_template(name, source) {
            tracing::error!(template = name, error = %e, "mail template does not compile");
        }
    }
    env
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Inbox,
}

/// Renders `kind` for `channel`: (subject, body).
pub fn render(
    kind: &str,
    channel: Channel,
    context: &Value,
) -> Result<(String, String), MailError> {
    let template = ENVIRONMENT
        .get_template(kind)
        .map_err(|e| MailError::Template(e.to_string()))?;
    let mut context = context.clone();
    if let Value::Object(map) = &mut context {
        let name = match channel {
            Channel::Email => "email",
            Channel::Inbox => "inbox",
        };
        map.insert("channel".to_owned(), Value::String(name.to_owned()));
    }
    let text = template
        .render(minijinja::Value::from_serialize(&context))
        .map_err(|e| MailError::Template(e.to_string()))?;
    let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
    Ok((subject.trim().to_owned(), tidy(body)))
}

/// Collapses the blank lines that template conditionals leave behind.
fn tidy(body: &str) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for line in body.trim().lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_template_renders_for_both_channels() {
        let context = json!({
            "name": "王秀兰", "login": "wang", "link": "https://x/set-password?token=T0K3N", "token": "T0K3N",
            "has_link": true, "expires_at": "2026年3月5日 09:00（Asia/Shanghai）", "at": "2026年3月2日 09:00（Asia/Shanghai）",
            "title": "亲子沟通", "comment": "很好", "new_email": "new@example.cn",
            "expert_name": "王秀兰", "team": "阅读辅导", "resubmitted": false,
            "topic": "亲子沟通", "school_name": "市实验小学", "mode": "线下", "start": "2026年3月9日 14:00（Asia/Shanghai）",
        });
        for (kind, _) in KINDS {
            for channel in [Channel::Email, Channel::Inbox] {
                let (subject, body) = render(kind, channel, &context).unwrap();
                assert!(subject.starts_with("关爱专家团："), "{kind}: {subject}");
                assert!(body.contains("王秀兰"), "{kind}: {body}");
                if channel == Channel::Inbox {
                    assert!(
                        !body.contains("T0K3N"),
                        "{kind} leaks the token into the inbox"
                    );
                }
            }
        }
    }

    #[test]
    fn the_account_mail_carries_the_link_and_never_a_password() {
        let context = json!({ "name": "王", "login": "wang", "link": "https://x/set-password?token=T0K3N",
            "token": "T0K3N", "has_link": true, "expires_at": "2026年3月5日" });
        let (subject, body) = render("account_created", Channel::Email, &context).unwrap();
        assert_eq!(subject, "关爱专家团：您的账号已开通");
        assert!(body.contains("登录名：wang"));
        assert!(body.contains("https://x/set-password?token=T0K3N"));
        assert!(!body.contains("\n\n\n"));
    }
}
