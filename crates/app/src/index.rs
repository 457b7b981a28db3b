//! The in-memory name index: built after unseal from every live case's opened names, kept up
//! to date by the use cases that add and purge cases. Only name skeletons are held.

use std::time::{Duration, Instant};

use corridor_core::CaseId;
use corridor_screen::NameIndex;

use crate::sealing::open_names;
use crate::{Corridor, Result};

/// How long the last index build took, for the benchmark and the start-up log.
#[derive(Clone, Copy, Debug)]
pub struct IndexStats {
    pub cases: usize,
    pub read: Duration,
    pub unseal_and_index: Duration,
}

impl Corridor {
    /// Reads every live case's sealed names, opens them and rebuilds the index.
    pub async fn rebuild_index(&self) -> Result<IndexStats> {
        let started = Instant::now();
        let rows = self.store.sealed_names().await?;
        let read = started.elapsed();
        let started = Instant::now();
        let mut index = NameIndex::with_capacity(rows.len());
        for row in &rows {
            let names = open_names(&self.root, row.id, &row.wrapped_key, &row.names)?;
            index.insert(row.id, names.iter().map(|n| n.text()));
        }
        let stats = IndexStats {
            cases: rows.len(),
            read,
            unseal_and_index: started.elapsed(),
        };
        *self.index.write().unwrap_or_else(|p| p.into_inner()) = index;
        tracing::info!(
            cases = stats.cases,
            read_ms = stats.read.as_millis() as u64,
            unseal_and_index_ms = stats.unseal_and_index.as_millis() as u64,
            "name index built"
        );
        Ok(stats)
    }

    /// Case ids whose names match the query, best first.
    pub fn search_names(&self, query: &str, limit: usize) -> Vec<CaseId> {
        self.index
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .search(query, limit)
            .into_iter()
            .map(|hit| hit.id)
            .collect()
    }

    pub(crate) fn index_names<'a>(&self, id: CaseId, names: impl IntoIterator<Item = &'a str>) {
        self.index
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, names);
    }

    pub(crate) fn unindex(&self, id: CaseId) {
        self.index
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }
}
