//! Shrinking: from a failing fault plan to the smallest that still fails,
//! and the story it tells: delta debugging, episodes, the essence,
//! reshaping past 1-minimal, narrowing partitions, the one pipeline
//! (`smallest`), and the story.

pub mod episode;
pub mod essence;
pub mod narrow;
pub mod reshape;
pub mod shrink;
pub mod smallest;
pub mod story;
