//! The in-memory name index searched after the store is unsealed.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::Hash;
use std::ops::{Bound, Range};
use std::sync::Arc;

use crate::fold::{Folder, name_tokens};

/// Shortest query token (in characters of its skeleton) that may match as a prefix.
const MIN_PREFIX_CHARS: usize = 3;

/// One search result. `score` is in `(0, 1]`: the mean over the query's tokens of 1.0 for an
/// exact token match and `0.5 + 0.4 * query_len / token_len` (so below 0.9) for a prefix match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchHit<Id> {
    pub id: Id,
    pub score: f32,
}

/// Internal number of an indexed id: posting lists hold these (4 bytes whatever `Id` is), and
/// ids inserted one after another get increasing slots, so building appends to the lists.
type Slot = u32;

#[derive(Clone)]
struct Entry<Id> {
    id: Id,
    /// Its distinct tokens over all its names, shared with the keys of `postings`.
    tokens: Box<[Arc<str>]>,
}

/// In-memory index: id -> names, searchable by (partial) name in any script or spelling.
///
/// It holds only skeleton tokens (see [`crate::name_tokens`]), never the names as given: a
/// sorted map from token to its posting list (sorted slot numbers standing for ids), which
/// also serves prefix search, and each id's tokens for removal. Its `Debug` shows the number
/// of ids and nothing else.
#[derive(Clone)]
pub struct NameIndex<Id> {
    /// token -> slots of the ids having it: ascending, no duplicates, never empty.
    postings: BTreeMap<Arc<str>, Vec<Slot>>,
    /// slot -> id and tokens; `None` for a free slot (listed in `free`).
    entries: Vec<Option<Entry<Id>>>,
    free: Vec<Slot>,
    slots: HashMap<Id, Slot>,
}

impl<Id> fmt::Debug for NameIndex<Id> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NameIndex")
            .field("len", &self.slots.len())
            .finish_non_exhaustive()
    }
}

impl<Id: Copy + Eq + Hash + Ord> Default for NameIndex<Id> {
    fn default() -> Self {
        Self::new()
    }
}

/// How one query token matched one of an id's tokens.
fn token_score(query: &QueryToken, token: &str) -> Option<f32> {
    if token == query.text {
        Some(1.0)
    } else if query.chars >= MIN_PREFIX_CHARS && token.starts_with(query.text.as_str()) {
        Some(prefix_score(query.chars, token))
    } else {
        None
    }
}

fn prefix_score(query_chars: usize, token: &str) -> f32 {
    let ratio = query_chars as f32 / token.chars().count().max(1) as f32;
    0.5 + 0.4 * ratio.min(1.0)
}

/// A query token with its length in characters.
struct QueryToken {
    text: String,
    chars: usize,
}

