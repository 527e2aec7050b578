//! One-on-one help and the hotline (一对一辅导、热线, DESIGN.md §5) as the rules see it: the
//! topics families ask about (shared by cases and consultations), the channels a one-off
//! answer comes through, and the screen that keeps personal data out of what is meant to be
//! counts only. No I/O.

use crate::domain::coded::coded_enum;

coded_enum!(
    /// What a family asks for help with.
    HelpTopic {
        SchoolRefusal = "school_refusal" / "厌学",
        InternetAddiction = "internet_addiction" / "网瘾",
        EarlyRomance = "early_romance" / "早恋",
        LearningDifficulty = "learning_difficulty" / "学习困难",
        StudyMethod = "study_method" / "学习方法",
        ExamAnxiety = "exam_anxiety" / "考试焦虑",
        Relationships = "relationships" / "人际关系",
        FamilyConflict = "family_conflict" / "家庭矛盾",
        Other = "other" / "其他",
    }
);

coded_enum!(
    /// Where a one-off answer (热线咨询) was given.
    ConsultationChannel {
        /// The hotline (热线电话, 百问百答).
        Hotline = "hotline" / "热线",
        /// The 家教良方 platform.
        Platform = "platform" / "家教良方平台",
        /// A visitor at the office.
        WalkIn = "walk_in" / "来访",
    }
);

/// The fewest digits in one run that [`looks_personal`] takes for a phone number: a
/// landline without its area code has seven.
const PHONE_DIGITS: usize = 7;

/// True when `text` holds what looks like a phone number or an identity-card number: a run
/// of seven or more digits (ASCII or full-width), with spaces, hyphens or brackets between
/// them (`138 0013 8000`, `0591-8765 4321`, `(0591)87654321`), or an identity number's
/// seventeen digits and final `X`. Dates and counts written as people write them (`2025年
/// 12月`, `3个孩子`) pass. What is meant to hold counts only is refused such text rather than
/// trusted not to receive it.
pub fn looks_personal(text: &str) -> bool {
    let mut run = 0usize;
    for c in text.chars() {
        if is_digit(c) {
            run += 1;
            if run >= PHONE_DIGITS {
                return true;
            }
        } else if !is_joiner(c) {
            run = 0;
        }
    }
    false
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// What people put between a number's digits.
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{3000}' | '-' | '－' | '—' | '(' | ')' | '（' | '）' | '.'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_and_identity_numbers_look_personal() {
        for text in [
            "家长电话13800138000",
            "138 0013 8000",
            "请回电 0591-87654321",
            "(0591)8765432",
            "身份证350102200801011234",
            "35010220080101123X",
            "１３８００１３８０００",
            "8765432",
        ] {
            assert!(looks_personal(text), "{text}");
        }
    }

    #[test]
    fn ordinary_notes_with_dates_and_counts_do_not() {
        for text in [
            "孩子沉迷手机游戏，家长询问如何引导",
            "2025年12月3日来电，3个孩子，初二",
            "考前焦虑, 每晚只睡5小时",
            "",
            "123456",
            "12-3-45 6",
        ] {
            assert!(!looks_personal(text), "{text}");
        }
    }

    #[test]
    fn every_topic_and_channel_has_its_code_and_label() {
        assert_eq!(HelpTopic::ALL.len(), 9);
        assert_eq!(
            HelpTopic::from_code("internet_addiction"),
            Some(HelpTopic::InternetAddiction)
        );
        assert_eq!(HelpTopic::InternetAddiction.label_zh(), "网瘾");
        assert_eq!(ConsultationChannel::WalkIn.as_str(), "walk_in");
    }
}
