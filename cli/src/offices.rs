//! Offices by name: `offices.toml` in the platform's config directory (or the file
//! `$BENEFITS_CONFIG` names), and `benefits office list`. A file that holds a key must be
//! readable by its owner only, as ssh asks of a private key. No key is ever printed.
//!
//! ```toml
//! [offices.maple-grove]
//! mode = "remote"                      # remote (default), local-api, api-service:HOST, or a URL
//! cascade = ["local-api", "remote"]    # instead of mode: modes tried in order
//! version = "24.2.11"                  # the office's Open Dental version, if known
//! customer_key_env = "MAPLE_GROVE_KEY" # where the customer key comes from…
//! # customer_key = "…"                 # …or the key itself (then chmod 600 the file)
//! # developer_key_env = "…"            # default OPENDENTAL_DEVELOPER_KEY
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use benefits_sdk::opendental::{Endpoint, ServerVersion};
use serde::{Deserialize, Serialize};

use crate::Failure;

/// The whole file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    offices: BTreeMap<String, Entry>,
}

/// One office as written. Holds a key: no `Debug`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    mode: Option<String>,
    cascade: Option<Vec<String>>,
    version: Option<String>,
    customer_key_env: Option<String>,
    customer_key: Option<String>,
    developer_key_env: Option<String>,
}

/// Where an office's customer key comes from.
pub enum KeySource {
    /// An environment variable.
    Env(String),
    /// The config file itself (it is not printed).
    File(String),
    /// Nowhere: the office cannot be reached.
    Missing,
}

/// An office, ready to build a client for. Holds a key: no `Debug`.
pub struct Office {
    pub name: String,
    pub endpoints: Vec<Endpoint>,
    /// The modes as written, for printing.
    pub modes: Vec<String>,
    pub version: Option<ServerVersion>,
    pub customer_key: KeySource,
    pub developer_key_env: String,
}

impl Office {
    /// The customer key, from where the file says.
    pub fn customer_key(&self) -> Result<String, Failure> {
        match &self.customer_key {
            KeySource::Env(var) => std::env::var(var).map_err(|_| {
                Failure::Input(format!(
                    "office {}: its customer key's variable {var} is not set",
                    self.name
                ))
            }),
            KeySource::File(key) => Ok(key.clone()),
            KeySource::Missing => Err(Failure::Input(format!(
                "office {}: no customer key (set customer_key_env or customer_key)",
                self.name
            ))),
        }
    }

    /// Where the customer key comes from, in words (never the key).
    pub fn key_source(&self) -> String {
        match &self.customer_key {
            KeySource::Env(var) => format!("${var}"),
            KeySource::File(_) => "in the config file".to_owned(),
            KeySource::Missing => "missing".to_owned(),
        }
    }
}

/// The config file's path: `$BENEFITS_CONFIG`, else `offices.toml` under the platform's config
/// directory (`~/.config/benefits/` on Linux).
pub fn path() -> Option<PathBuf> {
    match std::env::var_os("BENEFITS_CONFIG") {
        Some(path) => Some(PathBuf::from(path)),
        None => dirs::config_dir().map(|d| d.join("benefits").join("offices.toml")),
    }
}

/// Every office of the config file (none when there is no file).
pub fn load() -> Result<Vec<Office>, Failure> {
    let Some(path) = path() else {
        return Ok(Vec::new());
    };
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Failure::Input(format!("{shown}: {e}"))),
    };
    let file: ConfigFile =
        toml::from_str(&text).map_err(|e| Failure::Input(format!("{shown}: {}", e.message())))?;
    if file.offices.values().any(|o| o.customer_key.is_some()) {
        private(&path)?;
    }
    file.offices
        .into_iter()
        .map(|(name, entry)| {
            office(name, entry).map_err(|e| Failure::Input(format!("{shown}: {e}")))
        })
        .collect()
}

