//! Properties over random sizes and ranges (local directory only: many cases).

use corridor_crypto::CaseKey;
use proptest::prelude::*;

use crate::support::{Backend, CHUNK, data};

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_range_of_any_blob_reads_back_exactly(
        len in 0usize..(4 * CHUNK),
        start in 0.0f64..=1.0,
        fraction in 0.0f64..=1.0,
        seed in any::<u64>(),
    ) {
        let offset = (len as f64 * start) as usize;
        let n = ((len - offset) as f64 * fraction) as usize;
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let backend = Backend::local();
            let key = CaseKey::generate();
            let plain = data(len, seed);
            let receipt = backend.blobs.put(&key, &plain[..]).await.unwrap();
            prop_assert_eq!(receipt.length, len as u64);
            let whole = backend.blobs.get(&key, receipt.id).await.unwrap();
            prop_assert!(whole.read_to_end().await.unwrap()[..] == plain[..]);
            let range = backend
                .blobs
                .get_range(&key, receipt.id, offset as u64, n as u64)
                .await
                .unwrap();
            prop_assert!(range.read_to_end().await.unwrap()[..] == plain[offset..offset + n]);
            Ok(())
        })?;
    }
}
