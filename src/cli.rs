//! Command-line interface: argument parsing, exit codes, and dispatch to the library.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::accept::{self, DEFAULT_FILE};
use crate::error::{escape_line, Error};
use crate::git::{
    open_repo, read_input, repo_path, resolve_input, resolve_revisions, Input, RevisionArgs,
    Snapshot,
};
use crate::load::{LoadOptions, DEFAULT_MAX_BYTES};
use crate::report::apps::{self, AppsReport};
use crate::report::human::HumanOptions;
use crate::report::markdown::{self, MarkdownOptions};
use crate::report::{compare_owned, github, human, json, sarif, Report};
use crate::trust::{self, AcceptFrom, Trusted};

use crate::policy::{
    apps_policy_trips, fail_on_text, policy_trips, tripping_level, FailOn, Policy, EXIT_ERROR,
    EXIT_OK, EXIT_POLICY,
};

const AFTER_HELP: &str = "\
Exit status:
  0  nothing the --fail-on policy fails on
  1  the policy tripped (by default: a major update, or Runs on Atlassian lost)
  2  error: bad arguments, a missing or unreadable file, invalid YAML or a wrong type at a known key

Examples:
  roa-diff v1/manifest.yml v2/manifest.yml
  roa-diff old.yml new.yml --format json --fail-on any
  roa-diff old.yml new.yml --format markdown --accept .roa-diff.yml
  roa-diff v1.4.0:manifest.yml manifest.yml
  roa-diff --git v1.4.0            # every Forge manifest, v1.4.0 against the working tree
  roa-diff --git --base-tag 'v*'   # against the newest release tag
  roa-diff log --releases 'v*'     # each release's verdict, and the commits behind it
  roa-diff check                   # eligibility and deploy blockers of every manifest
  roa-diff explain egress-added";

#[derive(Parser, Debug)]
#[command(
    name = "roa-diff",
    version,
    about = "Tells, before `forge deploy`, whether a Forge manifest change is a major update and whether it keeps Runs on Atlassian",
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub diff: DiffArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List every rule and Runs on Atlassian reason code.
    Rules {
        /// Print docs/rules.md instead of the table.
        #[arg(long)]
        markdown: bool,
    },
    /// Explain one rule id or reason code in full, with its source.
    Explain {
        /// A rule id (e.g. egress-added) or a reason code (e.g. HAS_REMOTES).
        id: String,
    },
    /// Print a shell completion script (bash, zsh, fish, ...).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from the same definitions as --help.
    Man,
    /// Install or remove the git hook that gates commits or release tags (see docs/git.md).
    #[command(subcommand)]
    Hook(crate::hook::HookCommand),
    /// One manifest's Runs on Atlassian eligibility (with the way to qualify), deploy blockers
    /// and warnings; default: every manifest in the repository, or ./manifest.yml.
    Check(crate::check::CheckArgs),
    /// Append entries for the current unaccepted findings to .roa-diff.yml (or --accept FILE);
    /// takes the diff's arguments.
    Accept(crate::accept_cmd::AcceptArgs),
    /// Commits that changed a Forge manifest, newest first, with what each did (see docs/git.md).
    Log(crate::log::LogArgs),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The report for a terminal.
    Human,
    /// The JSON contract (docs/output.md, docs/output.schema.json).
    Json,
    /// A pull-request comment (with a hidden marker to update it in place).
    Markdown,
    /// GitHub Actions annotations; appends markdown to $GITHUB_STEP_SUMMARY when set.
    Github,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug, Clone)]
