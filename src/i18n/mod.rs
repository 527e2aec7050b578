//! Messages a person reads, in Chinese (the default) and English: one Fluent catalog per
//! language (`src/i18n/zh-CN.ftl`, `src/i18n/en.ftl`), compiled into the binary, each message
//! keyed by the code it explains (`field-required`, `problem-method_not_allowed`) and filled
//! with its arguments (the field, the allowed values, …). A request's language is the first
//! of the two its `Accept-Language` prefers, else `GUANAI_DEFAULT_LANGUAGE` (`zh-CN`); the
//! request middleware keeps it in [`LANG`] for the problem bodies written during the request.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language the service answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文, the default.
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `zh-CN`, `zh`, `en`, `en-US`, … (case and region aside); `None` for any other.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language `Accept-Language` prefers among the two (by its `q` weights, the first
    /// listed on a tie), else `default`; `*` or no header at all mean the default.
    pub fn negotiate(accept_language: Option<&str>, default: Lang) -> Lang {
        let Some(header) = accept_language else {
            return default;
        };
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "*" {
                Some(default)
            } else {
                Lang::parse(tag)
            };
            if let Some(lang) = lang
                && q > 0.0
                && best.is_none_or(|(b, _)| q > b)
            {
                best = Some((q, lang));
            }
        }
        best.map_or(default, |(_, lang)| lang)
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

tokio::task_local! {
    /// The language of the request being served, set by the request middleware.
    pub static LANG: Lang;
}

/// The language of the request being served; outside a request, the default (Chinese).
pub fn current() -> Lang {
    LANG.try_with(|lang| *lang).unwrap_or_default()
}

/// A message a person reads: its catalog key and arguments, written out in the reader's
/// language when the answer is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg {
            key,
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Msg {
        self.args.push((name, value.to_string()));
        self
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        text(lang, self.key, &self.args)
    }
}

/// What a person reads in an answer: a catalog message, written out in the reader's
/// language, or — until every message is in the catalogs — a text given in English where
/// the answer was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Catalog(Msg),
    Plain(String),
}

impl Text {
    /// The text in the language of the request being served.
    pub fn render(&self) -> String {
        match self {
            Text::Catalog(msg) => msg.text(current()),
            Text::Plain(text) => text.clone(),
        }
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

impl From<Msg> for Text {
    fn from(msg: Msg) -> Text {
        Text::Catalog(msg)
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.render())
    }
}

/// The catalogs' sources, by language.
pub const CATALOGS: [(Lang, &str); 2] = [
    (Lang::Zh, include_str!("zh-CN.ftl")),
    (Lang::En, include_str!("en.ftl")),
];

static BUNDLES: LazyLock<Vec<(Lang, FluentBundle<FluentResource>)>> = LazyLock::new(|| {
    CATALOGS
        .iter()
        .map(|(lang, source)| {
            let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(
                |(partial, errors)| {
                    // The catalogs are part of the binary and checked by tests; a broken
                    // entry is logged and the rest still serve.
                    tracing::error!(lang = lang.tag(), ?errors, "message catalog does not parse");
                    partial
                },
            );
            let id = lang.tag().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Plain text: no Unicode isolation marks around arguments.
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(lang = lang.tag(), ?errors, "message catalog repeats a key");
            }
            (*lang, bundle)
        })
        .collect()
});

/// The message `key` in `lang` with its arguments; the key itself if the catalog lacks it
/// (a test keeps every key used in both catalogs).
pub fn text(lang: Lang, key: &str, args: &[(&'static str, String)]) -> String {
    let Some((_, bundle)) = BUNDLES.iter().find(|(l, _)| *l == lang) else {
        return key.to_owned();
    };
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        return key.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, FluentValue::from(value.as_str()));
    }
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned()
}

/// Whether the catalog of `lang` has `key`.
pub fn has(lang: Lang, key: &str) -> bool {
    BUNDLES
        .iter()
        .find(|(l, _)| *l == lang)
        .is_some_and(|(_, b)| b.has_message(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preferred_language_of_the_two_wins_and_the_default_otherwise() {
        let zh = Lang::Zh;
        assert_eq!(Lang::negotiate(None, zh), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("en-US,en;q=0.9"), zh), Lang::En);
        assert_eq!(
            Lang::negotiate(Some("zh-CN,zh;q=0.9,en;q=0.8"), zh),
            Lang::Zh
        );
        assert_eq!(
            Lang::negotiate(Some("fr-FR, en;q=0.5, zh;q=0.7"), zh),
            Lang::Zh
        );
        assert_eq!(Lang::negotiate(Some("de, fr"), Lang::En), Lang::En);
        assert_eq!(Lang::negotiate(Some("en;q=0"), zh), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("*"), Lang::En), Lang::En);
    }

    /// The keys a catalog's source defines (`key = …` at the start of a line).
    fn keys_of(source: &str) -> Vec<&str> {
        let mut keys: Vec<&str> = source
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim()))
            .collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn both_catalogs_parse_and_hold_the_same_keys() {
        for (lang, source) in CATALOGS {
            assert!(
                FluentResource::try_new(source.to_owned()).is_ok(),
                "{} does not parse",
                lang.tag()
            );
        }
        let zh = keys_of(CATALOGS[0].1);
        let en = keys_of(CATALOGS[1].1);
        assert!(zh.len() > 10);
        assert_eq!(zh, en, "zh-CN.ftl and en.ftl define different keys");
        for key in zh {
            assert!(has(Lang::Zh, key) && has(Lang::En, key), "{key}");
        }
    }

    #[test]
    fn arguments_are_filled_in_without_isolation_marks() {
        let message = Msg::new("field-required").arg("field", "slots");
        assert_eq!(message.text(Lang::Zh), "slots：此项必填");
        assert_eq!(message.text(Lang::En), "slots: this field is required");
    }
}
