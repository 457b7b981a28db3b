//! Latin spelling variants of Russian names folded to one skeleton.
//!
//! Input is one lower-case token of Latin letters (the output of [`crate::translit`] for
//! Cyrillic text, or Latin text with its diacritics already resolved: `š` arrives as `sh`, `â`
//! as `ja`). Three steps:
//!
//! 1. **Spelling rules** ([`RULES`]): at each position the longest matching pattern is replaced,
//!    so every spelling of one Russian sound becomes one letter of the skeleton alphabet.
//! 2. **Collapse and glide**: runs of one letter collapse (`Kirill`/`Kiril`, `Iuliia`/`Yulia`);
//!    `i` before `e` or `o` is dropped and `o` after it becomes `e` (`Yelena`/`Elena`,
//!    `Vasilyev`/`Vasilev`, `Pyotr`/`Petr`); `o` after a hushing sibilant becomes `e`
//!    (`Gorbachov`/`Gorbachev`: written `ё`, `е` or `о`, it sounds the same).
//! 3. **Endings**: French `-ine` for `-ин` (`Iachine`), `-off`/`-eff` for `-ов`/`-ев`.
//!
//! The skeleton alphabet is plain ASCII: `a b c d e f g h i j k l m n o p r s t u v x z` and
//! digits (other scripts pass through unchanged). Letters with a special meaning:
//!
//! | skeleton | Russian | spellings folded                                   |
//! |----------|---------|----------------------------------------------------|
//! | `i`      | и ы й ь+vowel | i y j, `ii` `iy` `yi` `yy` at the end          |
//! | `j`      | ж       | zh ž (French `j` only in `jou`)                    |
//! | `h`      | х, кс   | kh h x; ks (because `x` is кс in Alexei, х in Mixail) |
//! | `c`      | ц       | ts tz tc c                                         |
//! | `x`      | ч ш щ   | ch sh sch tch tsch č š šč ŝ shch chtch sc          |
//!
//! `ч`, `ш` and `щ` share one letter because `ch` is `ч` in English and `ш` in French
//! (`Iachine` must meet `Iashin`, `Chekhov` must meet `Чехов`). Known misses, left to fuzzy
//! matching: `j` for `ж` (French, Telegram) reads as `й`; German `ch` for `х` reads as `ч`;
//! German `z` for `ц` reads as `з`. Distinct names that meet (Шуров/Чуров) are acceptable: the
//! skeleton is for finding, not for deciding.

/// `(pattern, replacement)`. Patterns are lower-case ASCII, grouped by first letter, longest
/// first within a group (checked at compile time); a letter without a rule stands for itself.
const RULES: &[(&str, &str)] = &[
    // ч (English), ш (French); German х is lost here
    ("ch", "x"),
    // Victor; not ck, which is цк (-цкий) in scholarly spelling
    ("ct", "kt"),
    // French ге/ги/гы
    ("gue", "ge"),
    ("gui", "gi"),
    ("guy", "gi"),
    // French ж before у; otherwise j is the glide of German and scholarly spellings
    ("jou", "ju"),
    ("j", "i"),
    // к + ш/щ, before кс
    ("ksch", "kx"),
    ("ksh", "kx"),
    ("ksc", "kx"),
    ("kh", "h"),
    ("ks", "h"),
    // French у
    ("ou", "u"),
    ("ph", "f"),
    ("q", "k"),
    // ш (German sch, English sh), щ (Telegram sc)
    ("sch", "x"),
    ("sh", "x"),
    ("sc", "x"),
    // ч (German tsch, French tch), ц (ts, German tz, GOST 52535 tc)
    ("tsch", "x"),
    ("tch", "x"),
    ("ts", "c"),
    ("tz", "c"),
    ("tc", "c"),
    ("w", "v"),
    // кс (Alexei, French Oxana) and х (scholarly Mixail)
    ("x", "h"),
    ("y", "i"),
    ("zh", "j"),
];

/// For each ASCII byte, the range of [`RULES`] whose pattern starts with it.
static INDEX: [(u8, u8); 128] = build_index();

const fn build_index() -> [(u8, u8); 128] {
    assert!(RULES.len() < u8::MAX as usize, "too many rules");
    let mut index = [(0u8, 0u8); 128];
    let mut i = 0;
    while i < RULES.len() {
        let first = RULES[i].0.as_bytes()[0];
        assert!(
            first.is_ascii_lowercase(),
            "rule patterns are lower-case ASCII"
        );
        assert!(
            index[first as usize].1 == 0,
            "rules must be grouped by first letter"
        );
        let start = i;
        let mut previous_len = usize::MAX;
        while i < RULES.len() && RULES[i].0.as_bytes()[0] == first {
            let len = RULES[i].0.len();
            assert!(len <= previous_len, "longest pattern first within a group");
            previous_len = len;
            let pattern = RULES[i].0.as_bytes();
            let mut k = 0;
            while k < pattern.len() {
                assert!(pattern[k].is_ascii_lowercase(), "patterns are lower case");
                k += 1;
            }
            i += 1;
        }
        index[first as usize] = (start as u8, i as u8);
    }
    index
}

