//! Which deployment environments count as production.

use rustc_hash::FxHashMap;

/// Text as METRICS.md compares it: surrounding whitespace dropped, lower-cased.
pub(crate) fn normalize(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The default `doraMetrics.environments.production`.
pub const DEFAULT_PRODUCTION_ENVIRONMENTS: [&str; 3] = ["prd", "prod", "production"];

/// A set of production environment names, normalized once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentMatcher {
    names: Vec<String>,
}

impl Default for EnvironmentMatcher {
    fn default() -> Self {
        Self::new(DEFAULT_PRODUCTION_ENVIRONMENTS)
    }
}

impl EnvironmentMatcher {
    /// Names must be non-blank; the option parser rejects blank ones before this is built.
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<str>>(names: I) -> Self {
        Self { names: names.into_iter().map(|n| normalize(n.as_ref())).collect() }
    }

    /// An environment is production when it equals a configured name, or starts with one
    /// followed by `-`, `_`, `/` or `.` (`prod-eu`, `production/us`; not `preprod`).
    pub fn matches(&self, environment: &str) -> bool {
        let env = normalize(environment);
        self.names.iter().any(|name| match env.strip_prefix(name.as_str()) {
            Some("") => true,
            Some(rest) => rest.starts_with(['-', '_', '/', '.']),
            None => false,
        })
    }

    /// [`Self::matches`] with a memo: a service has few distinct environment strings and
    /// millions of deployments.
    pub(crate) fn memo(&self) -> impl FnMut(&str) -> bool + '_ {
        let mut seen: FxHashMap<String, bool> = FxHashMap::default();
        move |environment: &str| {
            if let Some(known) = seen.get(environment) {
                return *known;
            }
            let verdict = self.matches(environment);
            seen.insert(environment.to_owned(), verdict);
            verdict
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_names_and_separated_prefixes_match() {
        let m = EnvironmentMatcher::default();
        for yes in ["prod", "PROD", " Production ", "prd", "prod-eu", "production/us", "prod_1", "prd.west", "prod-"] {
            assert!(m.matches(yes), "{yes}");
        }
        for no in ["preprod", "production2", "staging", "", "pro", "prodx", "eu-prod", "prod eu"] {
            assert!(!m.matches(no), "{no}");
        }
    }

    #[test]
    fn custom_and_empty_lists() {
        let m = EnvironmentMatcher::new(["Live "]);
        assert!(m.matches("live-1"));
        assert!(!m.matches("prod"));
        let none = EnvironmentMatcher::new(Vec::<String>::new());
        assert!(!none.matches("prod"));
        let mut memo = m.memo();
        assert!(memo("LIVE") && memo("LIVE") && !memo("x"));
    }
}
