//! Selects among 100,000 synthetic family units: sizes 1 to 6 skewed towards small families
//! (about 35% single people, 25% couples, then 17%, 12%, 7%, 4%), values from eight bands and
//! a coarse score, with many exact ties, from a deterministic xorshift RNG. Times capacities
//! of 100, 1,000 (the issue's) and 5,000 persons; five rounds each, median and best printed.
//! Run with `cargo bench -p corridor-core --bench select`.
//!
//! Measured on a 2-core development VM (AMD EPYC, load average about 2 from other builds),
//! median of five rounds over three runs:
//!
//! | capacity | median       | chosen units |
//! |----------|--------------|--------------|
//! | 100      | 4.8–5.5 ms   | 34           |
//! | 1,000    | 15.0–15.2 ms | 334          |
//! | 5,000    | 276–350 ms   | 1,753        |
//!
//! At capacity 100 the DP is tiny, so its time is mostly ranking the 100,000 units by size and
//! value; beyond that the DP over about capacity × 2.45 candidates grows with capacity².

use std::hint::black_box;
use std::time::{Duration, Instant};

use corridor_core::selection::{Capacity, Unit, Units, select};

const UNITS: usize = 100_000;
const ROUNDS: usize = 5;
const CAPACITIES: [u32; 3] = [100, 1_000, 5_000];

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn family_size(rng: &mut Rng) -> u32 {
    // Cumulative percentages of sizes 1 to 6.
    const CUMULATIVE: [u64; 6] = [35, 60, 77, 89, 96, 100];
    let roll = rng.below(100);
    CUMULATIVE.iter().position(|&c| roll < c).unwrap() as u32 + 1
}

fn units() -> Units {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let units = (0..UNITS)
        .map(|_| {
            let persons = family_size(&mut rng);
            // Objective in milli-points: a band (the risk level, say) and a coarse score in
            // steps of 250, so many units tie exactly, scaled by the family's size with a
            // slight premium for families: the best choice is a mix of sizes.
            const PER_SIZE: [u64; 6] = [100, 210, 320, 420, 520, 600];
            let band = rng.below(8) * 25_000;
            let score = rng.below(40) * 250;
            let value = (band + score) * PER_SIZE[persons as usize - 1] / 100;
            Unit { persons, value }
        })
        .collect();
    Units::new(units).expect("valid synthetic units")
}

fn main() {
    let started = Instant::now();
    let units = units();
    println!(
        "{UNITS} units built in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    for capacity in CAPACITIES {
        let capacity = Capacity::new(capacity).expect("within the limit");
        let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS);
        let mut chosen = 0;
        for _ in 0..ROUNDS {
            let started = Instant::now();
            let selection = select(black_box(&units), capacity);
            times.push(started.elapsed());
            let selection = black_box(selection);
            chosen = selection.selected.len();
        }
        times.sort();
        println!(
            "capacity {:>5}: median {:>8.2} ms, best {:>8.2} ms ({chosen} units chosen)",
            capacity.get(),
            times[ROUNDS / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
        );
    }
}
