//! Loading many manifest versions on every core, for `roa-diff log`: one history has thousands
//! of versions, and parsing them is most of its time (docs/performance.md, target 3).

use std::sync::Mutex;

use crate::error::Result;
use crate::load::{LoadOptions, Source};
use crate::report::{load_manifest, Loaded};

/// Loads every source with [`load_manifest`] on as many threads as there are cores (the
/// calling thread is one of them) and returns the results with their keys, in the order of
/// `jobs`.
pub fn load_all<K: Send>(
    jobs: Vec<(K, Source)>,
    options: &LoadOptions,
) -> Vec<(K, Result<Loaded>)> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let count = jobs.len();
    let threads = cores.min(count);
    // Threads take the next job when done with one, so a busy core takes fewer.
    let queue = Mutex::new(jobs.into_iter().enumerate());
    let work = || {
        let mut done = Vec::new();
        loop {
            let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
            let Some((index, (key, source))) = next else {
                return done;
            };
            done.push((index, key, load_manifest(source, options)));
        }
    };
    let mut results = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|n| {
                std::thread::Builder::new()
                    .name(format!("roa-diff-load-{n}"))
                    .spawn_scoped(scope, work)
                    // No thread to be had: the others take its share.
                    .ok()
            })
            .collect();
        let mut results = work();
        for helper in helpers {
            let done = helper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            results.extend(done);
        }
        results
    });
    results.sort_unstable_by_key(|(index, _, _)| *index);
    debug_assert_eq!(results.len(), count);
    results
        .into_iter()
        .map(|(_, key, loaded)| (key, loaded))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_once_in_order_with_its_own_result() {
        let jobs: Vec<(usize, Source)> = (0..40)
            .map(|i| {
                let text = if i % 7 == 3 {
                    format!("app: [{i}\n")
                } else {
                    format!("app:\n  id: ari:cloud:ecosystem::app/{i}\n")
                };
                let name = format!("v{i}.yml");
                (i, Source { name, text })
            })
            .collect();
        let results = load_all(jobs, &LoadOptions::default());
        assert_eq!(results.len(), 40);
        for (i, (key, loaded)) in results.into_iter().enumerate() {
            assert_eq!(key, i);
            match loaded {
                Ok(l) => {
                    assert_ne!(i % 7, 3);
                    assert_eq!(
                        l.model.app_id,
                        Some(format!("ari:cloud:ecosystem::app/{i}"))
                    );
                }
                Err(e) => {
                    assert_eq!(i % 7, 3);
                    assert_eq!(e.file, format!("v{i}.yml"));
                }
            }
        }
        assert!(load_all(Vec::<((), Source)>::new(), &LoadOptions::default()).is_empty());
    }
}
