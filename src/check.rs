//! `roa-diff check [MANIFEST | REV:PATH]`: one manifest on its own, as `forge eligibility`
//! judges it after a deploy, done before it: its Runs on Atlassian reasons (each with the way
//! to qualify, declared beside the reason in [`crate::roa`]), its deploy blockers and warnings.
//! Without an argument: every Forge manifest in the repository's working tree, or
//! `./manifest.yml` outside a repository.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::cli::{ColorChoice, Format, ReadArgs};
use crate::error::{Error, Result};
use crate::git::{open_repo, read_input, Snapshot};
use crate::load::LoadOptions;
use crate::policy::{fail_on_text, policy_trips, FailOn, EXIT_OK, EXIT_POLICY};
use crate::report::check::{self as render, CheckReport};
use crate::report::human::HumanOptions;
use crate::report::markdown::{self, MarkdownOptions};
use crate::report::{compare_loaded, compare_owned, Report};
use crate::trust;

/// The file checked outside a repository when no MANIFEST is given.
pub const DEFAULT_MANIFEST: &str = "manifest.yml";

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    /// The manifest: a path, REV:PATH, :PATH (the index) or - (stdin). Default: every Forge
    /// manifest in the repository's working tree, or ./manifest.yml outside a repository.
    #[arg(value_name = "MANIFEST")]
    pub manifest: Option<PathBuf>,
    /// Without MANIFEST in a repository: only manifests at this path, or under this directory.
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Colour in human output (NO_COLOR is respected with auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// When to fail (exit 1), as a comma list. Only `ineligible`, `blocked` and `never` apply
    /// to one manifest on its own; the update policies never trip here.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "ineligible,blocked"
    )]
    pub fail_on: Vec<FailOn>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Where docs/rules.md is published; markdown and SARIF link reason codes to it.
    #[arg(long, value_name = "URL", default_value_t = markdown::default_rules_url())]
    pub rules_url: String,
}

/// A manifest on its own: a first release's report (nothing to compare with), whose new side
/// holds the reasons, blockers and warnings `check` shows.
fn check_reports(args: &CheckArgs, options: &LoadOptions) -> Result<Vec<Report>> {
    if let Some(manifest) = &args.manifest {
        if args.path.is_some() {
            return Err(Error::new(
                "--path",
                "only applies without MANIFEST (every manifest in the repository)",
            ));
        }
        let mut report = compare_owned(None, read_input(manifest, options.max_bytes)?, options)?;
        crate::hints::warn_not_a_manifest(&mut report);
        return Ok(vec![report]);
    }
    let outside = matches!(
        git2::Repository::open_from_env(),
        Err(e) if e.code() == git2::ErrorCode::NotFound
    );
    if outside {
        if args.path.is_some() {
            return Err(Error::new("--path", "only applies inside a git repository"));
        }
        let source = read_input(Path::new(DEFAULT_MANIFEST), options.max_bytes)?;
        let mut report = compare_owned(None, source, options)?;
        crate::hints::warn_not_a_manifest(&mut report);
        return Ok(vec![report]);
    }
    let repo = open_repo("roa-diff check")?;
    let tree = Snapshot::work_tree(&repo)?;
    let found = crate::git::apps::find_manifests(&repo, &tree, options, args.path.as_deref())?;
    if found.is_empty() {
        return Err(Error::new(
            tree.label(),
            format!(
                "no Forge manifest{} (a YAML file whose app.id is a Forge app id); name one: roa-diff check PATH",
                args.path
                    .as_deref()
                    .map(|p| format!(" under {p}"))
                    .unwrap_or_default()
            ),
        ));
    }
    Ok(found
        .iter()
        .map(|f| compare_loaded(None, &f.loaded))
        .collect())
}

pub fn run(args: &CheckArgs) -> Result<i32> {
    // The env: list of the accept file on disk: the checked manifest is the user's own.
    let options = args.read.load_options(&trust::accept_from_disk(None)?);
    let reports = check_reports(args, &options)?;
    let check = CheckReport {
        failing: reports
            .iter()
            .map(|r| policy_trips(r, &args.fail_on))
            .collect(),
        reports,
        fail_on: fail_on_text(&args.fail_on),
    };
    let md_options = MarkdownOptions {
        rules_url: args.rules_url.clone(),
    };
    let write_stdout = crate::cli::write_stdout;
    match args.format {
        Format::Human => write_stdout(&render::human(
            &check,
            &HumanOptions {
                color: crate::cli::use_color(args.color),
                ..HumanOptions::default()
            },
        )),
        // Streamed, as the diff's JSON is.
        Format::Json => crate::cli::write_stdout_with(|out| render::write_json(out, &check)),
        Format::Markdown => write_stdout(&render::markdown(&check)),
        // Streamed, as the diff's SARIF is.
        Format::Sarif => {
            crate::cli::write_stdout_with(|out| render::write_sarif(out, &check, &md_options))
        }
        Format::Github => {
            crate::cli::append_step_summary(&render::markdown(&check))?;
            write_stdout(&render::github(&check));
        }
    }
    Ok(if check.fails() { EXIT_POLICY } else { EXIT_OK })
}
