//! Spellings that must meet, and names that must not.

use corridor_screen::{NameIndex, fold_token, name_tokens};

fn assert_all_meet(spellings: &[&str]) {
    let first = name_tokens(spellings[0]);
    assert!(!first.is_empty(), "{} folds to nothing", spellings[0]);
    for s in &spellings[1..] {
        assert_eq!(name_tokens(s), first, "{s} vs {}", spellings[0]);
    }
}

#[test]
fn domain_examples_meet() {
    // DOMAIN.md "Russian names": ICAO, BGN/PCGN, scholarly, French, German, popular, Cyrillic
    assert_all_meet(&["Юлия", "Iuliia", "Yuliya", "Julija", "Iouliia", "Yulia"]);
    assert_all_meet(&["Яшин", "Iashin", "Yashin", "Jašin", "Iachine", "Jaschin"]);
    assert_all_meet(&[
        "Навальная",
        "Navalnaya",
        "Nawalnaja",
        "Navalnaia",
        "Naval’naya",
    ]);
    assert_all_meet(&[
        "Юлия Навальная",
        "Yulia Navalnaya",
        "Iuliia Navalnaia",
        "Julija Nawalnaja",
    ]);
}

#[test]
fn popular_and_passport_spellings_meet() {
    for spellings in [
        &["Пётр", "Petr", "Pyotr", "Pjotr", "Piotr"][..],
        &["Фёдор", "Fedor", "Fyodor", "Fjodor"],
        &["Семён", "Semen", "Semyon", "Semjon"],
        &[
            "Алексей",
            "Aleksei",
            "Aleksey",
            "Alexei",
            "Alexey",
            "Aleksej",
        ],
        &["Оксана", "Oksana", "Oxana"],
        &["Виктор", "Viktor", "Victor"],
        &[
            "Евгений",
            "Evgenii",
            "Yevgeniy",
            "Evgeny",
            "Jewgeni",
            "Ievgueni",
        ],
        &["Сергей", "Sergei", "Sergey", "Serguei", "Sergej"],
        &[
            "Дмитрий",
            "Dmitrii",
            "Dmitriy",
            "Dmitry",
            "Dmitri",
            "Dmitrij",
        ],
        &["Наталья", "Natalia", "Natalya", "Natal'ya", "Natalja"],
        &["Илья", "Ilia", "Ilya", "Il'ya", "Ilja"],
        &["Елена", "Elena", "Yelena", "Jelena"],
        &[
            "Хрущёв",
            "Khrushchev",
            "Khrushchyov",
            "Khrouchtchev",
            "Xruščëv",
        ],
        &[
            "Горбачёв",
            "Gorbachev",
            "Gorbachov",
            "Gorbatschow",
            "Gorbatchev",
        ],
        &[
            "Васильев",
            "Vasilev",
            "Vasilyev",
            "Vasiliev",
            "Wassiljew",
            "Vassilieff",
        ],
        &[
            "Чайковский",
            "Chaikovskii",
            "Tchaikovsky",
            "Tschaikowski",
            "Čajkovskij",
        ],
        &[
            "Достоевский",
            "Dostoevskii",
            "Dostoyevsky",
            "Dostojewski",
            "Dostoïevski",
        ],
        &["Ельцин", "Eltsin", "Yeltsin", "El'cin"],
        &["Щукин", "Shchukin", "Chtchoukine", "Schtschukin", "Ščukin"],
        &["Жуков", "Zhukov", "Joukov", "Žukov"],
        &["Смирнов", "Smirnov", "Smirnoff", "Smirnow"],
        &["Рахманинов", "Rakhmaninov", "Rakhmaninoff", "Rahmaninov"],
        &[
            "Зеленский",
            "Zelenskiy",
            "Zelensky",
            "Zelenskyy",
            "Zelenskii",
        ],
    ] {
        assert_all_meet(spellings);
    }
}

#[test]
fn case_order_and_punctuation() {
    assert_eq!(name_tokens("SIDOROV, Ivan"), name_tokens("Сидоров Иван"));
    assert_eq!(name_tokens("Ivan  Sidorov"), ["ivan", "sidorov"]);
    assert_eq!(
        name_tokens("Римский-Корсаков"),
        name_tokens("Rimsky-Korsakov")
    );
    assert_eq!(name_tokens("Rimsky-Korsakov").len(), 2);
    assert_eq!(
        name_tokens("Ob\"yedkov Il'ya"),
        name_tokens("Объедков Илья")
    );
    assert!(name_tokens("").is_empty());
    assert!(name_tokens(" ,.-/ ").is_empty());
    assert!(name_tokens("ъ").is_empty());
}

#[test]
fn fold_token_is_one_word_of_name_tokens() {
    for word in ["Iachine", "Щеглова", "O'Brien", "Jašin", "ДЖУГАШВИЛИ"] {
        assert_eq!(vec![fold_token(word)], name_tokens(word), "{word}");
    }
}

#[test]
fn different_names_stay_apart() {
    for (a, b) in [
        ("Sidorov", "Sidorova"),
        ("Сидоров", "Sidorova"),
        ("Andrei", "Alexei"),
        ("Андрей", "Алексей"),
        ("Olga", "Oleg"),
        ("Baranova", "Baranov"),
        ("Navalny", "Navalnaya"),
        ("Khodorkovsky", "Khodorkovskaya"),
        ("Ilyin", "Ilyina"),
        ("Yury", "Mikhail"),
        ("Nikolai", "Dmitry"),
        ("Ivan", "Iana"),
    ] {
        assert_ne!(fold_token(a), fold_token(b), "{a} vs {b}");
    }
}

#[test]
fn near_names_are_not_found_for_each_other() {
    let mut index = NameIndex::new();
    index.insert(1u32, ["Oleg Baranov", "Олег Баранов"]);
    index.insert(2u32, ["Андрей Петров"]);
    index.insert(3u32, ["Yury Kovalchuk"]);
    index.insert(4u32, ["Nikolai Patrushev"]);
    assert!(index.search("Olga Baranova", 10).is_empty());
    assert!(index.search("Ольга Баранова", 10).is_empty());
    assert!(index.search("Alexei Petrov", 10).is_empty());
    assert!(index.search("Mikhail Kovalchuk", 10).is_empty());
    assert!(index.search("Dmitry Patrushev", 10).is_empty());
}