pub struct DiffArgs {
    /// The old manifest (the released version): a path, REV:PATH, :PATH (the index) or - (stdin).
    /// With --git: the BASE revision, or BASE..HEAD.
    #[arg(value_name = "OLD")]
    pub old: Option<PathBuf>,
    /// The new manifest (the version about to be deployed), in the same forms.
    /// With --git: the HEAD revision (default: the working tree).
    #[arg(value_name = "NEW")]
    pub new: Option<PathBuf>,
    /// Compare every Forge manifest in two git revisions (BASE [HEAD], or BASE..HEAD).
    #[arg(long)]
    pub git: bool,
    /// With --git: HEAD is the index (staged changes) instead of the working tree.
    #[arg(long)]
    pub staged: bool,
    /// With --git: BASE is the newest tag matching GLOB reachable from HEAD (implies --git).
    #[arg(long, value_name = "GLOB")]
    pub base_tag: Option<String>,
    /// With --git: only manifests at this path, or under this directory (relative to the
    /// repository root), e.g. to leave test fixtures out.
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Colour in human output (NO_COLOR is respected with auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub policy: Policy,
    /// Human output: print the Runs on Atlassian reasons of both sides even when eligibility
    /// does not change (JSON always has them).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Show N lines of the textual diff around each change.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub context: usize,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Accepted changes (default: .roa-diff.yml in the current directory, if present; with a
    /// BASE revision, the file at that path in BASE, see --accept-from).
    #[arg(long, value_name = "FILE")]
    pub accept: Option<PathBuf>,
    /// Read the accept file (and its `env:` list) from the base revision or the new side.
    /// Default: base when BASE is a revision (--git BASE, --base-tag), else head.
    #[arg(long, value_enum, value_name = "SIDE")]
    pub accept_from: Option<AcceptFrom>,
    /// Where docs/rules.md is published; markdown and SARIF link rule ids to it.
    #[arg(long, value_name = "URL", default_value_t = markdown::default_rules_url())]
    pub rules_url: String,
}

/// How manifests are read, for the diff and `check` alike.
#[derive(Args, Debug, Clone)]
pub struct ReadArgs {
    /// Value for a `${NAME}` declared under environment.variables (before the process environment).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Let a declared `${NAME}` take the process environment's value of NAME (repeatable).
    /// No other variable is ever read from the environment (it holds CI secrets).
    #[arg(long = "env", value_name = "NAME", value_parser = parse_env_name)]
    pub env: Vec<String>,
    /// Refuse manifests larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
}

impl ReadArgs {
    /// How manifests are read; the process environment only for the names `trusted` allows.
    pub fn load_options(&self, trusted: &Trusted) -> LoadOptions {
        LoadOptions {
            vars: self.vars.iter().cloned().collect::<BTreeMap<_, _>>(),
            env: trust::allowed_env(trusted.env_names(&self.env)),
            max_bytes: self.max_bytes,
            ..LoadOptions::default()
        }
    }
}

pub fn parse_var(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))?;
    Ok((parse_env_name(name)?, value.to_string()))
}

pub fn parse_env_name(name: &str) -> Result<String, String> {
    if !trust::is_variable_name(name) {
        return Err(format!(
            "`{name}` is not a variable name ([A-Za-z_][A-Za-z0-9_]*)"
        ));
    }
    Ok(name.to_string())
}

pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

impl DiffArgs {
    fn markdown_options(&self) -> MarkdownOptions {
        MarkdownOptions {
            rules_url: self.rules_url.clone(),
        }
    }

    fn human_options(&self) -> HumanOptions {
        HumanOptions {
            color: use_color(self.color),
            context: self.context,
            fingerprints: tripping_level(&self.policy.fail_on),
            verbose: self.verbose,
        }
    }
}

/// `--format github`: GitHub shows the markdown report on the run's summary page too.
pub fn append_step_summary(markdown: &str) -> Result<(), Error> {
    match std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        Some(path) => github::append_step_summary(std::path::Path::new(&path), markdown),
        None => Ok(()),
    }
}

/// What a diff run found: one pair of manifests, or every app of two revisions.
pub enum Outcome {
    One(Box<Report>),
    Apps(AppsReport),
}

impl Outcome {
    pub fn reports(&self) -> Box<dyn Iterator<Item = &Report> + '_> {
        match self {
            Outcome::One(r) => Box::new(std::iter::once(r.as_ref())),
            Outcome::Apps(a) => Box::new(a.reports()),
        }
    }

    fn trips(&self, fail_on: &[FailOn]) -> bool {
        match self {
            Outcome::One(r) => policy_trips(r, fail_on),
            Outcome::Apps(a) => apps_policy_trips(a, fail_on),
        }
    }
}

