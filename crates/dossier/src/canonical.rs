//! The canonical byte form of a JSON value (see the crate documentation for the rule).
//!
//! Object members are sorted here, by the UTF-8 bytes of their keys, rather than relying on
//! `serde_json::Map` being a `BTreeMap`: a crate anywhere in the build enabling serde_json's
//! `preserve_order` feature would otherwise change the bytes that are signed.

use serde_json::Value;

/// `value` in canonical form.
pub(crate) fn to_vec(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        // The wire types hold unsigned integers only, which serde_json writes in plain decimal.
        Value::Number(number) => out.extend_from_slice(number.to_string().as_bytes()),
        Value::String(text) => string(text, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        Value::Object(members) => {
            let mut members: Vec<(&String, &Value)> = members.iter().collect();
            members.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (key, member)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(key, out);
                out.push(b':');
                write(member, out);
            }
            out.push(b'}');
        }
    }
}

/// A string as serde_json writes it: `"` and `\` escaped, control characters as `\b`, `\t`,
/// `\n`, `\f`, `\r` or `\u00xx` (lowercase hex), everything else as its UTF-8 bytes.
fn string(text: &str, out: &mut Vec<u8>) {
    serde_json::to_writer(&mut *out, text).expect("writing a string to a Vec cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sorted_by_bytes_no_white_space_strings_as_serde_json_writes_them() {
        let value = serde_json::json!({
            "b": [1, {"z": true, "a": null}],
            "a": "Иван \"И\"\n\u{1}\u{7f}/",
            "B": 18446744073709551615u64,
            "é": "",
        });
        assert_eq!(
            String::from_utf8(to_vec(&value)).unwrap(),
            "{\"B\":18446744073709551615,\"a\":\"Иван \\\"И\\\"\\n\\u0001\u{7f}/\",\
             \"b\":[1,{\"a\":null,\"z\":true}],\"é\":\"\"}"
        );
    }
}
