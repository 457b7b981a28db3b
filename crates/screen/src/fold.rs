//! The folding pipeline: any script and spelling -> lower-case Latin -> skeleton tokens.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use crate::skeleton::skeleton_into;
use crate::translit::{cyrillic_to_latin, latin_extra};

/// Marks that stand for `ь`/`ъ` or stress inside a word (BGN/PCGN `’ ”`, MVD `' "`, scholarly
/// `ʹ ʺ`, BGN's separating `·`), dropped without splitting the word.
fn is_elided(c: char) -> bool {
    matches!(
        c,
        '\'' | '"'
            | '`'
            | '\u{00B4}' // ´
            | '\u{00B7}' // ·
            | '\u{02B9}' // ʹ
            | '\u{02BA}' // ʺ
            | '\u{02BB}' // ʻ
            | '\u{02BC}' // ʼ
            | '\u{02BD}' // ʽ
            | '\u{02C8}' // ˈ
            | '\u{02EE}' // ˮ
            | '\u{2018}' // ‘
            | '\u{2019}' // ’
            | '\u{201C}' // “
            | '\u{201D}' // ”
            | '\u{2032}' // ′
            | '\u{2033}' // ″
    )
}

/// Word separator in the intermediate Latin text.
const SEPARATOR: char = ' ';

fn push_separator(out: &mut String) {
    if !out.is_empty() && !out.ends_with(SEPARATOR) {
        out.push(SEPARATOR);
    }
}

/// One lower-case character after decomposition.
fn push_char(c: char, out: &mut String) {
    if c.is_ascii_alphanumeric() {
        out.push(c);
    } else if is_elided(c) {
        // a compatibility form decomposed to an apostrophe (U+FF07 and the like)
    } else if let Some(latin) = cyrillic_to_latin(c).or_else(|| latin_extra(c)) {
        out.push_str(latin);
    } else if c.is_alphanumeric() {
        out.push(c);
    } else {
        push_separator(out);
    }
}

/// A combining mark, which normally just goes. The carons and circumflexes of scholarly and
/// GOST 7.79 spelling carry letters: `š ž č` are `sh zh ch`, `ŝ` is `shch`, `â û` are `ja ju`.
fn push_mark(mark: char, out: &mut String) {
    match (mark, out.chars().next_back()) {
        ('\u{030C}', Some('s' | 'z' | 'c')) => out.push('h'),
        ('\u{0302}', Some('s')) => out.push_str("hch"),
        ('\u{0302}', Some(vowel @ ('a' | 'u'))) => {
            out.pop();
            out.push('j');
            out.push(vowel);
        }
        _ => {}
    }
}

/// Lower-case Latin text with words separated by single spaces: compatibility decomposition
/// (NFKD, one character at a time: the order of several marks on one letter does not matter
/// here), combining marks stripped after resolving the meaningful ones, lower case, Cyrillic
/// transliterated.
pub(crate) fn to_latin(input: &str, out: &mut String) {
    for c in input.chars() {
        if c.is_ascii() {
            push_char(c.to_ascii_lowercase(), out);
        } else if let Some(lower) = basic_cyrillic_lower(c) {
            push_char(lower, out);
        } else if !is_elided(c) {
            decompose_compatible(c, |d| {
                if is_combining_mark(d) {
                    push_mark(d, out);
                } else {
                    d.to_lowercase().for_each(|lower| push_char(lower, out));
                }
            });
        }
    }
}

/// Fast path for the letters А..я without a decomposition (all but Й and й): their lower case.
fn basic_cyrillic_lower(c: char) -> Option<char> {
    match c {
        'Й' | 'й' => None,
        'а'..='я' => Some(c),
        // А..Я are exactly 0x20 below а..я
        'А'..='Я' => char::from_u32(c as u32 + 0x20),
        _ => None,
    }
}

/// Reusable buffers for folding names token by token without allocating per token.
#[derive(Default)]
pub(crate) struct Folder {
    latin: String,
    token: String,
}

impl Folder {
    /// Calls `each` with every token of `name`, in order (see [`name_tokens`]).
    pub(crate) fn for_each_token(&mut self, name: &str, mut each: impl FnMut(&str)) {
        self.for_each_word(name, |_, token| each(token));
    }

    /// Calls `each` with every word of `name` as lower-case Latin and as its skeleton token.
    pub(crate) fn for_each_word(&mut self, name: &str, mut each: impl FnMut(&str, &str)) {
        let Folder { latin, token } = self;
        latin.clear();
        to_latin(name, latin);
        for word in latin.split(SEPARATOR).filter(|word| !word.is_empty()) {
            skeleton_into(word, token);
            if !token.is_empty() {
                each(word, token);
            }
        }
    }
}

