//! Facts about each cloud's Redis service (sizes, versions, names, limits), shared by the
//! rules that check specs and the targets that render them.

pub mod aws;
