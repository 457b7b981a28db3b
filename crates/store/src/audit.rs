//! The audit log's storage. (Filled in by the audit work of issue 3.)

use async_trait::async_trait;

/// The append-only, hash-chained audit log.
#[async_trait]
pub trait AuditStore: Send + Sync + 'static {}

/// Expands `impl AuditStore for $store` over the engine `$db`.
macro_rules! impl_audit_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::AuditStore for $store {}
    };
}

pub(crate) use impl_audit_store;