/// The rule that applies at the start of `rest`, if any.
fn rule_at(rest: &str) -> Option<(&'static str, &'static str)> {
    let first = *rest.as_bytes().first()?;
    let &(start, end) = INDEX.get(usize::from(first))?;
    RULES[usize::from(start)..usize::from(end)]
        .iter()
        .find(|(pattern, _)| rest.starts_with(pattern))
        .copied()
}

/// Pushes `c` unless it repeats the last ASCII letter.
fn push_collapsed(out: &mut String, c: char) {
    if c.is_ascii_alphabetic() && out.as_bytes().last() == Some(&(c as u8)) {
        return;
    }
    out.push(c);
}

/// Writes the skeleton of one lower-case Latin token to `out` (cleared first).
pub(crate) fn skeleton_into(latin: &str, out: &mut String) {
    out.clear();
    // Steps 1 and 2 in one pass: `spelled` is the last letter step 1 produced (after its own
    // collapsing), the rules of step 2 look at what `out` holds so far.
    let mut spelled: Option<char> = None;
    let mut emit = |c: char| {
        if c.is_ascii_alphabetic() && spelled == Some(c) {
            return;
        }
        spelled = Some(c);
        let c = match c {
            'e' | 'o' if out.ends_with('i') => {
                out.pop();
                'e'
            }
            'o' if out.ends_with(['x', 'j']) => 'e',
            c => c,
        };
        push_collapsed(out, c);
    };
    let mut rest = latin;
    while let Some(c) = rest.chars().next() {
        match rule_at(rest) {
            Some((pattern, replacement)) => {
                replacement.chars().for_each(&mut emit);
                rest = &rest[pattern.len()..];
            }
            None => {
                emit(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }

    // 3. endings
    if out.len() >= 5 && out.ends_with("ine") {
        out.pop();
    } else if out.len() >= 4 && (out.ends_with("of") || out.ends_with("ef")) {
        out.pop();
        out.push('v');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skeleton(latin: &str) -> String {
        let mut out = String::new();
        skeleton_into(latin, &mut out);
        out
    }

    #[test]
    fn index_is_consistent() {
        for (i, (pattern, _)) in RULES.iter().enumerate() {
            let (start, end) = INDEX[usize::from(pattern.as_bytes()[0])];
            assert!((usize::from(start)..usize::from(end)).contains(&i));
        }
    }

    #[test]
    fn longest_rule_wins() {
        assert_eq!(rule_at("schtsch"), Some(("sch", "x")));
        assert_eq!(rule_at("tschai"), Some(("tsch", "x")));
        assert_eq!(rule_at("tsar"), Some(("ts", "c")));
        assert_eq!(rule_at("kshesinskaia"), Some(("ksh", "kx")));
        assert_eq!(rule_at("ab"), None);
        assert_eq!(rule_at(""), None);
        assert_eq!(rule_at("ä"), None);
    }

    #[test]
    fn sibilants() {
        for s in ["shchukin", "schtschukin", "chtchoukin", "scukin", "shukin"] {
            assert_eq!(skeleton(s), "xukin", "{s}");
        }
        for s in ["chekhov", "tchekhov", "tschekhov"] {
            assert_eq!(skeleton(s), "xehov", "{s}");
        }
        assert_eq!(skeleton("zhukov"), skeleton("joukov"));
    }

    #[test]
    fn glides_and_vowels() {
        for s in ["yelena", "elena", "jelena", "ielena"] {
            assert_eq!(skeleton(s), "elena", "{s}");
        }
        for s in ["pyotr", "petr", "pjotr", "piotr"] {
            assert_eq!(skeleton(s), "petr", "{s}");
        }
        for s in ["vidnyi", "vidnyy", "vidny", "vidnyj", "vidniy", "vidnii"] {
            assert_eq!(skeleton(s), "vidni", "{s}");
        }
        assert_eq!(skeleton("gorbachov"), skeleton("gorbachev"));
    }

    #[test]
    fn collapse_happens_before_and_after_the_vowel_rules() {
        assert_eq!(skeleton("ioo"), "e");
        assert_eq!(skeleton("shoo"), "xe");
        assert_eq!(skeleton("eie"), "e");
        assert_eq!(skeleton("andreyevich"), skeleton("andreevich"));
    }

    #[test]
    fn endings() {
        assert_eq!(skeleton("vasine"), "vasin");
        assert_eq!(skeleton("vasina"), "vasina");
        assert_eq!(skeleton("smirnoff"), "smirnov");
        assert_eq!(skeleton("ine"), "ine");
    }

    #[test]
    fn other_scripts_and_digits_pass_through() {
        assert_eq!(skeleton("李小龙"), "李小龙");
        assert_eq!(skeleton("人人"), "人人");
        assert_eq!(skeleton("1100"), "1100");
        assert_eq!(skeleton(""), "");
    }
}
