//! Loading many manifest versions on every core, for `roa-diff log`: one history has thousands
//! of versions, and parsing them is most of its time (docs/performance.md, target 3).
//!
//! The loads run on worker threads while the calling thread goes on walking the history,
//! reading blobs and comparing the versions already loaded: reading git and comparing then
//! overlap the parsing instead of leaving the other cores idle between batches.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::error::Result;
use crate::load::{LoadOptions, Source};
use crate::report::{load_manifest, Loaded};

/// Loads sources with [`load_manifest`] on one worker thread per core, in the background.
/// Results come back through [`Loader::next_done`] in the order the loads finish.
pub struct Loader<K> {
    /// `None` once dropped, which tells the workers to stop.
    jobs: Option<Sender<(K, Source)>>,
    results: Receiver<(K, Result<Loaded>)>,
    /// Set on drop: queued jobs nobody will ask for (e.g. output closed) are not loaded.
    stop: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
    /// Loaded on the calling thread, when no worker thread could be started.
    done_here: VecDeque<(K, Result<Loaded>)>,
    options: LoadOptions,
    /// Jobs submitted whose results have not been taken yet.
    pending: usize,
}

impl<K: Send + 'static> Loader<K> {
    pub fn new(options: &LoadOptions) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (jobs, queue) = channel::<(K, Source)>();
        let (done, results) = channel();
        let queue = Arc::new(Mutex::new(queue));
        let stop = Arc::new(AtomicBool::new(false));
        // As many workers as cores: the calling thread mostly waits for them.
        let workers = (0..cores)
            .filter_map(|n| {
                let (queue, done, stop) = (queue.clone(), done.clone(), stop.clone());
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
                        if done.send((key, load_manifest(source, &options))).is_err() {
                            return;
                        }
                    })
                    // No thread to be had: the others (or the calling thread) take its share.
                    .ok()
            })
            .collect();
        Loader {
            jobs: Some(jobs),
            results,
            stop,
            workers,
            done_here: VecDeque::new(),
            options: options.clone(),
            pending: 0,
        }
    }

    /// Queues one load; it starts as soon as a worker is free.
    pub fn submit(&mut self, key: K, source: Source) {
        self.pending += 1;
        if self.workers.is_empty() {
            let loaded = load_manifest(source, &self.options);
            self.done_here.push_back((key, loaded));
        } else if let Some(jobs) = &self.jobs {
            // The workers only stop once `jobs` is dropped, so the send cannot fail.
            let _ = jobs.send((key, source));
        }
    }

    /// The next finished load, waiting for one if need be; `None` when none is pending.
    pub fn next_done(&mut self) -> Option<(K, Result<Loaded>)> {
        if self.pending == 0 {
            return None;
        }
        let next = match self.done_here.pop_front() {
            Some(done) => Some(done),
            None => self.results.recv().ok(),
        };
        match next {
            Some(_) => self.pending -= 1,
            // Every worker has gone: one panicked, and its panic is raised here.
            None => {
                self.join();
                self.pending = 0;
            }
        }
        next
    }

    fn join(&mut self) {
        self.jobs = None;
        for worker in self.workers.drain(..) {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
    }
}

impl<K> Drop for Loader<K> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.jobs = None;
        // Not joined: a worker may be in the middle of a load nobody needs any more, and it
        // ends at its next job (or with the process).
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
                        l.model.app_id,
                        Some(format!("ari:cloud:ecosystem::app/{i}"))
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
}
