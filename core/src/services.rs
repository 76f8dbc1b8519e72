//! Which catalog entities are services to collect, and which GitHub repository each one is.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::value::{Value, join};

const SLUG_ANNOTATION: &str = "github.com/project-slug";
const SOURCE_LOCATION_ANNOTATION: &str = "backstage.io/source-location";

/// A selected service and its repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectedService {
    /// The full entity ref, lower-cased as Backstage's `stringifyEntityRef` does.
    pub entity_ref: String,
    /// The repository's GitHub owner (organization or user), as written in the annotation.
    pub owner: String,
    pub repo: String,
    pub host: String,
}

/// The selection rules: `doraMetrics.github.organizations` and `collection.*Services`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub organizations: Vec<String>,
    pub include_services: Vec<String>,
    pub exclude_services: Vec<String>,
    /// GitHub hosts (`integrations.github[].host`); default `github.com`.
    pub hosts: Vec<String>,
}

impl Selection {
    pub fn from_value(value: &Value, field: &str) -> Result<Selection> {
        let Value::Object(entries) = value else {
            return Err(Error::options(field, format!("must be an object, not {}", value.type_name())));
        };
        const KEYS: [&str; 4] = ["organizations", "includeServices", "excludeServices", "hosts"];
        if let Some((key, _)) = entries.iter().find(|(k, _)| !KEYS.contains(&k.as_str())) {
            return Err(Error::options(join(field, key), "is not a selection setting"));
        }
        let list = |key: &str| -> Result<Option<Vec<String>>> {
            let path = join(field, key);
            match value.get(key) {
                None => Ok(None),
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| match item {
                        Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
                        _ => Err(Error::options(format!("{path}[{i}]"), "must be a non-blank string")),
                    })
                    .collect::<Result<Vec<_>>>()
                    .map(Some),
                Some(other) => {
                    Err(Error::options(path, format!("must be an array of strings, not {}", other.type_name())))
                }
            }
        };
        Ok(Selection {
            organizations: list("organizations")?
                .ok_or_else(|| Error::options(join(field, "organizations"), "is missing"))?,
            include_services: list("includeServices")?.unwrap_or_default(),
            exclude_services: list("excludeServices")?.unwrap_or_default(),
            hosts: list("hosts")?.unwrap_or_else(|| vec!["github.com".to_owned()]),
        })
    }

    fn is_github_host(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }
}

/// The entities to collect, sorted by entity ref, each ref once. An entity is selected when it
/// is a Component with a GitHub repository annotation on a configured host, its owner is one
/// of the organizations, it passes the include list (when non-empty) and is not excluded.
/// Entities without the needed fields are skipped, not errors: the catalog holds all kinds.
pub fn select_services(entities: &[Value], selection: &Selection) -> Vec<SelectedService> {
    let mut selected: Vec<SelectedService> = entities
        .iter()
        .filter_map(|entity| {
            let kind = as_str(entity.get("kind"))?;
            if !kind.eq_ignore_ascii_case("component") {
                return None;
            }
            let metadata = entity.get("metadata")?;
            let name = as_str(metadata.get("name")).filter(|n| !n.is_empty())?;
            let namespace = as_str(metadata.get("namespace")).filter(|n| !n.is_empty()).unwrap_or("default");
            let entity_ref = format!("component:{}/{}", namespace.to_lowercase(), name.to_lowercase());
            let (host, owner, repo) = repository(metadata.get("annotations"), selection)?;
            let in_org = selection.organizations.iter().any(|org| org.to_lowercase() == owner.to_lowercase());
            let listed =
                |patterns: &[String]| patterns.iter().any(|p| glob_matches(p, name) || glob_matches(p, &entity_ref));
            let included = selection.include_services.is_empty() || listed(&selection.include_services);
            (in_org && included && !listed(&selection.exclude_services)).then(|| SelectedService {
                entity_ref,
                owner: owner.to_owned(),
                repo: repo.to_owned(),
                host,
            })
        })
        .collect();
    selected.sort_by(|a, b| a.entity_ref.cmp(&b.entity_ref));
    selected.dedup_by(|a, b| a.entity_ref == b.entity_ref);
    selected
}

fn as_str(value: Option<&Value>) -> Option<&str> {
    match value {
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    }
}

/// (host, owner, repo) from the annotations. The project slug names the repository; its host
/// is the source location's when that is a GitHub host (GitHub Enterprise), else github.com.
fn repository<'a>(annotations: Option<&'a Value>, selection: &Selection) -> Option<(String, &'a str, &'a str)> {
    let annotations = annotations?;
    let location = as_str(annotations.get(SOURCE_LOCATION_ANNOTATION)).and_then(parse_source_location);
    if let Some(slug) = as_str(annotations.get(SLUG_ANNOTATION)) {
        let (owner, repo) = parse_slug(slug)?;
        let host = match location {
            Some((host, _, _)) if selection.is_github_host(host) => host.to_lowercase(),
            _ => "github.com".to_owned(),
        };
        return selection.is_github_host(&host).then_some((host, owner, repo));
    }
    let (host, owner, repo) = location?;
    selection.is_github_host(host).then(|| (host.to_lowercase(), owner, repo))
}

