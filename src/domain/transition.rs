//! The one shape of every state machine: a pure step table (`step`), a rule for who may
//! take each action (`may`), and from them `next(current, action, who)`, which says where an
//! action leads or why it may not be taken. No I/O; the use-case layer applies the answer
//! with a compare-and-set update and one ordered history row (`usecase::Uow::transition`).

use crate::domain::coded::Coded;
use crate::error::ApiError;

/// A state machine over a closed set of states and actions.
pub trait Machine {
    /// The object's type as the history names it (`expert`, `course`, …).
    const OBJECT: &'static str;
    type State: Coded + PartialEq + std::fmt::Debug;
    type Action: Coded + PartialEq + std::fmt::Debug + 'static;
    /// Who acts, as far as this machine cares (admin, author, lead of the team, …).
    type Who;

    /// Every action, in the order the refusal lists them.
    const ACTIONS: &'static [Self::Action];

    /// Where `action` leads from `from`, if anywhere: the step table, whoever acts.
    fn step(from: Self::State, action: Self::Action) -> Option<Self::State>;

    /// Whether `who` may take `action` at all; the error says why not.
    fn may(action: Self::Action, who: &Self::Who) -> Result<(), &'static str>;

    /// Where `action` taken by `who` leads from `current`: 403 for a caller who may not
    /// take it, 409 `illegal_transition` when it leads nowhere from here.
    #[expect(
        clippy::result_large_err,
        reason = "a refusal is the rare path and says everything a person reads about it"
    )]
    fn next(
        current: Self::State,
        action: Self::Action,
        who: &Self::Who,
    ) -> Result<Self::State, Refusal> {
        Self::may(action, who).map_err(Refusal::NotYours)?;
        Self::step(current, action).ok_or_else(|| Refusal::Illegal {
            object: Self::OBJECT,
            from: current.code(),
            action: action.code().to_owned(),
            allowed: Self::allowed_from(current),
            from_zh: current.label_zh(),
            action_zh: action.label_zh().to_owned(),
            allowed_zh: Self::allowed_from_zh(current),
        })
    }

    /// The steps out of `current` as a person reads them: `派单（→待接受）`.
    fn allowed_from_zh(current: Self::State) -> Vec<String> {
        Self::ACTIONS
            .iter()
            .filter_map(|a| {
                Self::step(current, *a).map(|to| format!("{}（→{}）", a.label_zh(), to.label_zh()))
            })
            .collect()
    }

    /// The steps out of `current`, as `action → state`.
    fn allowed_from(current: Self::State) -> Vec<String> {
        Self::ACTIONS
            .iter()
            .filter_map(|a| {
                Self::step(current, *a).map(|to| format!("{} → {}", a.code(), to.code()))
            })
            .collect()
    }
}

/// Why an action may not be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The action leads nowhere from this state: 409 `illegal_transition`.
    Illegal {
        object: &'static str,
        from: &'static str,
        action: String,
        allowed: Vec<String>,
        /// The same in Chinese, as a person reads them.
        from_zh: &'static str,
        action_zh: String,
        allowed_zh: Vec<String>,
    },
    /// The action exists, but not for this caller: 403 `forbidden`, its reason a catalog key
    /// (`problem-forbidden-…`).
    NotYours(&'static str),
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Illegal {
                object,
                from,
                action,
                allowed,
                from_zh,
                action_zh,
                allowed_zh,
            } => {
                let msg = crate::i18n::Msg::new(if allowed.is_empty() {
                    "problem-illegal_transition-final"
                } else {
                    "problem-illegal_transition"
                })
                .arg("object", object)
                .arg(
                    "object_zh",
                    match object {
                        "lecture" => "讲座",
                        "course" => "课程",
                        "expert" => "专家",
                        "leave" => "请假",
                        other => other,
                    },
                )
                .arg("from", from)
                .arg("action", action)
                .arg("allowed", allowed.join(", "))
                .arg("from_zh", from_zh)
                .arg("action_zh", action_zh)
                .arg("allowed_zh", allowed_zh.join("、"));
                ApiError::conflict("illegal_transition", msg)
            }
            // The machine names its reason by its catalog key.
            Refusal::NotYours(key) => ApiError::forbidden("forbidden", crate::i18n::Msg::new(key)),
        }
    }
}