impl<Id: Copy + Eq + Hash + Ord> NameIndex<Id> {
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// Room for `n` ids without reallocating the per-id tables.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            postings: BTreeMap::new(),
            entries: Vec::with_capacity(n),
            free: Vec::new(),
            slots: HashMap::with_capacity(n),
        }
    }

    /// Indexes `id` under `names`, replacing whatever names it had. An id whose names yield no
    /// tokens is still counted by [`len`](Self::len) but cannot be found.
    pub fn insert<'a>(&mut self, id: Id, names: impl IntoIterator<Item = &'a str>) {
        self.remove(id);

        // all tokens of all names in one buffer, then sorted and deduplicated by range
        let mut folder = Folder::default();
        let mut text = String::new();
        let mut ranges: Vec<Range<usize>> = Vec::new();
        for name in names {
            folder.for_each_token(name, |token| {
                let start = text.len();
                text.push_str(token);
                ranges.push(start..text.len());
            });
        }
        ranges.sort_unstable_by(|a, b| text[a.clone()].cmp(&text[b.clone()]));
        ranges.dedup_by(|a, b| text[a.clone()] == text[b.clone()]);

        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => Slot::try_from(self.entries.len()).expect("fewer than 2^32 ids"),
        };
        let mut tokens = Vec::with_capacity(ranges.len());
        for range in ranges {
            let token = &text[range];
            let existing = self
                .postings
                .range_mut::<str, _>((Bound::Included(token), Bound::Included(token)))
                .next();
            let key = match existing {
                Some((key, slots)) => {
                    // new slots are the highest: append, unless a freed slot is reused
                    if slots.last().is_some_and(|&last| last < slot) {
                        slots.push(slot);
                    } else if let Err(at) = slots.binary_search(&slot) {
                        slots.insert(at, slot);
                    }
                    Arc::clone(key)
                }
                None => {
                    let key: Arc<str> = Arc::from(token);
                    self.postings.insert(Arc::clone(&key), vec![slot]);
                    key
                }
            };
            tokens.push(key);
        }

        let entry = Some(Entry {
            id,
            tokens: tokens.into_boxed_slice(),
        });
        match self.entries.get_mut(slot as usize) {
            Some(free) => *free = entry,
            None => self.entries.push(entry),
        }
        self.slots.insert(id, slot);
    }

    /// Forgets `id` and its names; nothing happens if it is not indexed.
    pub fn remove(&mut self, id: Id) {
        let Some(slot) = self.slots.remove(&id) else {
            return;
        };
        let Some(entry) = self.entries.get_mut(slot as usize).and_then(Option::take) else {
            return;
        };
        self.free.push(slot);
        for token in entry.tokens.iter() {
            let emptied = match self.postings.get_mut(&**token) {
                Some(slots) => {
                    if let Ok(at) = slots.binary_search(&slot) {
                        slots.remove(at);
                    }
                    slots.is_empty()
                }
                None => false,
            };
            if emptied {
                self.postings.remove(&**token);
            }
        }
        if self.slots.is_empty() {
            // nothing left: start numbering afresh
            self.entries.clear();
            self.free.clear();
        }
    }

    /// Number of ids indexed.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Every query token must match a token of one of the id's names (exact skeleton, or a
    /// prefix of at least 3 chars so "Sidor" finds "Sidorova"); word order does not matter.
    /// Ranked by score (exact token matches above prefix matches), then by id; at most `limit`.
    /// A query without tokens finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit<Id>> {
        let mut query: Vec<QueryToken> = name_tokens(query)
            .into_iter()
            .map(|text| QueryToken {
                chars: text.chars().count(),
                text,
            })
            .collect();
        query.sort_unstable_by(|a, b| a.text.cmp(&b.text));
        query.dedup_by(|a, b| a.text == b.text);
        if limit == 0 || self.is_empty() {
            return Vec::new();
        }

        // Candidates come from the query token with the fewest postings; the other tokens are
        // checked against each candidate's own (few) tokens.
        let Some(seed_at) = query
            .iter()
            .enumerate()
            .min_by_key(|(_, q)| self.posting_count(q))
            .map(|(at, _)| at)
        else {
            return Vec::new();
        };
        let seed = query.swap_remove(seed_at);
        let token_count = (query.len() + 1) as f32;

        let mut hits: Vec<SearchHit<Id>> = Vec::new();
        'candidate: for (slot, seed_score) in self.candidates(&seed) {
            let Some(Some(entry)) = self.entries.get(slot as usize) else {
                continue;
            };
            let mut total = seed_score;
            for q in &query {
                let best = entry
                    .tokens
                    .iter()
                    .filter_map(|token| token_score(q, token))
                    .max_by(f32::total_cmp);
                match best {
                    Some(score) => total += score,
                    None => continue 'candidate,
                }
            }
            hits.push(SearchHit {
                id: entry.id,
                score: total / token_count,
            });
        }

        let rank = |a: &SearchHit<Id>, b: &SearchHit<Id>| {
            b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id))
        };
        if hits.len() > limit {
            hits.select_nth_unstable_by(limit - 1, rank);
            hits.truncate(limit);
        }
        hits.sort_unstable_by(rank);
        hits
    }

    /// Posting lists a query token matches: its own (exact) and, when it is long enough, those
    /// of the tokens it is a prefix of.
    fn matching(&self, q: &QueryToken) -> impl Iterator<Item = (&str, &[Slot])> {
        let upper = if q.chars >= MIN_PREFIX_CHARS {
            Bound::Unbounded
        } else {
            Bound::Included(q.text.as_str())
        };
        self.postings
            .range::<str, _>((Bound::Included(q.text.as_str()), upper))
            .take_while(move |(token, _)| token.starts_with(q.text.as_str()))
            .map(|(token, slots)| (&**token, slots.as_slice()))
    }

    fn posting_count(&self, q: &QueryToken) -> usize {
        self.matching(q).map(|(_, slots)| slots.len()).sum()
    }

    /// Slots matching one query token with their best score for it, one entry per slot.
    fn candidates(&self, q: &QueryToken) -> Vec<(Slot, f32)> {
        let mut found: Vec<(Slot, f32)> = Vec::new();
        for (token, slots) in self.matching(q) {
            let score = if token == q.text {
                1.0
            } else {
                prefix_score(q.chars, token)
            };
            found.extend(slots.iter().map(|&slot| (slot, score)));
        }
        // best score first within a slot, then keep the first of each slot
        found.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.total_cmp(&a.1)));
        found.dedup_by_key(|(slot, _)| *slot);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<NameIndex<u128>>();
    }

    #[test]
    fn debug_shows_only_the_size() {
        let mut index = NameIndex::new();
        index.insert(1u32, ["Secret Person"]);
        let shown = format!("{index:?}");
        assert!(!shown.to_lowercase().contains("secret"), "{shown}");
        assert!(!shown.contains("person"), "{shown}");
        assert!(shown.contains("len: 1"), "{shown}");
    }

    #[test]
    fn postings_stay_sorted_and_tokens_shared() {
        let mut index = NameIndex::new();
        for id in [5u32, 1, 9, 3] {
            index.insert(id, ["Ivan Petrov"]);
        }
        assert_eq!(index.postings.len(), 2);
        for slots in index.postings.values() {
            assert_eq!(slots, &[0, 1, 2, 3]);
        }
        let (key, _) = index.postings.first_key_value().unwrap();
        // one allocation per token: the map key plus one reference per id
        assert_eq!(Arc::strong_count(key), 5);
    }

    #[test]
    fn freed_slots_are_reused_in_order() {
        let mut index = NameIndex::new();
        for id in 0u32..5 {
            index.insert(id, ["Ivan Petrov"]);
        }
        index.remove(1);
        index.remove(3);
        assert_eq!(index.postings["ivan"], [0, 2, 4]);
        index.insert(7, ["Ivan"]);
        index.insert(8, ["Ivan"]);
        assert_eq!(index.postings["ivan"], [0, 1, 2, 3, 4]);
        assert_eq!(index.postings["petrov"], [0, 2, 4]);
        assert_eq!(index.entries.len(), 5);
        // replacing keeps the count and the lists sorted
        index.insert(0, ["Petrov"]);
        assert_eq!(index.postings["ivan"], [1, 2, 3, 4]);
        assert_eq!(index.postings["petrov"], [0, 2, 4]);
        assert_eq!(index.len(), 5);
    }

    #[test]
    fn removing_the_last_holder_drops_the_token() {
        let mut index = NameIndex::new();
        index.insert(1u8, ["Ivan Petrov"]);
        index.insert(2u8, ["Ivan Sidorov"]);
        index.remove(2);
        assert!(!index.postings.contains_key("sidorov"));
        assert_eq!(index.postings["ivan"], vec![0]);
        index.remove(1);
        assert!(index.postings.is_empty());
        assert!(index.entries.is_empty());
        assert!(index.is_empty());
        index.remove(1);
    }

    #[test]
    fn prefix_scores_rank_below_exact() {
        assert!(prefix_score(3, "sidorova") < prefix_score(7, "sidorova"));
        assert!(prefix_score(7, "sidorova") < 0.9);
        assert!(prefix_score(3, "abc") <= 0.9);
    }
}
