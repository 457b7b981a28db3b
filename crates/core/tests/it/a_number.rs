//! A-number parsing: the accepted forms, and everything else rejected.

use corridor_core::{ANumber, ANumberError};
use proptest::prelude::*;

fn nine_digits() -> impl Strategy<Value = String> {
    "[0-9]{9}".prop_filter("not all zeros", |s| s.bytes().any(|b| b != b'0'))
}

fn hyphenated(d: &str) -> String {
    format!("A-{}-{}-{}", &d[0..3], &d[3..6], &d[6..9])
}

proptest! {
    #[test]
    fn nine_digits_round_trip_in_all_three_forms(d in nine_digits()) {
        for form in [hyphenated(&d), format!("A{d}"), d.clone()] {
            let a: ANumber = form.parse().unwrap();
            prop_assert_eq!(a.digits(), d.as_str());
            prop_assert_eq!(a.to_string(), hyphenated(&d));
            prop_assert_eq!(a.to_string().parse::<ANumber>().unwrap(), a.clone());
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<ANumber>(&json).unwrap(), a);
        }
    }

    #[test]
    fn eight_digits_gain_a_leading_zero(
        d in "[0-9]{8}".prop_filter("not all zeros", |s| s.bytes().any(|b| b != b'0')),
    ) {
        let expected = format!("0{d}");
        let bare: ANumber = d.parse().unwrap();
        let prefixed: ANumber = format!("A{d}").parse().unwrap();
        prop_assert_eq!(bare.digits(), expected.as_str());
        prop_assert_eq!(prefixed.digits(), expected.as_str());
    }

    #[test]
    fn a_letter_anywhere_but_a_leading_a_is_rejected(
        d in nine_digits(),
        form in 0usize..3,
        letter in "[B-Zb-z]|a",
        at in any::<prop::sample::Index>(),
    ) {
        let valid = match form {
            0 => hyphenated(&d),
            1 => format!("A{d}"),
            _ => d.clone(),
        };
        // Insert the letter anywhere (after the leading `A`, if any), or replace a digit.
        let start = usize::from(valid.starts_with('A'));
        let pos = start + at.index(valid.len() - start + 1);
        let mut inserted = valid.clone();
        inserted.insert_str(pos, &letter);
        prop_assert!(inserted.parse::<ANumber>().is_err(), "{:?}", inserted);

        let digit_positions: Vec<usize> = valid
            .char_indices()
            .filter(|(_, c)| c.is_ascii_digit())
            .map(|(i, _)| i)
            .collect();
        let i = digit_positions[at.index(digit_positions.len())];
        let mut replaced = valid.clone();
        replaced.replace_range(i..i + 1, &letter);
        prop_assert!(replaced.parse::<ANumber>().is_err(), "{:?}", replaced);
    }

    #[test]
    fn a_second_a_is_rejected(d in nine_digits(), at in 1usize..9) {
        let mut s = format!("A{d}");
        s.insert(at + 1, 'A');
        prop_assert!(s.parse::<ANumber>().is_err());
    }

    #[test]
    fn any_string_with_another_letter_is_rejected(s in "A?[0-9A-Za-z\\- ]{0,14}") {
        let body = s.strip_prefix('A').unwrap_or(&s);
        if body.chars().any(|c| c.is_alphabetic()) {
            prop_assert!(s.parse::<ANumber>().is_err(), "{:?}", s);
        }
    }

    #[test]
    fn wrong_lengths_are_rejected(
        d in "[0-9]{0,20}".prop_filter("not 8 or 9 digits", |s| s.len() != 8 && s.len() != 9),
    ) {
        prop_assert_eq!(d.parse::<ANumber>(), Err(ANumberError::WrongLength));
        prop_assert_eq!(format!("A{d}").parse::<ANumber>(), Err(ANumberError::WrongLength));
    }

    #[test]
    fn errors_never_echo_the_input(s in "\\PC{0,30}") {
        if let Err(err) = s.parse::<ANumber>() {
            let message = err.to_string();
            prop_assert!(message.starts_with("A-number "));
            if s.chars().count() >= 4 {
                prop_assert!(!message.contains(s.as_str()));
            }
        }
    }
}

#[test]
fn documented_examples() {
    for form in ["A-012-345-678", "A012345678", "12345678", "012345678"] {
        assert_eq!(form.parse::<ANumber>().unwrap().digits(), "012345678");
    }
    assert_eq!(
        "A-000-000-000".parse::<ANumber>(),
        Err(ANumberError::AllZeros)
    );
    assert_eq!(
        "A_012_345_678".parse::<ANumber>(),
        Err(ANumberError::Malformed)
    );
    let a: ANumber = "A-987-654-321".parse().unwrap();
    assert_eq!(format!("{a:?}"), "ANumber(<redacted>)");
}
