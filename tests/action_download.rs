//! scripts/install.sh (the Action's install step) against a fake release served on 127.0.0.1:
//! the right checksum installs and is cached, a wrong or missing checksum is refused, a missing
//! asset fails clearly or falls back to a source build run outside the caller's directory.
#![cfg(unix)]

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use common::{root, scratch, stderr, stdout};

const TARGET: &str = "x86_64-unknown-linux-musl";

/// A minimal HTTP/1.1 file server: `files` by URL path, 404 for anything else; it records
/// every path asked for.
struct Server {
    base: String,
    requests: Arc<Mutex<Vec<String>>>,
}

fn serve(files: HashMap<String, Vec<u8>>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/releases", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&requests);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            // The rest of the head, up to the blank line.
            loop {
                let mut header = String::new();
                match reader.read_line(&mut header) {
                    Ok(n) if n > 2 => continue,
                    _ => break,
                }
            }
            seen.lock().unwrap().push(path.clone());
            let mut out = &stream;
            let (status, body) = match files.get(&path) {
                Some(body) => ("200 OK", body.as_slice()),
                None => ("404 Not Found", &b"not found"[..]),
            };
            let _ = write!(
                out,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = out.write_all(body);
        }
    });
    Server { base, requests }
}

/// A release archive packed by scripts/release-archive.sh (as the release workflow packs it)
/// around a stand-in binary that prints its version; the archive and its .sha256 line.
fn archive(dir: &Path, version: &str) -> (Vec<u8>, String) {
    let exe = dir.join("stand-in");
    std::fs::write(&exe, format!("#!/bin/sh\necho 'roa-diff {version}'\n")).unwrap();
    let out = dir.join("dist");
    run_ok(
        Command::new("bash")
            .arg(root().join("scripts/release-archive.sh"))
            .args([
                TARGET,
                exe.to_str().unwrap(),
                out.to_str().unwrap(),
                version,
            ]),
    );
    let name = format!("roa-diff-v{version}-{TARGET}.tar.gz");
    let sum = std::fs::read_to_string(out.join(format!("{name}.sha256"))).unwrap();
    assert!(sum.ends_with(&format!("  {name}\n")), "{sum}");
    (std::fs::read(out.join(name)).unwrap(), sum)
}

fn run_ok(cmd: &mut Command) {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{cmd:?}: {}", stderr(&o));
}

/// A fake release of `version`: the archive, and its .sha256 holding `checksum` (None: the
/// right one; Some(""): no checksum file at all).
fn release(dir: &Path, version: &str, checksum: Option<&str>) -> HashMap<String, Vec<u8>> {
    let (bytes, right) = archive(dir, version);
    let asset = format!("/releases/v{version}/roa-diff-v{version}-{TARGET}.tar.gz");
    let mut files = HashMap::new();
    let sum = match checksum {
        None => Some(right),
        Some("") => None,
        Some(other) => Some(format!("{other}  roa-diff-v{version}-{TARGET}.tar.gz\n")),
    };
    if let Some(sum) = sum {
        files.insert(format!("{asset}.sha256"), sum.into_bytes());
    }
    files.insert(asset, bytes);
    files
}

fn install(server: &Server, cwd: &Path, args: &[&str], path: Option<&Path>) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("scripts/install.sh"))
        .args(args)
        .current_dir(cwd)
        .env("ROA_DIFF_RELEASES", &server.base)
        .env("ROA_DIFF_TARGET", TARGET)
        .env_remove("RUNNER_TOOL_CACHE")
        .env_remove("RUSTUP_TOOLCHAIN");
    for proxy in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env_remove(proxy);
    }
    if let Some(dir) = path {
        let mut paths = vec![dir.to_path_buf()];
        paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap()));
        cmd.env("PATH", std::env::join_paths(paths).unwrap());
    }
    cmd.output().unwrap()
}

fn dest(dir: &Path) -> PathBuf {
    dir.join("tool-cache/roa-diff")
}

#[test]
fn the_right_checksum_installs_and_a_second_run_uses_the_cache() {
    let dir = scratch("download-ok");
    let server = serve(release(&dir, "9.9.9", None));
    let dest = dest(&dir);
    let args = ["--version", "v9.9.9", "--dest", dest.to_str().unwrap()];
    let o = install(&server, &dir, &args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().last(), Some(dest.to_str().unwrap()));
    assert!(stderr(&o).contains("roa-diff 9.9.9 (x86_64-unknown-linux-musl) installed"));
    let ran = Command::new(dest.join("roa-diff")).output().unwrap();
    assert_eq!(stdout(&ran), "roa-diff 9.9.9\n");
    assert_eq!(
        *server.requests.lock().unwrap(),
        [
            "/releases/v9.9.9/roa-diff-v9.9.9-x86_64-unknown-linux-musl.tar.gz",
            "/releases/v9.9.9/roa-diff-v9.9.9-x86_64-unknown-linux-musl.tar.gz.sha256",
        ]
    );

    let o = install(&server, &dir, &args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("from the cache"), "{}", stderr(&o));
    assert_eq!(server.requests.lock().unwrap().len(), 2, "no new download");
}

