//! Turns deserialisation errors into a field path and a reason that never repeat the input.
//!
//! serde's stock messages quote the offending value (`invalid type: string "...", expected ...`)
//! or key (`unknown field `...``). Those values may be sensitive and errors reach logs, so the
//! messages are rewritten here. Messages of this crate's own validating types never contain
//! their input and pass through unchanged.

use serde_path_to_error::{Path, Segment};

/// A field path (as `person.names[0].kind`, empty for the document itself) and a reason.
pub(crate) struct Described {
    pub(crate) field: String,
    pub(crate) reason: String,
}

/// A key from the input may appear in the path only if it looks like one of our field names.
fn safe_key(key: &str) -> Option<&str> {
    let ok = (1..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    ok.then_some(key)
}

fn push_key(field: &mut String, key: &str) {
    if !field.is_empty() {
        field.push('.');
    }
    field.push_str(safe_key(key).unwrap_or("?"));
}

pub(crate) fn render_path(path: &Path) -> String {
    let mut field = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => field.push_str(&format!("[{index}]")),
            Segment::Map { key } => push_key(&mut field, key),
            Segment::Enum { variant } => push_key(&mut field, variant),
            Segment::Unknown => push_key(&mut field, "?"),
        }
    }
    field
}

/// The identifiers quoted in serde's list of expected names ("`a`", "`a` or `b`",
/// "one of `a`, `b`, `c`"), or `None` if the list does not look like one.
fn expected_names(list: &str) -> Option<Vec<&str>> {
    let names: Vec<&str> = list.split('`').skip(1).step_by(2).collect();
    let ok = !names.is_empty() && names.iter().all(|n| safe_key(n).is_some());
    ok.then_some(names)
}

/// Splits "`<input>`, expected <list>" (or ", there are no ...") into the input part and the
/// reason suffix, using the last separator: the input comes first and may itself contain one.
fn split_unknown<'m>(rest: &'m str, what: &str) -> (&'m str, String) {
    if let Some(idx) = rest.rfind("`, expected ") {
        let list = &rest[idx + "`, expected ".len()..];
        let reason = match expected_names(list) {
            Some(names) => format!("unknown {what}; expected one of: {}", names.join(", ")),
            None => format!("unknown {what}"),
        };
        return (&rest[..idx], reason);
    }
    if let Some(idx) = rest.rfind("`, there are no ") {
        return (
            &rest[..idx],
            format!("unknown {what}; none are accepted here"),
        );
    }
    ("", format!("unknown {what}"))
}

/// Internal type names ("struct RawPersonName") and Rust integer types mean nothing to the
/// person fixing a document.
fn humanise_expected(expected: &str) -> String {
    if expected.starts_with("struct ") || expected.starts_with("a map") {
        return "an object".to_owned();
    }
    let range = |min: &str, max: String| format!("an integer from {min} to {max}");
    match expected {
        "u8" => range("0", u8::MAX.to_string()),
        "u16" => range("0", u16::MAX.to_string()),
        "u32" => range("0", u32::MAX.to_string()),
        "u64" => range("0", u64::MAX.to_string()),
        "i32" => range(&i32::MIN.to_string(), i32::MAX.to_string()),
        "i64" => range(&i64::MIN.to_string(), i64::MAX.to_string()),
        other => other.to_owned(),
    }
}

/// Rewrites `message` (raised at the field path `field`, from [`render_path`]) so that it names
/// the field and never repeats input.
pub(crate) fn describe(mut field: String, message: &str) -> Described {
    let reason = if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.strip_suffix('`').and_then(safe_key);
        match name {
            Some(name) => {
                push_key(&mut field, name);
                format!("missing required field `{name}`")
            }
            None => "missing required field".to_owned(),
        }
    } else if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, reason) = split_unknown(rest, "field");
        // serde_path_to_error usually records the unknown key already; add it only if not.
        let segment = safe_key(key).unwrap_or("?");
        if field != segment && !field.ends_with(&format!(".{segment}")) {
            push_key(&mut field, key);
        }
        reason
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        split_unknown(rest, "value").1
    } else if let Some(rest) = message.strip_prefix("duplicate field `") {
        match rest.strip_suffix('`').and_then(safe_key) {
            Some(name) => {
                push_key(&mut field, name);
                format!("duplicate field `{name}`")
            }
            None => "duplicate field".to_owned(),
        }
    } else if let Some(kind) = ["invalid type", "invalid value", "invalid length"]
        .into_iter()
        .find(|kind| message.starts_with(kind))
    {
        match message.rfind(", expected ") {
            Some(idx) => format!(
                "{kind}, expected {}",
                humanise_expected(&message[idx + ", expected ".len()..])
            ),
            None => kind.to_owned(),
        }
    } else {
        message.to_owned()
    };
    Described { field, reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        kind: Kind,
        count: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Alpha,
        Beta,
        Gamma,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    fn run(json: &str) -> Described {
        let de = &mut serde_json::Deserializer::from_str(json);
        let err = serde_path_to_error::deserialize::<_, Outer>(de).unwrap_err();
        let inner = err.inner();
        let suffix = format!(" at line {} column {}", inner.line(), inner.column());
        let msg = inner.to_string();
        let msg = msg.strip_suffix(&suffix).unwrap_or(&msg).to_owned();
        describe(render_path(err.path()), &msg)
    }

    #[test]
    fn rewrites_serde_messages_without_echo() {
        let d = run(r#"{"items":[{"kind":"CANARY`, expected `x`","count":1}]}"#);
        assert_eq!(d.field, "items[0].kind");
        assert_eq!(
            d.reason,
            "unknown value; expected one of: alpha, beta, gamma"
        );

        let d = run(r#"{"items":[{"kind":"alpha","count":"CANARY, expected x"}]}"#);
        assert_eq!(d.field, "items[0].count");
        assert_eq!(
            d.reason,
            "invalid type, expected an integer from 0 to 4294967295"
        );

        let d = run(r#"{"items":[{"kind":"alpha","count":-7}]}"#);
        assert_eq!(
            d.reason,
            "invalid value, expected an integer from 0 to 4294967295"
        );

        let d = run(r#"{"items":[{"kind":"alpha"}]}"#);
        assert_eq!(d.field, "items[0].count");
        assert_eq!(d.reason, "missing required field `count`");

        let d = run(r#"{"items":[{"kind":"alpha","count":1,"cuont":2}]}"#);
        assert_eq!(d.field, "items[0].cuont");
        assert_eq!(d.reason, "unknown field; expected one of: kind, count");

        let d = run(r#"{"items":[],"CANARY Name":1}"#);
        assert_eq!(d.field, "?");
        assert_eq!(d.reason, "unknown field; expected one of: items");
        assert!(!d.reason.contains("CANARY"));
    }
}