/// `org/repo`, both parts non-empty, nothing more.
fn parse_slug(slug: &str) -> Option<(&str, &str)> {
    let (owner, repo) = slug.trim().split_once('/')?;
    let valid = |part: &str| !part.is_empty() && !part.contains(char::is_whitespace);
    (valid(owner) && valid(repo) && !repo.contains('/')).then_some((owner, repo))
}

/// `url:https://HOST/org/repo[.git][/tree/...]` -> (host, org, repo).
fn parse_source_location(location: &str) -> Option<(&str, &str, &str)> {
    let url = location.trim().strip_prefix("url:")?;
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let mut parts = rest.split('/');
    let host = parts.next().filter(|h| !h.is_empty())?;
    let owner = parts.next().filter(|o| !o.is_empty())?;
    let repo = parts.next()?;
    let repo = repo.strip_suffix(".git").unwrap_or(repo);
    (!repo.is_empty()).then_some((host, owner, repo))
}

/// Case-insensitive match where `*` stands for any run of characters.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let text: Vec<char> = text.to_lowercase().chars().collect();
    // Greedy matching with backtracking to the last star: linear in practice.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(kind: &str, name: &str, annotations: &[(&str, &str)]) -> Value {
        let annotations = Value::Object(annotations.iter().map(|(k, v)| ((*k).to_owned(), Value::from(*v))).collect());
        Value::Object(vec![
            ("kind".into(), kind.into()),
            ("metadata".into(), Value::Object(vec![("name".into(), name.into()), ("annotations".into(), annotations)])),
        ])
    }

    fn selection(json: &str) -> Selection {
        Selection::from_value(&serde_json::from_str(json).unwrap(), "config").unwrap()
    }

    #[test]
    fn both_annotation_forms_and_enterprise_hosts() {
        let entities = vec![
            entity("Component", "Payments", &[(SLUG_ANNOTATION, "Acme/payments")]),
            entity(
                "component",
                "web",
                &[(SOURCE_LOCATION_ANNOTATION, "url:https://github.com/acme/web.git/tree/main/")],
            ),
            entity("Component", "ghe", &[(SOURCE_LOCATION_ANNOTATION, "url:https://ghe.example.com/acme/ghe")]),
            entity("API", "api", &[(SLUG_ANNOTATION, "acme/api")]),
            entity("Component", "other", &[(SLUG_ANNOTATION, "someone/else")]),
            entity("Component", "bare", &[]),
            entity("Component", "bad", &[(SLUG_ANNOTATION, "acme")]),
        ];
        let got = select_services(&entities, &selection(r#"{"organizations": ["ACME"]}"#));
        let refs: Vec<(&str, &str, &str, &str)> =
            got.iter().map(|s| (s.entity_ref.as_str(), s.host.as_str(), s.owner.as_str(), s.repo.as_str())).collect();
        assert_eq!(
            refs,
            vec![
                ("component:default/payments", "github.com", "Acme", "payments"),
                ("component:default/web", "github.com", "acme", "web")
            ]
        );
        let got = select_services(
            &entities,
            &selection(r#"{"organizations": ["acme"], "hosts": ["github.com", "ghe.example.com"]}"#),
        );
        assert_eq!(got.iter().map(|s| s.repo.as_str()).collect::<Vec<_>>(), vec!["ghe", "payments", "web"]);
    }

    #[test]
    fn include_and_exclude_with_stars() {
        let entities: Vec<Value> = ["pay-api", "pay-web", "search"]
            .iter()
            .map(|n| entity("Component", n, &[(SLUG_ANNOTATION, &format!("acme/{n}"))]))
            .collect();
        let names = |json: &str| -> Vec<String> {
            select_services(&entities, &selection(json)).into_iter().map(|s| s.repo).collect()
        };
        assert_eq!(names(r#"{"organizations": ["acme"], "includeServices": ["pay-*"]}"#), vec!["pay-api", "pay-web"]);
        assert_eq!(
            names(r#"{"organizations": ["acme"], "excludeServices": ["component:default/*-web"]}"#),
            vec!["pay-api", "search"]
        );
        assert_eq!(
            names(r#"{"organizations": ["acme"], "includeServices": ["*"], "excludeServices": ["SEARCH"]}"#),
            vec!["pay-api", "pay-web"]
        );
    }

    #[test]
    fn globs() {
        assert!(glob_matches("*", ""));
        assert!(glob_matches("a*b*c", "aXXbYYc"));
        assert!(!glob_matches("a*b", "aXXc"));
        assert!(glob_matches("**x", "x"));
        assert!(!glob_matches("abc", "abcd"));
    }

    #[test]
    fn bad_config_is_named() {
        for (json, field) in [
            (r#"{}"#, "config.organizations"),
            (r#"{"organizations": "acme"}"#, "config.organizations"),
            (r#"{"organizations": ["acme", ""]}"#, "config.organizations[1]"),
            (r#"{"organizations": [], "owners": []}"#, "config.owners"),
        ] {
            let err = Selection::from_value(&serde_json::from_str(json).unwrap(), "config").unwrap_err();
            assert_eq!((err.code(), err.field()), ("INVALID_OPTIONS", field), "{json}");
        }
    }
}