/// Folds a name to comparable tokens: NFKD, strip combining marks, lowercase, Cyrillic
/// transliterated to Latin, then Latin spelling variants folded to one "skeleton" so that
/// ICAO (Iuliia, Iashin), BGN/PCGN (Yuliya, Yashin), scholarly (Julija, Jašin), French
/// (Iouliia, Iachine) and German (Julija, Jaschin) spellings of one Russian name meet.
///
/// Tokens keep the order of the words in `name`; anything that is not a letter or a digit
/// splits words (`SIDOROV, Ivan`, `Rimsky-Korsakov`), except apostrophes and quotes, which
/// are dropped (`Il'ya`, `ob”yezd`); empty tokens are dropped. Gender forms stay apart:
/// `Sidorov` and `Sidorova` are different tokens.
///
/// ```
/// use corridor_screen::name_tokens;
/// assert_eq!(name_tokens("Юлия Навальная"), name_tokens("JULIJA NAWALNAJA"));
/// assert_eq!(name_tokens("SIDOROV, Ivan"), ["sidorov", "ivan"]);
/// ```
pub fn name_tokens(name: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    Folder::default().for_each_token(name, |token| tokens.push(token.to_owned()));
    tokens
}

/// The words of `name` as (lower-case Latin, skeleton token) pairs: the tokens of
/// [`name_tokens`] with the spelling they were folded from, for fuzzy comparison.
pub(crate) fn name_words(name: &str) -> Vec<(String, String)> {
    let mut words = Vec::new();
    Folder::default().for_each_word(name, |latin, token| {
        words.push((latin.to_owned(), token.to_owned()));
    });
    words
}

/// One token's skeleton: the same folding as [`name_tokens`], with anything that would split
/// words simply ignored. `fold_token(w)` equals `name_tokens(w)[0]` for a single word `w`.
///
/// ```
/// use corridor_screen::fold_token;
/// assert_eq!(fold_token("Iashin"), fold_token("Яшин"));
/// assert_ne!(fold_token("Sidorov"), fold_token("Sidorova"));
/// ```
pub fn fold_token(token: &str) -> String {
    let mut latin = String::with_capacity(token.len() + token.len() / 2);
    to_latin(token, &mut latin);
    latin.retain(|c| c != SEPARATOR);
    let mut folded = String::with_capacity(latin.len());
    skeleton_into(&latin, &mut folded);
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latin(s: &str) -> String {
        let mut out = String::new();
        to_latin(s, &mut out);
        out
    }

    #[test]
    fn to_latin_transliterates_and_separates() {
        assert_eq!(latin("Юлия Щеглова"), "yuliya shcheglova");
        // й decomposes to и + breve: the glide is folded with и anyway
        assert_eq!(latin("ЙОШКАР-ОЛА"), "ioshkar ola");
        assert_eq!(latin("  ,, Ёлкин--"), "elkin ");
        assert_eq!(latin("Il'ya ob”yezd"), "ilya obyezd");
    }

    #[test]
    fn marks_that_carry_letters() {
        assert_eq!(latin("Jašin Žukov Čajkovskij"), "jashin zhukov chajkovskij");
        assert_eq!(latin("Ûliâ eŝё"), "julija eshche");
        // decomposed input behaves like composed input
        assert_eq!(latin("Jas\u{030C}in"), "jashin");
        assert_eq!(latin("Йо́шкар"), "ioshkar");
        assert_eq!(latin("I͡ulii͡a Ĭoshkar"), "iuliia ioshkar");
    }

    #[test]
    fn basic_cyrillic_fast_path_agrees_with_unicode() {
        for c in ('\u{0400}'..='\u{04FF}').chain(['a', 'Z', 'ё', 'Ё']) {
            if let Some(lower) = basic_cyrillic_lower(c) {
                assert_eq!(c.to_lowercase().collect::<Vec<_>>(), [lower], "{c}");
                let mut decomposed = Vec::new();
                decompose_compatible(c, |d| decomposed.push(d));
                assert_eq!(decomposed, [c], "{c} decomposes");
            }
        }
        assert_eq!(basic_cyrillic_lower('Ж'), Some('ж'));
        assert_eq!(basic_cyrillic_lower('Й'), None);
    }

    #[test]
    fn decomposition_is_compatibility_decomposition() {
        // full-width letters and apostrophe, ligatures, superscripts
        assert_eq!(
            latin("ＩＶＡＮ Ｏ＇Ｂｒｉｅｎ ﬁlipp Mᵃx"),
            "ivan obrien filipp max"
        );
        // Hangul decomposes into jamo, which are letters: one word
        assert_eq!(latin("한국").split(' ').count(), 1);
    }

    #[test]
    fn extra_letters() {
        assert_eq!(latin("Straße Ødegaard Łukasz"), "strasse odegaard lukasz");
        assert_eq!(latin("ﬁlipp"), "filipp");
    }

    #[test]
    fn tokens() {
        assert_eq!(name_tokens("Yuliya Navalnaya"), ["iulia", "navalnaia"]);
        assert_eq!(name_tokens("Яшин"), ["iaxin"]);
        assert_eq!(name_tokens(" - ,"), Vec::<String>::new());
        assert_eq!(name_tokens("ъ ь Ivan"), ["ivan"]);
        assert_eq!(fold_token("Rimsky-Korsakov"), "rimskikorsakov");
        assert_eq!(fold_token(""), "");
    }
}