fn run_diff(args: &DiffArgs) -> Result<i32, Error> {
    let Some(outcome) = diff_outcome(args)? else {
        return Ok(EXIT_ERROR);
    };
    let md_options = args.markdown_options();
    // JSON and SARIF are streamed: as one document they took several times the report's memory.
    match &outcome {
        Outcome::One(report) => match args.format {
            Format::Json => write_stdout_with(|out| json::write(out, report)),
            Format::Markdown => write_stdout(&markdown::render(report, &md_options)),
            Format::Sarif => {
                write_stdout_with(|out| sarif::write(out, &[report.as_ref()], &md_options))
            }
            Format::Github => {
                append_step_summary(&markdown::render(report, &md_options))?;
                write_stdout(&github::render(report));
            }
            Format::Human => write_stdout(&human::render(report, &args.human_options())),
        },
        Outcome::Apps(report) => match args.format {
            Format::Json => write_stdout_with(|out| apps::write_json(out, report)),
            Format::Human => write_stdout(&apps::render_human(report, &args.human_options())),
            Format::Markdown => write_stdout(&apps::render_markdown(report, &md_options)),
            Format::Sarif => write_stdout_with(|out| {
                sarif::write(out, &report.reports().collect::<Vec<_>>(), &md_options)
            }),
            Format::Github => {
                append_step_summary(&apps::render_markdown(report, &md_options))?;
                write_stdout(&report.reports().map(github::render).collect::<String>());
            }
        },
    }
    if !outcome.trips(&args.policy.fail_on) {
        return Ok(EXIT_OK);
    }
    eprintln!("{}", refusal_line(&outcome, &args.policy.fail_on));
    Ok(EXIT_POLICY)
}

/// The one line a refused run ends with (on stderr, in every format): what tripped, and how
/// to go on.
fn refusal_line(outcome: &Outcome, fail_on: &[FailOn]) -> String {
    let findings = accept::findings(outcome.reports(), fail_on);
    let blocked =
        fail_on.contains(&FailOn::Blocked) && outcome.reports().any(|r| !r.blockers.is_empty());
    let ineligible =
        fail_on.contains(&FailOn::Ineligible) && outcome.reports().any(|r| !r.new.eligible());
    let mut ways = Vec::new();
    if !findings.is_empty() {
        ways.push(format!(
            "accept the {} reviewed finding{} with roa-diff accept --reason \"WHY\" and the same arguments",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" }
        ));
    }
    if blocked {
        ways.push(
            "fix the deploy blocker (forge deploy would refuse it; it cannot be accepted)"
                .to_string(),
        );
    }
    if ineligible {
        ways.push("make the manifest eligible (roa-diff check says how)".to_string());
    }
    if ways.is_empty() {
        ways.push("change the manifest".to_string());
    }
    format!(
        "roa-diff: refused by --fail-on {}; to go on, {}",
        fail_on_text(fail_on),
        ways.join(", or ")
    )
}

