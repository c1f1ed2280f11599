//! Loading many manifest versions on every core, for `roa-diff log`: one history has thousands
//! of versions, and parsing them is most of its time (docs/performance.md, target 3).
//!
//! The loads run on worker threads (one per core but one) while the calling thread goes on
//! walking the history and comparing the versions already loaded, and on the calling thread
//! itself whenever it would wait for one: walking and comparing then overlap the reading and
//! parsing, and no more threads compete for the cores than there are cores (with a loader per
//! core, the walking thread, which the whole pipeline waits for, got two thirds of a core). A
//! loader reads the blobs it loads from its own handle on the repository (a
//! `git2::Repository` is not shared between threads).

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, TryLockError};

use git2::{Oid, Repository};

use crate::error::Result;
use crate::git::apps::APP_ID_PREFIX;
use crate::git::snapshot::read_blob;
use crate::load::{LoadOptions, Source};
use crate::report::{load_manifest_with, Loaded};
use crate::sections::SectionCache;

/// What a worker loads.
enum Job {
    Text(Source),
    /// A blob of the loader's repository, and the name its messages give it.
    Blob(Oid, String),
}

/// What became of a job: `None` for a blob the worker did not load (unreadable, or no Forge app
/// id in it), which the caller reads itself if it needs it, to report it as it always does.
type Done = Option<Result<Loaded>>;

/// Loads sources with [`load_manifest_with`] in the background, on one worker thread per core
/// but one, and on the calling thread whenever it would otherwise wait for a result (it takes
/// the next queued job): as many threads load as there are cores, and the calling thread, which
/// walks the history, never competes with two loaders for a core. Results come back through
/// [`Loader::next_done`] in the order the loads finish, without their text
/// (`Loaded::source.text` is empty): `log` shows none, and the texts of thousands of versions
/// were most of its memory.
pub struct Loader<K> {
    /// Dropped with the loader, which ends the workers.
    jobs: Sender<(K, Job)>,
    results: Receiver<(K, std::thread::Result<Done>)>,
    /// Set on drop: queued jobs nobody will ask for (e.g. output closed) are not loaded.
    stop: Arc<AtomicBool>,
    /// How many worker threads could be started.
    workers: usize,
    /// The job queue the workers share, from which the calling thread takes jobs too.
    queue: Arc<Mutex<Receiver<(K, Job)>>>,
    /// Loaded on the calling thread, when no worker thread could be started.
    done_here: VecDeque<(K, Done)>,
    /// How the calling thread loads.
    here: Loading,
    /// Jobs submitted whose results have not been taken yet.
    pending: usize,
}

/// What one loading thread loads with: the same options, load and section cache as the others
/// (consecutive versions share most of their sections, whichever thread loads them), and its
/// own handle on the repository, opened at its first blob job (a `git2::Repository` is not
/// shared between threads).
struct Loading {
    options: LoadOptions,
    load: Load,
    sections: Arc<SectionCache>,
    /// Where blob jobs are read from.
    repository: Option<PathBuf>,
    opened: Option<Option<Repository>>,
}

impl Loading {
    /// The same, for another thread (with a handle of its own).
    fn for_another_thread(&self) -> Loading {
        Loading {
            options: self.options.clone(),
            load: self.load,
            sections: self.sections.clone(),
            repository: self.repository.clone(),
            opened: None,
        }
    }

    fn run(&mut self, job: Job) -> Done {
        let repo = match &job {
            Job::Blob(..) => {
                let path = self.repository.as_ref();
                let opened = self
                    .opened
                    .get_or_insert_with(|| path.and_then(|p| Repository::open(p).ok()));
                opened.as_ref()
            }
            Job::Text(_) => None,
        };
        let source = source_of(job, repo, &self.options)?;
        Some((self.load)(source, &self.options, Some(&self.sections)).map(without_text))
    }
}

/// What a worker does with each source: [`load_manifest_with`] and the shared section cache,
/// or a stand-in in tests.
type Load = fn(Source, &LoadOptions, Option<&SectionCache>) -> Result<Loaded>;

