//! Accounts, sessions and login throttling. (Filled in by the accounts work of issue 3.)

use async_trait::async_trait;

/// Users, their credentials, sessions and login attempts.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {}

/// Expands `impl AccountStore for $store` over the engine `$db`.
macro_rules! impl_account_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::AccountStore for $store {}
    };
}

pub(crate) use impl_account_store;
