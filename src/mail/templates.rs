//! Mail templates: Chinese plain text, kept as files under `templates/mail/`, compiled into
//! the binary and rendered with minijinja. A template's first line is the subject, the rest
//! the body. Each renders twice: for the mail (`channel = "email"`, which may carry a
//! one-time link) and for the in-app inbox (`channel = "inbox"`, never a secret).

use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment};
use serde_json::Value;

use crate::mail::MailError;

pub const KINDS: [(&str, &str); 26] = [
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
    (
        "leave_requested",
        include_str!("../../templates/mail/leave_requested.txt"),
    ),
    (
        "leave_approved",
        include_str!("../../templates/mail/leave_approved.txt"),
    ),
    (
        "leave_rejected",
        include_str!("../../templates/mail/leave_rejected.txt"),
    ),
    (
        "lecture_no_show",
        include_str!("../../templates/mail/lecture_no_show.txt"),
    ),
    (
        "lecture_observer_assigned",
        include_str!("../../templates/mail/lecture_observer_assigned.txt"),
    ),
    (
        "lecture_observer_removed",
        include_str!("../../templates/mail/lecture_observer_removed.txt"),
    ),
];

/// Parts the templates include: a lecture's details (school, expert, time, way, link), one
/// line each.
const PARTS: [(&str, &str); 1] = [(
    "_lecture.txt",
    include_str!("../../templates/mail/_lecture.txt"),
)];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_trim_blocks(true);
    for (name, source) in PARTS.into_iter().chain(KINDS) {
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

    /// Every lecture notice, with every detail given and with none: each detail on a line of
    /// its own, never run into the next sentence.
    #[test]
    fn every_lecture_detail_is_a_line_of_its_own() {
        let full = json!({
            "name": "王秀兰", "topic": "亲子沟通", "school_name": "市实验小学", "expert_name": "林文华",
            "mode": "线上", "place": "腾讯会议", "meeting_link": "https://meeting.example/1",
            "meeting": "123 456 789，密码：1234",
            "was": "2026年12月16日（周三）14:00-15:30 北京时间",
            "start": "2026年12月17日（周四）14:00-15:30 北京时间",
            "offer_expires_at": "2026年12月15日（周二）09:00 北京时间", "reason": "临时有事",
        });
        let bare = json!({ "name": "王秀兰", "topic": "亲子沟通", "mode": "线下" });
        let labels = [
            "学校：",
            "专家：",
            "原定时间：",
            "新的时间：",
            "时间：",
            "方式：",
            "原因：",
            "参会链接：",
            "会议号：",
        ];
        for (kind, _) in KINDS.iter().filter(|(k, _)| k.starts_with("lecture_")) {
            for context in [&full, &bare] {
                let (_, body) = render(kind, Channel::Email, context).unwrap();
                for line in body.lines() {
                    for label in labels {
                        if let Some(at) = line.find(label) {
                            // 原定时间： and 新的时间： end in 时间：; every label starts a line.
                            let own = at == 0
                                || (label == "时间："
                                    && ["原定时间：", "新的时间："]
                                        .iter()
                                        .any(|l| line.starts_with(l)));
                            assert!(own, "{kind}: `{label}` inside the line `{line}`");
                        }
                    }
                }
                let way = body.lines().find(|l| l.starts_with("方式：")).unwrap_or("");
                if context == &full {
                    assert_eq!(way, "方式：线上（腾讯会议）", "{kind}");
                } else {
                    assert_eq!(way, "方式：线下", "{kind}");
                    assert!(!body.contains("时间："), "{kind}: {body}");
                }
            }
        }
        let (_, moved) = render("lecture_rescheduled", Channel::Inbox, &full).unwrap();
        assert!(moved.contains("原定时间：2026年12月16日（周三）14:00-15:30 北京时间\n"));
        assert!(moved.contains("新的时间：2026年12月17日（周四）14:00-15:30 北京时间\n"));
        let (_, confirmed) = render("lecture_confirmed", Channel::Inbox, &full).unwrap();
        assert!(confirmed.contains("专家：林文华\n"), "{confirmed}");
        assert!(
            confirmed.contains("参会链接：https://meeting.example/1\n"),
            "{confirmed}"
        );
        assert!(
            confirmed.contains("会议号：123 456 789，密码：1234\n"),
            "{confirmed}"
        );
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