impl<K: Send + 'static> Loader<K> {
    /// A loader of texts and of the blobs of the repository at `repository` (its git
    /// directory, `Repository::path`), when given.
    pub fn new(options: &LoadOptions, repository: Option<PathBuf>) -> Self {
        Self::with(options, repository, load_manifest_with)
    }

    fn with(options: &LoadOptions, repository: Option<PathBuf>, load: Load) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (jobs, queue) = channel::<(K, Job)>();
        let (done, results) = channel();
        let queue = Arc::new(Mutex::new(queue));
        let stop = Arc::new(AtomicBool::new(false));
        let here = Loading {
            options: options.clone(),
            load,
            sections: Arc::new(SectionCache::new()),
            repository,
            opened: None,
        };
        // The calling thread is the last loader (see `next_done`).
        let workers = (1..cores)
            .filter_map(|n| {
                let (queue, done, stop) = (queue.clone(), done.clone(), stop.clone());
                let mut loading = here.for_another_thread();
                std::thread::Builder::new()
                    .name(format!("roa-diff-load-{n}"))
                    .spawn(move || loop {
                        let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok((key, job)) = job else {
                            return;
                        };
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        // A panic goes back with the job, to be raised on the calling thread: the
                        // other workers would otherwise keep it waiting for this result forever.
                        let loaded =
                            std::panic::catch_unwind(AssertUnwindSafe(|| loading.run(job)));
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
            queue,
            done_here: VecDeque::new(),
            here,
            pending: 0,
        }
    }

    /// Queues the load of a text; it starts as soon as a worker is free.
    pub fn submit(&mut self, key: K, source: Source) {
        self.queue(key, Job::Text(source));
    }

    /// Queues the load of a blob of the repository, which a worker reads, and loads only if it
    /// holds a Forge app id (see `Done`). `name` is what its messages call it.
    pub fn submit_blob(&mut self, key: K, id: Oid, name: String) {
        self.queue(key, Job::Blob(id, name));
    }

    fn queue(&mut self, key: K, job: Job) {
        self.pending += 1;
        if self.workers == 0 {
            let loaded = self.here.run(job);
            self.done_here.push_back((key, loaded));
        } else {
            // The workers only stop once `jobs` is dropped, so the send cannot fail.
            let _ = self.jobs.send((key, job));
        }
    }

    /// The next finished load, waiting for one if need be; `None` when none is pending.
    pub fn next_done(&mut self) -> Option<(K, Done)> {
        if self.pending == 0 {
            return None;
        }
        let from_worker = |received: (K, std::thread::Result<Done>)| match received {
            (key, Ok(loaded)) => (key, loaded),
            (_, Err(panic)) => std::panic::resume_unwind(panic),
        };
        let next = if let Some(done) = self.done_here.pop_front() {
            Some(done)
        } else if let Ok(received) = self.results.try_recv() {
            Some(from_worker(received))
        } else if let Some((key, job)) = self.take_queued() {
            // Nothing finished yet: load the next queued job here rather than wait.
            Some((key, self.here.run(job)))
        } else {
            // The workers only stop once `jobs` is dropped, which `self` has not done.
            self.results.recv().ok().map(from_worker)
        };
        self.pending = if next.is_some() { self.pending - 1 } else { 0 };
        next
    }

    /// The next queued job, unless the queue is empty or a worker holds it (waiting for a job:
    /// then it is empty too).
    fn take_queued(&self) -> Option<(K, Job)> {
        let queue = match self.queue.try_lock() {
            Ok(queue) => queue,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
        queue.try_recv().ok()
    }
}

fn without_text(mut loaded: Loaded) -> Loaded {
    loaded.source.text = String::new();
    loaded
}

/// The text a job loads: a blob read from `repo`, when it can be and holds a Forge app id (a
/// text without one is never parsed: see `git::apps::recognize`).
fn source_of(job: Job, repo: Option<&Repository>, options: &LoadOptions) -> Option<Source> {
    match job {
        Job::Text(source) => Some(source),
        Job::Blob(id, name) => read_blob(repo?, name, id, options.max_bytes)
            .ok()
            .filter(|source| source.text.contains(APP_ID_PREFIX)),
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
        let mut loader = Loader::new(&LoadOptions::default(), None);
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
            match loaded.expect("a text is always loaded") {
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
    fn workers_read_blobs_and_load_only_forge_manifests() {
        let dir = std::env::temp_dir().join(format!("roa-diff-loader-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let repo = Repository::init(&dir).unwrap();
        let id = "ari:cloud:ecosystem::app/7";
        let blob = |text: &str| repo.blob(text.as_bytes()).unwrap();
        let manifest = blob(&format!(
            "app:\n  id: {id}\nremotes:\n  - key: r\n    baseUrl: https://r.example\n"
        ));
        let broken = blob(&format!("app: [{id}\n"));
        let other = blob("jobs:\n  build: {}\n");
        let missing = Oid::from_str("0123456789012345678901234567890123456789").unwrap();
        let jobs = [manifest, broken, other, missing];
        for repository in [Some(repo.path().to_path_buf()), None] {
            let mut loader = Loader::new(&LoadOptions::default(), repository.clone());
            for (i, id) in jobs.iter().enumerate() {
                loader.submit_blob(i, *id, format!("v{i}:manifest.yml"));
            }
            let mut done: Vec<_> = std::iter::from_fn(|| loader.next_done()).collect();
            done.sort_by_key(|(i, _)| *i);
            let done: Vec<_> = done.into_iter().map(|(_, d)| d).collect();
            if repository.is_none() {
                assert!(done.iter().all(Option::is_none), "no repository, no blob");
                continue;
            }
            let loaded = done[0].as_ref().unwrap().as_ref().unwrap();
            assert_eq!(loaded.model.app_id(), Some(id));
            assert_eq!(loaded.model.remotes[0].key, "r");
            let error = done[1].as_ref().unwrap().as_ref().unwrap_err();
            assert_eq!(error.file, "v1:manifest.yml");
            assert!(done[2].is_none(), "no Forge app id: not loaded");
            assert!(done[3].is_none(), "unreadable: left to the caller");
        }
        std::fs::remove_dir_all(&dir).unwrap();
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
        let mut loader = Loader::with(&LoadOptions::default(), None, load);
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
