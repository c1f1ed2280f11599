//! Loading many manifest versions on every core, for `roa-diff log`: one history has thousands
//! of versions, and parsing them is most of its time (docs/performance.md, target 3).
//!
//! The loads run on worker threads while the calling thread goes on walking the history,
//! reading blobs and comparing the versions already loaded: reading git and comparing then
//! overlap the parsing instead of leaving the other cores idle between batches.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

use crate::error::Result;
use crate::load::{LoadOptions, Source};
use crate::report::{load_manifest_with, Loaded};
use crate::sections::SectionCache;

/// Loads sources with [`load_manifest_with`] on one worker thread per core, in the background.
/// Results come back through [`Loader::next_done`] in the order the loads finish.
pub struct Loader<K> {
    /// Dropped with the loader, which ends the workers.
    jobs: Sender<(K, Source)>,
    results: Receiver<(K, std::thread::Result<Result<Loaded>>)>,
    /// Set on drop: queued jobs nobody will ask for (e.g. output closed) are not loaded.
    stop: Arc<AtomicBool>,
    /// How many worker threads could be started.
    workers: usize,
    /// Loaded on the calling thread, when no worker thread could be started.
    done_here: VecDeque<(K, Result<Loaded>)>,
    options: LoadOptions,
    load: Load,
    /// Shared by the workers: consecutive versions share most of their sections, whichever
    /// worker loads them.
    sections: Arc<SectionCache>,
    /// Jobs submitted whose results have not been taken yet.
    pending: usize,
}

/// What a worker does with each source: [`load_manifest_with`] and the shared section cache,
/// or a stand-in in tests.
type Load = fn(Source, &LoadOptions, Option<&SectionCache>) -> Result<Loaded>;

impl<K: Send + 'static> Loader<K> {
    pub fn new(options: &LoadOptions) -> Self {
        Self::with(options, load_manifest_with)
    }

    fn with(options: &LoadOptions, load: Load) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (jobs, queue) = channel::<(K, Source)>();
        let (done, results) = channel();
        let queue = Arc::new(Mutex::new(queue));
        let stop = Arc::new(AtomicBool::new(false));
        let sections = Arc::new(SectionCache::new());
        // As many workers as cores: the calling thread mostly waits for them.
        let workers = (0..cores)
            .filter_map(|n| {
                let (queue, done, stop) = (queue.clone(), done.clone(), stop.clone());
                let sections = sections.clone();
                let options = options.clone();
                std::thread::Builder::new()
                    .name(format!("roa-diff-load-{n}"))
                    .spawn(move || loop {
                        let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok((key, source)) = job else {
                            return;
                        };
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        // A panic goes back with the job, to be raised on the calling thread: the
                        // other workers would otherwise keep it waiting for this result forever.
                        let loaded = std::panic::catch_unwind(AssertUnwindSafe(|| {
                            load(source, &options, Some(&sections))
                        }));
                        if done.send((key, loaded)).is_err() {
                            return;
                        }
                    })
                    // No thread to be had: the others (or the calling thread) take its share.
                    .ok()
            })
            .count();
        Loader {
            jobs,
            results,
            stop,
            workers,
            done_here: VecDeque::new(),
            options: options.clone(),
            load,
            sections,
            pending: 0,
        }
    }

    /// Queues one load; it starts as soon as a worker is free.
    pub fn submit(&mut self, key: K, source: Source) {
        self.pending += 1;
        if self.workers == 0 {
            let loaded = (self.load)(source, &self.options, Some(&self.sections));
            self.done_here.push_back((key, loaded));
        } else {
            // The workers only stop once `jobs` is dropped, so the send cannot fail.
            let _ = self.jobs.send((key, source));
        }
    }

    /// The next finished load, waiting for one if need be; `None` when none is pending.
    pub fn next_done(&mut self) -> Option<(K, Result<Loaded>)> {
        if self.pending == 0 {
            return None;
        }
        let next = match self.done_here.pop_front() {
            Some(done) => Some(done),
            None => match self.results.recv() {
                Ok((key, Ok(loaded))) => Some((key, loaded)),
                Ok((_, Err(panic))) => std::panic::resume_unwind(panic),
                // The workers only stop once `jobs` is dropped, which `self` has not done.
                Err(_) => None,
            },
        };
        self.pending = if next.is_some() { self.pending - 1 } else { 0 };
        next
    }
}

impl<K> Drop for Loader<K> {
    fn drop(&mut self) {
        // Dropping `jobs` next ends the workers once the queue is empty; this ends them at
        // their next job. Not joined: a worker may be in the middle of a load nobody needs
        // any more, and it ends after it (or with the process).
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_once_with_its_own_result() {
        let mut loader = Loader::new(&LoadOptions::default());
        assert!(loader.next_done().is_none(), "nothing pending");
        for i in 0..40 {
            let text = if i % 7 == 3 {
                format!("app: [{i}\n")
            } else {
                format!("app:\n  id: ari:cloud:ecosystem::app/{i}\n")
            };
            let name = format!("v{i}.yml");
            loader.submit(i, Source { name, text });
        }
        let mut seen = Vec::new();
        while let Some((i, loaded)) = loader.next_done() {
            match loaded {
                Ok(l) => {
                    assert_ne!(i % 7, 3);
                    assert_eq!(
                        l.model.app_id(),
                        Some(format!("ari:cloud:ecosystem::app/{i}").as_str())
                    );
                }
                Err(e) => {
                    assert_eq!(i % 7, 3);
                    assert_eq!(e.file, format!("v{i}.yml"));
                }
            }
            seen.push(i);
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..40).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_load_is_raised_on_the_calling_thread() {
        fn load(
            source: Source,
            options: &LoadOptions,
            sections: Option<&SectionCache>,
        ) -> Result<Loaded> {
            assert!(!source.text.contains("boom"), "load failed");
            load_manifest_with(source, options, sections)
        }
        let mut loader = Loader::with(&LoadOptions::default(), load);
        for (i, text) in ["app: {}\n", "boom\n", "app: {}\n"].into_iter().enumerate() {
            let name = format!("v{i}.yml");
            loader.submit(
                i,
                Source {
                    name,
                    text: text.into(),
                },
            );
        }
        let drained =
            std::panic::catch_unwind(AssertUnwindSafe(|| while loader.next_done().is_some() {}));
        let panic = drained.expect_err("the panic reaches the caller instead of a hang");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"load failed"));
    }
}
