//! Deploy blockers (SPEC §5): what `forge deploy` refuses. Blockers are not changes: they do
//! not alter the update level, but `--fail-on blocked` (in the default policy) fails on them.

use serde::Serialize;

use crate::diff::url_host;
use crate::model::{EgressTarget, Manifest};

/// Atlassian's pre-approved analytics domains, declared once: the blocker and the Runs on
/// Atlassian reasons both read it.
pub mod analytics {
    /// When the list below was taken from its source.
    pub const AS_OF: &str = "2026, as last seen on the analytics tool policy page";
    pub const SOURCE: &str = crate::rules::url::ANALYTICS_POLICY;
    /// The pre-approved hosts. `*.d` allows every host ending in `.d` (and the text `*.d`
    /// itself), but not `d`: the list names an apex separately where it allows one.
    pub const ALLOWED: &[&str] = &[
        "*.google-analytics.com",
        "cdn.mxpnl.com",
        "*.cdn.mxpnl.com",
        "*.mixpanel.com",
        "*.posthog.com",
        "*.journy.io",
        "*.amplitude.com",
        "static.cloudflareinsights.com",
        "*.cdn.usefathom.com",
        "*.events.usermaven.com",
        "*.um.contentstudio.io",
        "*.beamanalytics.b-cdn.net",
        "*.microanalytics.io",
        "*.scripts.withcabin.com",
        "*.scripts.simpleanalyticscdn.com",
        "*.userpilot.io",
        "in.accoil.com",
        "*.plausible.io",
        "*.googletagmanager.com",
        "*.ingest.sentry.io",
        "*.ingest.us.sentry.io",
        "*.sentry-cdn.com",
        "*.hotjar.io",
        "*.hotjar.com",
        "*.cdn.segment.com",
        "cdn.segment.com",
        "*.api.segment.io",
        "*.applicationinsights.azure.com",
        "*.monitor.azure.com",
        "*.launchdarkly.com",
        "*.statsigapi.net",
        "statsigapi.net",
        "*.featureassets.org",
        "featureassets.org",
        "*.prodregistryv2.org",
        "prodregistryv2.org",
        "*.newrelic.com",
    ];
    /// Feature-flag services on the list that no longer keep Runs on Atlassian (changelog of
    /// 27 Apr 2026: not allowed for RoA apps from 28 Jul 2026), SPEC §4.
    pub const NOT_FOR_RUNS_ON_ATLASSIAN: &[&str] = &[
        "*.statsigapi.net",
        "statsigapi.net",
        "*.featureassets.org",
        "featureassets.org",
        "*.prodregistryv2.org",
        "prodregistryv2.org",
        "*.launchdarkly.com",
    ];

    /// Whether `host` (lower-case, no scheme, port or path) is allowed by one of `patterns`.
    pub fn matches(host: &str, patterns: &[&str]) -> bool {
        let host = host.split(':').next().unwrap_or(host);
        patterns.iter().any(|p| match p.strip_prefix("*.") {
            Some(domain) => {
                host == *p
                    || (host.len() > domain.len() + 1
                        && host.ends_with(domain)
                        && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
            }
            None => host == *p,
        })
    }
}

/// One thing `forge deploy` would refuse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    pub code: &'static str,
    pub path: String,
    /// In the new file.
    pub line: Option<usize>,
    pub message: String,
}

/// A blocker code, declared once: docs, `explain` and output read it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockerCode {
    pub code: &'static str,
    pub summary: &'static str,
    pub url: &'static str,
    pub source: &'static str,
}

pub const ANALYTICS_DOMAIN_NOT_ALLOWED: BlockerCode = BlockerCode {
    code: "ANALYTICS_DOMAIN_NOT_ALLOWED",
    summary: "An egress entry of the new manifest has category analytics and its host is not on Atlassian's pre-approved analytics list.",
    url: crate::rules::url::ANALYTICS_POLICY,
    source: "analytics tool policy: analytics egress to other domains is blocked from deployment since 28 Aug 2025. Every analytics entry is checked, changed or not: Forge checks the whole manifest at deploy. Scheme, port and path are ignored.",
};
pub const CONFIGURABLE_EGRESS_REMOVED: BlockerCode = BlockerCode {
    code: "CONFIGURABLE_EGRESS_REMOVED",
    summary: "permissions.external.configurable.enabled goes from true to false or absent.",
    url: crate::rules::url::PERMISSIONS,
    source: "permissions reference (Sep 2026): configurable egress is immutable once deployed to production; `forge deploy` to production refuses turning it off.",
};

/// Every blocker code, in report order.
pub const BLOCKER_CODES: &[BlockerCode] =
    &[ANALYTICS_DOMAIN_NOT_ALLOWED, CONFIGURABLE_EGRESS_REMOVED];

pub fn blocker_code(code: &str) -> Option<&'static BlockerCode> {
    BLOCKER_CODES.iter().find(|c| c.code == code)
}

/// What `forge deploy` would refuse in `new` as an update of `old` (`old` empty for a first
/// release).
pub fn blockers(old: &Manifest, new: &Manifest) -> Vec<Blocker> {
    let mut out = Vec::new();
    for e in &new.permissions.egress {
        let EgressTarget::Address(address) = &e.target else {
            continue;
        };
        if !e.is_analytics() {
            continue;
        }
        let host = url_host(address);
        if !analytics::matches(&host, analytics::ALLOWED) {
            out.push(Blocker {
                code: ANALYTICS_DOMAIN_NOT_ALLOWED.code,
                path: e.path(),
                line: e.line,
                message: format!(
                    "analytics egress to {host} ({}): the host is not on Atlassian's pre-approved analytics list ({}); forge deploy refuses it",
                    e.kind,
                    analytics::AS_OF
                ),
            });
        }
    }
    let (before, after) = (&old.permissions.configurable, &new.permissions.configurable);
    if before.value && !after.value {
        out.push(Blocker {
            code: CONFIGURABLE_EGRESS_REMOVED.code,
            path: "permissions.external.configurable.enabled".into(),
            line: after.line,
            message: "configurable egress turned off: it cannot be disabled once deployed to production; forge deploy to production refuses it".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::analytics::{matches, ALLOWED};

    #[test]
    fn wildcards_allow_subdomains_and_their_own_text_but_not_the_apex() {
        assert!(matches("www.google-analytics.com", ALLOWED));
        assert!(matches("*.google-analytics.com", ALLOWED));
        assert!(!matches("google-analytics.com", ALLOWED));
        assert!(!matches("evilgoogle-analytics.com", ALLOWED));
        assert!(matches("cdn.segment.com", ALLOWED));
        assert!(matches("x.cdn.segment.com:443", ALLOWED));
        assert!(!matches("api.segment.io", ALLOWED));
        assert!(matches("eu.api.segment.io", ALLOWED));
        assert!(matches("statsigapi.net", ALLOWED));
        assert!(!matches("example.com", ALLOWED));
    }
}