/// Runs the comparison the diff arguments ask for; `None` when only the usage line was
/// printed.
pub fn diff_outcome(args: &DiffArgs) -> Result<Option<Outcome>, Error> {
    if args.git || args.base_tag.is_some() {
        return git_outcome(args).map(|a| Some(Outcome::Apps(a)));
    }
    if args.staged || args.path.is_some() {
        return Err(Error::new(
            if args.staged { "--staged" } else { "--path" },
            "only applies with --git",
        ));
    }
    let (Some(old), Some(new)) = (&args.old, &args.new) else {
        return default_outcome(args);
    };
    if let Some(e) = crate::hints::revision_given_as_file(old, new) {
        return Err(e);
    }
    if old.as_os_str() == "-" && new.as_os_str() == "-" {
        return Err(Error::new("-", "stdin can be only one of OLD and NEW"));
    }
    // OLD from a revision (not the index) is a base, as with --git BASE: the accept file (and
    // its env: list) comes from there unless --accept-from head says otherwise.
    let base_rev = match resolve_input(old)? {
        Input::Rev { rev, .. } if !rev.is_empty() => Some(rev),
        _ => None,
    };
    let from = args.accept_from.unwrap_or(if base_rev.is_some() {
        AcceptFrom::Base
    } else {
        AcceptFrom::Head
    });
    let trusted = match (from, base_rev) {
        (AcceptFrom::Head, _) => trust::accept_from_disk(args.accept.as_deref())?,
        (AcceptFrom::Base, None) => {
            return Err(Error::new(
                "--accept-from base",
                "needs OLD to be a revision (REV:PATH), or --git BASE",
            ))
        }
        (AcceptFrom::Base, Some(rev)) => {
            let repo = open_repo("--accept-from base")?;
            let base = Snapshot::revision(&repo, &rev)?;
            trust::accept_from_snapshot(
                &repo,
                &base,
                &accept_path(&repo, args),
                accept_expected(args),
            )?
        }
    };
    let options = args.read.load_options(&trusted);
    let old = read_input(old, options.max_bytes)?;
    let new = read_input(new, options.max_bytes)?;
    let mut report = compare_owned(Some(old), new, &options)?;
    crate::hints::warn_not_a_manifest(&mut report);
    if let Some(note) = &trusted.note {
        eprintln!("roa-diff: {}", escape_line(note));
    }
    if let Some(file) = &trusted.accept {
        let stale = accept::apply(file, std::iter::once(&mut report));
        report.warnings.extend(stale);
    }
    Ok(Some(Outcome::One(Box::new(report))))
}

/// No OLD and NEW: inside a git repository, `--git` against the baseline [`crate::baseline`]
/// chooses (said in one line on stderr); elsewhere, or with only one manifest, the usage line.
fn default_outcome(args: &DiffArgs) -> Result<Option<Outcome>, Error> {
    let baseline = match args.old {
        None => crate::baseline::choose()?,
        Some(_) => None,
    };
    let Some(baseline) = baseline else {
        match args.old {
            Some(_) => eprintln!("roa-diff: expected two manifests; {}", crate::hints::USAGE),
            None => eprintln!("{}", crate::hints::USAGE),
        }
        return Ok(None);
    };
    eprintln!("{}", baseline.line);
    let mut args = args.clone();
    args.git = true;
    args.base_tag = baseline.base_tag;
    // A bare `roa-diff` is the local developer's run, trusted like the hooks: the accept file
    // on disk counts, so `roa-diff accept` then `roa-diff` passes. Pull requests are checked
    // with `--git BASE` (the Action, ci/pr-check.sh), which reads it from BASE (docs/security.md).
    args.accept_from.get_or_insert(AcceptFrom::Head);
    git_outcome(&args).map(|a| Some(Outcome::Apps(a)))
}

/// `--git`: every Forge manifest in two revisions; the exit status is the worst over all apps.
fn git_outcome(args: &DiffArgs) -> Result<AppsReport, Error> {
    let text = |p: &Option<PathBuf>| p.as_ref().map(|p| p.to_string_lossy().into_owned());
    let repo = open_repo("roa-diff --git")?;
    if let Some(line) = args
        .base_tag
        .as_deref()
        .and_then(|glob| crate::baseline::unmatched_glob_warning(&repo, glob))
    {
        eprintln!("{line}");
    }
    let revisions = RevisionArgs {
        base: text(&args.old),
        head: text(&args.new),
        staged: args.staged,
        base_tag: args.base_tag.clone(),
    };
    let (base, head, mut notes) = resolve_revisions(&repo, &revisions)?;
    // With a BASE revision this is a pull request's check: its accept file is the PR's own
    // unless read from BASE (docs/security.md).
    let has_base_revision = args.old.is_some() || args.base_tag.is_some();
    let from = args.accept_from.unwrap_or(if has_base_revision {
        AcceptFrom::Base
    } else {
        AcceptFrom::Head
    });
    let trusted = match from {
        AcceptFrom::Base => trust::accept_from_snapshot(
            &repo,
            &base,
            &accept_path(&repo, args),
            accept_expected(args),
        )?,
        AcceptFrom::Head => trust::accept_from_disk(args.accept.as_deref())?,
    };
    if let Some(note) = &trusted.note {
        eprintln!("roa-diff: {}", escape_line(note));
        notes.push(note.clone());
    }
    let mut report = crate::git::apps::compare_snapshots(
        &repo,
        &base,
        &head,
        &args.read.load_options(&trusted),
        args.path.as_deref(),
    )?;
    report.notes = notes;
    if let Some(file) = &trusted.accept {
        // An entry is stale only if it matches nothing in any app; the warning goes to all.
        // A commit's check (--staged) is no release: entries kept for it are not stale yet.
        let stale = accept::apply_with(
            file,
            report.apps.iter_mut().filter_map(|a| a.report.as_mut()),
            !args.staged,
        );
        report.notes.extend(stale);
    }
    Ok(report)
}

