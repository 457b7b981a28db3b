//! Cyrillic to Latin: one letter at a time, from one table.
//!
//! The output only has to be *foldable*: it is fed to [`crate::skeleton`], which merges the
//! spelling variants of the published schemas, so no context rules are needed here (BGN/PCGN's
//! `ye` after a vowel, ICAO's `ie` for `ъ` and the like are folded away later). The table is
//! close to BGN/PCGN without its diacritics. Input is lower case and already decomposed (NFKD with
//! the combining marks removed), so `й` arrives as `и`, `ё` as `е`, `ї` as `і` and `ў` as `у`
//! (the skeleton folds those pairs anyway); `ё` and `й` are listed all the same so that the
//! table covers the Russian alphabet.

/// Lower-case Cyrillic letter -> Latin. Russian first, then the letters of the other Cyrillic
/// alphabets that show up in names of people from the region (Ukrainian, Belarusian, Serbian,
/// Macedonian, Kazakh), read the Russian way.
const TABLE: &[(char, &str)] = &[
    // Russian
    ('а', "a"),
    ('б', "b"),
    ('в', "v"),
    ('г', "g"),
    ('д', "d"),
    ('е', "e"),
    ('ё', "e"),
    ('ж', "zh"),
    ('з', "z"),
    ('и', "i"),
    ('й', "y"),
    ('к', "k"),
    ('л', "l"),
    ('м', "m"),
    ('н', "n"),
    ('о', "o"),
    ('п', "p"),
    ('р', "r"),
    ('с', "s"),
    ('т', "t"),
    ('у', "u"),
    ('ф', "f"),
    ('х', "kh"),
    ('ц', "ts"),
    ('ч', "ch"),
    ('ш', "sh"),
    ('щ', "shch"),
    ('ъ', ""),
    ('ы', "y"),
    ('ь', ""),
    ('э', "e"),
    ('ю', "yu"),
    ('я', "ya"),
    // Ukrainian, Belarusian
    ('є', "ye"),
    ('і', "i"),
    ('ґ', "g"),
    // Serbian, Macedonian
    ('ђ', "dj"),
    ('ј', "y"),
    ('љ', "ly"),
    ('њ', "ny"),
    ('ћ', "ch"),
    ('џ', "dzh"),
    ('ѕ', "dz"),
    // Kazakh and other Turkic alphabets
    ('ә', "a"),
    ('ғ', "g"),
    ('қ', "k"),
    ('ң', "n"),
    ('ө', "o"),
    ('ұ', "u"),
    ('ү', "u"),
    ('һ', "h"),
];

/// The Cyrillic block U+0400..U+04FF, indexed by code point offset.
const BLOCK_START: u32 = 0x0400;
const BLOCK_LEN: usize = 0x100;
static BLOCK: [Option<&str>; BLOCK_LEN] = build_block();

const fn build_block() -> [Option<&'static str>; BLOCK_LEN] {
    let mut block = [None; BLOCK_LEN];
    let mut i = 0;
    while i < TABLE.len() {
        let (c, latin) = TABLE[i];
        let code = c as u32;
        assert!(
            code >= BLOCK_START && code < BLOCK_START + BLOCK_LEN as u32,
            "translit table: letter outside the Cyrillic block"
        );
        let slot = (code - BLOCK_START) as usize;
        assert!(block[slot].is_none(), "translit table: letter listed twice");
        block[slot] = Some(latin);
        i += 1;
    }
    block
}

/// The Latin rendering of a lower-case Cyrillic letter, or `None` if `c` is not one the table
/// knows (an upper-case letter, a letter of another script, punctuation).
pub(crate) fn cyrillic_to_latin(c: char) -> Option<&'static str> {
    let offset = (c as u32).wrapping_sub(BLOCK_START) as usize;
    BLOCK.get(offset).copied().flatten()
}

/// Latin letters that have no Unicode decomposition, spelled with plain letters.
const LATIN_EXTRA: &[(char, &str)] = &[
    ('ß', "ss"),
    ('æ', "ae"),
    ('œ', "oe"),
    ('ø', "o"),
    ('ł', "l"),
    ('đ', "d"),
    ('ð', "d"),
    ('þ', "th"),
    ('ı', "i"),
    ('ħ', "h"),
];

/// Plain spelling of a lower-case Latin letter without a decomposition (`ß`, `ø`, `ł` ...).
pub(crate) fn latin_extra(c: char) -> Option<&'static str> {
    if c.is_ascii() {
        return None;
    }
    LATIN_EXTRA
        .iter()
        .find(|(letter, _)| *letter == c)
        .map(|(_, plain)| *plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_russian_letter_is_in_the_table() {
        for c in "абвгдеёжзийклмнопрстуфхцчшщъыьэюя".chars() {
            assert!(cyrillic_to_latin(c).is_some(), "{c} missing");
        }
    }

    #[test]
    fn only_lower_case_and_cyrillic_is_mapped() {
        assert_eq!(cyrillic_to_latin('Ж'), None);
        assert_eq!(cyrillic_to_latin('z'), None);
        assert_eq!(cyrillic_to_latin('\u{3000}'), None);
        assert_eq!(cyrillic_to_latin(char::MAX), None);
        assert_eq!(cyrillic_to_latin('щ'), Some("shch"));
        assert_eq!(cyrillic_to_latin('ь'), Some(""));
    }

    #[test]
    fn table_outputs_are_lower_case_ascii() {
        for (c, latin) in TABLE.iter().chain(LATIN_EXTRA) {
            assert!(
                latin.bytes().all(|b| b.is_ascii_lowercase()),
                "{c} -> {latin}"
            );
            assert_eq!(c.to_lowercase().next(), Some(*c), "{c} is not lower case");
        }
    }

    #[test]
    fn latin_extras() {
        assert_eq!(latin_extra('ß'), Some("ss"));
        assert_eq!(latin_extra('s'), None);
        assert_eq!(latin_extra('ж'), None);
    }
}
