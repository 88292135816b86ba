//! Building blocks of the `gateway` model (an authenticated, rate-limited
//! gateway fleet facing bad actors), which is not yet in the catalog:
//! [`token`], HMAC-SHA256 bearer tokens with rotating keys, and [`rate`],
//! rate limits that hold across the fleet with a stated error bound.

pub mod rate;
pub mod token;
