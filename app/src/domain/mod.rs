//! Pure domain logic for Jiebang: validation, money, time and state
//! machines. Nothing here does IO, so it runs unchanged on the server and
//! in the browser and is cheap to unit-test.

pub mod achievement;
pub mod attachment;
pub mod bid;
pub mod call;
pub mod contract;
pub mod credit_code;
pub mod demand;
pub mod lifecycle;
pub mod money;
pub mod review;
pub mod role;
pub mod stage_review;
pub mod stats;
pub mod stats_facts;
pub mod target;
pub mod task;
pub mod text;
pub mod time;
pub mod workdays;

pub use credit_code::{CreditCode, CreditCodeError};
pub use demand::{DemandAction, DemandStatus, IpPreference, TransitionError, Trl, TrlError};
pub use money::{BudgetRange, Fen, MoneyError};
pub use role::{OrgType, Role};
pub use text::TextError;
pub use time::DeadlineError;