#[test]
fn a_wrong_checksum_is_refused_and_installs_nothing() {
    let dir = scratch("download-bad-sum");
    let wrong = "0".repeat(64);
    let server = serve(release(&dir, "9.9.9", Some(&wrong)));
    let dest = dest(&dir);
    let o = install(
        &server,
        &dir,
        &["--version", "9.9.9", "--dest", dest.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("error: checksum mismatch for roa-diff-v9.9.9-x86_64-unknown-linux-musl.tar.gz: expected 0000"),
        "{err}"
    );
    assert!(err.contains("refusing to install it"), "{err}");
    assert!(!dest.join("roa-diff").exists());
    assert!(stdout(&o).is_empty());
}

#[test]
fn a_missing_checksum_file_is_refused() {
    let dir = scratch("download-no-sum");
    let server = serve(release(&dir, "9.9.9", Some("")));
    let dest = dest(&dir);
    let o = install(
        &server,
        &dir,
        &["--version", "9.9.9", "--dest", dest.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("no checksum published for roa-diff-v9.9.9-x86_64-unknown-linux-musl.tar.gz"),
        "{}",
        stderr(&o)
    );
    assert!(!dest.join("roa-diff").exists());
}

#[test]
fn a_missing_asset_fails_clearly_and_defaults_to_the_crate_version() {
    let dir = scratch("download-missing");
    let server = serve(release(&dir, "9.9.9", None));
    let dest = dest(&dir);
    // No --version: the Action's own version, from Cargo.toml beside the script.
    let o = install(&server, &dir, &["--dest", dest.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let version = env!("CARGO_PKG_VERSION");
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "error: no prebuilt binary for x86_64-unknown-linux-musl at v{version}"
        )),
        "{err}"
    );
    assert!(err.contains("cargo install --locked roa-diff"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(
        *server.requests.lock().unwrap(),
        [format!(
            "/releases/v{version}/roa-diff-v{version}-x86_64-unknown-linux-musl.tar.gz"
        )]
    );
}

#[test]
fn a_missing_asset_falls_back_to_a_locked_build_outside_the_callers_directory() {
    let dir = scratch("download-fallback");
    let server = serve(HashMap::new());
    // A fake cargo that records how it was called, and installs a stand-in binary.
    let fake = dir.join("fake-bin");
    std::fs::create_dir_all(&fake).unwrap();
    let log = dir.join("cargo.log");
    std::fs::write(
        fake.join("cargo"),
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"cwd=$PWD\" \"toolchain=$RUSTUP_TOOLCHAIN\" \"$@\" > '{}'\n\
             while [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\n\
             mkdir -p \"$root/bin\" && printf '#!/bin/sh\\necho built\\n' > \"$root/bin/roa-diff\" && chmod +x \"$root/bin/roa-diff\"\n",
            log.display()
        ),
    )
    .unwrap();
    run_ok(Command::new("chmod").arg("+x").arg(fake.join("cargo")));
    // The caller's directory is a pull request's checkout with its own toolchain file.
    let checkout = dir.join("checkout");
    std::fs::create_dir_all(&checkout).unwrap();
    std::fs::write(
        checkout.join("rust-toolchain.toml"),
        "[toolchain]\nchannel = \"evil\"\n",
    )
    .unwrap();
    let dest = dest(&dir);
    let source = root().to_string_lossy().into_owned();
    let o = install(
        &server,
        &checkout,
        &[
            "--version",
            "1.2.3",
            "--dest",
            dest.to_str().unwrap(),
            "--source",
            &source,
        ],
        Some(&fake),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("building"), "{}", stderr(&o));
    let calls = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = calls.lines().collect();
    let cwd = lines[0].strip_prefix("cwd=").unwrap();
    assert!(!Path::new(cwd).starts_with(&checkout), "{calls}");
    assert!(!Path::new(cwd).starts_with(root()), "{calls}");
    assert_eq!(lines[1], "toolchain=stable");
    assert_eq!(&lines[2..6], ["install", "--locked", "--quiet", "--path"]);
    assert_eq!(lines[6], source);
    let ran = Command::new(dest.join("roa-diff")).output().unwrap();
    assert_eq!(stdout(&ran), "built\n");
}

#[test]
fn binstall_metadata_names_the_archive_and_binary_the_release_packs() {
    let toml = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let field = |key: &str| {
        let prefix = format!("{key} = \"");
        let line = toml
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("Cargo.toml has {key}"));
        line[prefix.len()..line.len() - 1].to_string()
    };
    let repository = field("repository");
    let expand = |template: String| {
        template
            .replace("{ repo }", &repository)
            .replace("{ version }", "1.2.3")
            .replace("{ name }", "roa-diff")
            .replace("{ target }", TARGET)
            .replace("{ archive-suffix }", ".tar.gz")
            .replace("{ bin }", "roa-diff")
            .replace("{ binary-ext }", "")
    };
    let dir = scratch("binstall");
    archive(&dir, "1.2.3");
    let name = format!("roa-diff-v1.2.3-{TARGET}.tar.gz");
    assert_eq!(
        expand(field("pkg-url")),
        format!("{repository}/releases/download/v1.2.3/{name}")
    );
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(dir.join("dist").join(&name))
        .output()
        .unwrap();
    assert!(
        stdout(&listing)
            .lines()
            .any(|l| l == expand(field("bin-dir"))),
        "{}",
        stdout(&listing)
    );
}