/// One office by name.
pub fn find(name: &str) -> Result<Office, Failure> {
    let offices = load()?;
    let names: Vec<String> = offices.iter().map(|o| o.name.clone()).collect();
    offices.into_iter().find(|o| o.name == name).ok_or_else(|| {
        let file = path().map_or("(no config directory)".to_owned(), |p| {
            p.display().to_string()
        });
        Failure::Input(match names.is_empty() {
            true => format!("no office {name:?}: {file} names no offices"),
            false => format!("no office {name:?} in {file}; it has: {}", names.join(", ")),
        })
    })
}

/// A file holding a key must not be readable or writable by anyone but its owner.
#[cfg(unix)]
fn private(path: &std::path::Path) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?
        .permissions()
        .mode();
    match mode & 0o077 {
        0 => Ok(()),
        _ => Err(Failure::Input(format!(
            "{} holds a customer key and others can read it (mode {:o}): refusing it. \
             Run chmod 600 on it, or name an environment variable with customer_key_env",
            path.display(),
            mode & 0o777
        ))),
    }
}

/// Windows keeps access in ACLs; a file under the user's profile is the user's.
#[cfg(not(unix))]
fn private(_path: &std::path::Path) -> Result<(), Failure> {
    Ok(())
}

fn office(name: String, entry: Entry) -> Result<Office, String> {
    let modes = match (entry.mode, entry.cascade) {
        (Some(_), Some(_)) => return Err(format!("office {name}: mode or cascade, not both")),
        (Some(mode), None) => vec![mode],
        (None, Some(cascade)) if !cascade.is_empty() => cascade,
        (None, Some(_)) => return Err(format!("office {name}: an empty cascade")),
        (None, None) => vec!["remote".to_owned()],
    };
    let endpoints = modes
        .iter()
        .map(|m| endpoint(m).ok_or_else(|| format!("office {name}: mode {m:?}: one of remote, local-api, api-service:HOST, or a URL")))
        .collect::<Result<_, _>>()?;
    let version = entry
        .version
        .map(|v| {
            v.parse::<ServerVersion>()
                .map_err(|e| format!("office {name}: version {v:?}: {e}"))
        })
        .transpose()?;
    let customer_key = match (entry.customer_key_env, entry.customer_key) {
        (Some(_), Some(_)) => {
            return Err(format!(
                "office {name}: customer_key_env or customer_key, not both"
            ));
        }
        (Some(var), None) => KeySource::Env(var),
        (None, Some(key)) => KeySource::File(key),
        (None, None) => KeySource::Missing,
    };
    Ok(Office {
        name,
        endpoints,
        modes,
        version,
        customer_key,
        developer_key_env: entry
            .developer_key_env
            .unwrap_or_else(|| "OPENDENTAL_DEVELOPER_KEY".to_owned()),
    })
}

fn endpoint(mode: &str) -> Option<Endpoint> {
    Some(match mode {
        "remote" => Endpoint::Remote,
        "local-api" => Endpoint::LocalApi,
        url if url.starts_with("http://") || url.starts_with("https://") => {
            Endpoint::BaseUrl(url.to_owned())
        }
        other => Endpoint::ApiService(other.strip_prefix("api-service:")?.to_owned()),
    })
}

/// `benefits office list`: the offices, never a key.
pub fn list(json: bool) -> Result<(), Failure> {
    #[derive(Serialize)]
    struct Row {
        name: String,
        modes: Vec<String>,
        version: Option<String>,
        customer_key: String,
    }
    let rows: Vec<Row> = load()?
        .into_iter()
        .map(|o| Row {
            customer_key: o.key_source(),
            version: o.version.map(|v| v.to_string()),
            modes: o.modes,
            name: o.name,
        })
        .collect();
    if json {
        crate::output::json(&rows);
        return Ok(());
    }
    let file = path().map_or("(no config directory)".to_owned(), |p| {
        p.display().to_string()
    });
    outln!("{} offices in {file}", rows.len());
    let mut table = crate::output::table(&["Office", "Mode", "Version", "Customer key"]);
    for r in rows {
        table.add_row(vec![
            r.name,
            r.modes.join(" → "),
            r.version.unwrap_or_else(|| "-".to_owned()),
            r.customer_key,
        ]);
    }
    outln!("{table}");
    Ok(())
}