/// The accept file's path in a revision: `--accept FILE` as a repository path (`./` and `../`
/// relative to the current directory, as in `REV:PATH`), else `.roa-diff.yml` at the root.
fn accept_path(repo: &git2::Repository, args: &DiffArgs) -> String {
    match &args.accept {
        Some(file) => repo_path(repo, &file.to_string_lossy()),
        None => DEFAULT_FILE.to_string(),
    }
}

/// Whether the user would expect an accept file: `--accept` given, or one in the current directory.
fn accept_expected(args: &DiffArgs) -> bool {
    args.accept.is_some()
        || std::path::Path::new(DEFAULT_FILE)
            .symlink_metadata()
            .is_ok()
}

/// Writes to stdout; a closed pipe (`roa-diff ... | head`) is not an error worth a panic.
pub fn write_stdout(text: &str) {
    write_stdout_with(|out| out.write_all(text.as_bytes()));
}

/// Lets `write` write to stdout through a buffer, for output written as it is built; as in
/// [`write_stdout`], a write error (a closed pipe) only ends the output.
pub fn write_stdout_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let _ = write(&mut out);
    let _ = out.flush();
}

/// Runs the command line and returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    let result = match &cli.command {
        Some(Command::Rules { markdown }) => {
            write_stdout(&if *markdown {
                crate::explain::rules_markdown()
            } else {
                crate::explain::rules_table()
            });
            Ok(EXIT_OK)
        }
        Some(Command::Explain { id }) => match crate::explain::explain(id) {
            Some(text) => {
                write_stdout(&text);
                Ok(EXIT_OK)
            }
            None => Err(Error::new(
                "roa-diff explain",
                match crate::explain::closest_id(id) {
                    Some(close) => format!("unknown rule or reason `{id}`; did you mean `{close}`? (roa-diff rules lists them all)"),
                    None => format!(
                        "unknown rule or reason `{id}`; known: {}",
                        crate::explain::known_ids().join(", ")
                    ),
                },
            )),
        },
        Some(Command::Completions { shell }) => {
            let mut text = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "roa-diff", &mut text);
            write_stdout(&String::from_utf8_lossy(&text));
            Ok(EXIT_OK)
        }
        Some(Command::Man) => {
            let mut text = Vec::new();
            match crate::hints::man_page(Cli::command(), &mut text) {
                Ok(()) => {
                    write_stdout(&String::from_utf8_lossy(&text));
                    Ok(EXIT_OK)
                }
                Err(e) => Err(Error::new("roa-diff man", e.to_string())),
            }
        }
        Some(Command::Hook(command)) => crate::hook::run(command),
        Some(Command::Log(args)) => crate::log::run(args),
        Some(Command::Check(args)) => crate::check::run(args),
        Some(Command::Accept(args)) => crate::accept_cmd::run(args),
        None => run_diff(&cli.diff),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!(
                "roa-diff: error: {}",
                escape_line(&crate::hints::with_revision_hint(e).to_string())
            );
            EXIT_ERROR
        }
    }
}
